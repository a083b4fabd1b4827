"""The four profiles of a fresh GLPI 10 install, reduced to the rights the emulator checks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Profile:
    id: int
    name: str
    interface: str
    ticket_all: bool = False
    """READALL on tickets; without it only tickets where the user is an actor."""
    ticket_update: bool = False
    ticket_delete: bool = False
    ticket_purge: bool = False
    followup_all: bool = False
    """ADDALLTICKET; without it only requesters and the recipient may add follow-ups."""
    see_private: bool = False
    task_add: bool = False
    solution_add: bool = False
    central_read: bool = False
    """Read users, categories, document metadata, Document_Item, entities, logs…"""
    user_update: bool = False
    add_on_closed: bool = False

    def rights(self) -> dict[str, int]:
        """GLPI-like right integers, informative only (shown by getActiveProfile)."""
        ticket = 4 | 1 | 131072
        if self.ticket_all:
            ticket |= 1024
        if self.ticket_update:
            ticket |= 2 | 8192 | 16384 | 32768 | 65536
        if self.ticket_delete:
            ticket |= 8
        if self.ticket_purge:
            ticket |= 16
        followup = 1 | 4
        if self.see_private:
            followup |= 2048
        if self.followup_all:
            followup |= 32768 | 1024 | 2
        task = 1 | (2048 if self.see_private else 0) | (4 | 2 if self.task_add else 0)
        read = 1 if self.central_read else 0
        return {
            "ticket": ticket,
            "followup": followup,
            "task": task,
            "ticketvalidation": read,
            "document": (read | 4) if self.central_read else 4,
            "user": read | (2 if self.user_update else 0),
            "itilcategory": read,
            "entity": read,
            "logs": read,
            "solutiontemplate": read,
            "password_update": 1,
            "personalization": 3,
        }


SELF_SERVICE = Profile(1, "Self-Service", "helpdesk")
OBSERVER = Profile(2, "Observer", "central", ticket_all=True, see_private=True, central_read=True)
SUPER_ADMIN = Profile(
    4,
    "Super-Admin",
    "central",
    ticket_all=True,
    ticket_update=True,
    ticket_delete=True,
    ticket_purge=True,
    followup_all=True,
    see_private=True,
    task_add=True,
    solution_add=True,
    central_read=True,
    user_update=True,
    add_on_closed=True,
)
TECHNICIAN = Profile(
    6,
    "Technician",
    "central",
    ticket_all=True,
    ticket_update=True,
    ticket_delete=True,
    followup_all=True,
    see_private=True,
    task_add=True,
    solution_add=True,
    central_read=True,
    user_update=True,
)

PROFILES: dict[int, Profile] = {p.id: p for p in (SELF_SERVICE, OBSERVER, SUPER_ADMIN, TECHNICIAN)}
PROFILES_BY_NAME: dict[str, Profile] = {p.name: p for p in PROFILES.values()}


def profile_by_name(name: str) -> Profile:
    try:
        return PROFILES_BY_NAME[name]
    except KeyError:
        raise ValueError(
            f"unknown profile {name!r}; one of {', '.join(PROFILES_BY_NAME)}"
        ) from None


def profile_json(profile: Profile, entities: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": profile.id,
        "name": profile.name,
        "interface": profile.interface,
        "is_default": 0,
        "helpdesk_hardware": 1 if profile.interface == "helpdesk" else 3,
        "helpdesk_item_type": "[]",
        "ticket_status": "[]",
        "create_ticket_on_login": 0,
        "tickettemplates_id": 0,
        "changetemplates_id": 0,
        "problemtemplates_id": 0,
        **profile.rights(),
        "entities": entities,
    }
