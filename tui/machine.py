"""Facts about the machine the console runs on, for the incident checklist.

Operators run the console in an SSH session on or next to the ceBox the incident is
about; the notice asks for its name, IP and IPv6. Nothing here is sent anywhere: the
form shows the values in its fields, for review, only after the user asked for them.

Forms come from files now and from the server (Formcreator) later, so the facts are
mapped onto a form's fields by key: the built-in field names first, then the field
kind (hostname / ipv4 / ipv6), then, for plain text questions, the label.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cebox_support.tui.config import Profile
    from cebox_support.tui.forms import FormDefinition

# Documentation addresses: `connect` on a UDP socket only asks the routing table which
# source address it would use; no packet leaves the machine.
_ROUTE_PROBES = ((socket.AF_INET, "192.0.2.1"), (socket.AF_INET6, "2001:db8::1"))
QGA_LOG_NAME = "qgaAgent.log"


@dataclass(frozen=True)
class MachineFacts:
    hostname: str
    ipv4: str | None
    ipv6: str | None

    def get(self, fact: str) -> str | None:
        return {"hostname": self.hostname, "ipv4": self.ipv4, "ipv6": self.ipv6}.get(fact)


def _route_source(family: socket.AddressFamily, probe: str) -> str | None:
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as s:
            s.connect((probe, 9))
            return str(s.getsockname()[0]).split("%")[0]
    except OSError:
        return None


def _kernel_ipv6(path: Path = Path("/proc/net/if_inet6")) -> list[str]:
    """Linux: addresses of global scope, not temporary, deprecated or tentative."""
    found = []
    try:
        lines = path.read_text(encoding="ascii").splitlines()
    except OSError:
        return []
    for line in lines:
        parts = line.split()
        if len(parts) < 6 or parts[3] != "00" or parts[5] == "lo":
            continue
        flags = int(parts[4], 16)
        if flags & (0x01 | 0x20 | 0x40):
            continue
        raw = parts[0]
        found.append(str(ipaddress.IPv6Address(":".join(raw[i : i + 4] for i in range(0, 32, 4)))))
    return found


def primary_ipv4() -> str | None:
    """The source address of the default route, if it is no loopback."""
    address = _route_source(*_ROUTE_PROBES[0])
    if address is None or ipaddress.IPv4Address(address).is_loopback:
        return None
    return address


def global_ipv6() -> str | None:
    """A globally routable IPv6 address, else one of global scope (ULA); never link-local."""
    candidates: list[str] = []
    routed = _route_source(*_ROUTE_PROBES[1])
    if routed:
        candidates.append(routed)
    candidates += [a for a in _kernel_ipv6() if a not in candidates]
    usable = []
    for text in candidates:
        try:
            address = ipaddress.IPv6Address(text)
        except ValueError:
            continue
        if address.is_loopback or address.is_link_local or address.is_multicast:
            continue
        if address.ipv4_mapped is not None:
            continue
        usable.append(address)
    best = next((a for a in usable if a.is_global), None) or (usable[0] if usable else None)
    return str(best) if best is not None else None


def this_machine() -> MachineFacts:
    return MachineFacts(hostname=socket.gethostname(), ipv4=primary_ipv4(), ipv6=global_ipv6())


# -- onto a form ----------------------------------------------------------------------

FIELD_KEYS = {"cebox_name": "hostname", "cebox_ip": "ipv4", "cebox_ipv6": "ipv6"}
"""Built-in forms' field names → fact."""
KIND_FACTS = {"hostname": "hostname", "ipv4": "ipv4", "ipv6": "ipv6"}
"""Field kinds that say which fact they take (any form)."""
_LABELS = (
    ("ipv6", re.compile(r"\bipv6\b", re.IGNORECASE)),
    ("ipv4", re.compile(r"\b(ip|ipv4|adresse ip|ip address)\b", re.IGNORECASE)),
    ("hostname", re.compile(r"\b(hostname|nom d'h[ôo]te|nom de la cebox|cebox name)\b", re.I)),
)


def _fact_for(field_name: str, kind: str, labels: list[str]) -> str | None:
    if field_name in FIELD_KEYS:
        return FIELD_KEYS[field_name]
    if kind in KIND_FACTS:
        return KIND_FACTS[kind]
    if kind != "text":
        return None
    for fact, pattern in _LABELS:
        if any(pattern.search(label) for label in labels):
            return fact
    return None


def machine_fields(form: FormDefinition) -> dict[str, str]:
    """Field name → the fact it would take (whether the form has any, before asking)."""
    found: dict[str, str] = {}
    for f in form.fields:
        fact = _fact_for(f.name, f.kind.value, [f.label.fr, f.label.en])
        if fact is not None and fact not in found.values():
            found[f.name] = fact
    return found


def machine_answers(form: FormDefinition, facts: MachineFacts) -> dict[str, str]:
    """Field name → value for the fields of `form` that take a fact of this machine
    (each fact fills one field at most; facts the machine lacks are left out)."""
    answers: dict[str, str] = {}
    used: set[str] = set()
    for f in form.fields:
        fact = _fact_for(f.name, f.kind.value, [f.label.fr, f.label.en])
        value = facts.get(fact) if fact else None
        if fact is None or value is None or fact in used:
            continue
        answers[f.name] = value
        used.add(fact)
    return answers


def qga_log(profile: Profile) -> Path | None:
    """qgaAgent.log under the profile's `qga_log` folder, if there is one to offer."""
    if not profile.qga_log:
        return None
    folder = Path(profile.qga_log).expanduser()
    for candidate in (folder / QGA_LOG_NAME, folder):
        if candidate.is_file() and candidate.name.lower() == QGA_LOG_NAME.lower():
            return candidate
    return None
