"""config.toml: server profiles and preferences. Paths are computed at call time.

Plain dataclasses with their own small validation: the config is read before the
first paint, and pydantic's start-up cost is kept off that path.

Secrets never live here: no password ever, and personal API tokens go to a 0600
file (tui/tokens.py). A malformed file is reported (file, line, problem) and the
console starts with defaults.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tomllib
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import platformdirs

APP_NAME = "cebox-support"


def config_path() -> Path:
    override = os.environ.get("CEBOX_SUPPORT_CONFIG")
    if override:
        return Path(override).expanduser()
    return platformdirs.user_config_path(APP_NAME) / "config.toml"


def config_dir() -> Path:
    return config_path().parent


def state_dir() -> Path:
    return platformdirs.user_state_path(APP_NAME)


def data_dir() -> Path:
    return platformdirs.user_data_path(APP_NAME)


def file_safe(name: str) -> str:
    """A profile name or draft key usable as a file name in our own folders."""
    import re

    return re.sub(r"[^A-Za-z0-9_.-]", "_", name) or "default"


def downloads_dir() -> Path:
    return platformdirs.user_downloads_path()


class ConfigError(ValueError):
    """One invalid value; `loc` is its path in the file (e.g. profiles.acme.timeout)."""

    def __init__(self, loc: tuple[str, ...], message: str) -> None:
        super().__init__(message)
        self.loc = loc
        self.message = message


def _check(
    loc: tuple[str, ...],
    value: Any,
    kind: type,
    low: float | None = None,
    high: float | None = None,
) -> Any:
    """Type and bounds of one value, as pydantic would say it (without its start-up cost)."""
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ConfigError(loc, f"expected {kind.__name__}, got {type(value).__name__}")
    number: Any = value
    if low is not None and number < low:
        raise ConfigError(loc, f"must be at least {low}")
    if high is not None and number > high:
        raise ConfigError(loc, f"must be at most {high}")
    return value


@dataclass
class Profile:
    """One GLPI server the user talks to. Never holds a password."""

    url: str
    login: str = ""
    app_token: str = ""
    app_token_server: str = ""
    """The server `login --app-token` gave the App-Token for: it is sent to that server
    only. Empty when written by hand, next to the `url` it goes with."""
    use_user_token: bool = False
    ca_bundle: str = ""
    insecure: bool = False
    autoclose_days: int = 7
    timeout: float = 20.0
    forms_dir: str = ""
    qga_log: str = ""
    """Folder where this machine keeps qgaAgent.log (offered for incident forms)."""
    download_max_mb: float = 200.0

    @classmethod
    def model_validate(cls, data: Any, loc: tuple[str, ...] = ()) -> Profile:
        if not isinstance(data, dict):
            raise ConfigError(loc, "expected a table")
        known = {f.name: f for f in fields(cls)}
        for key in data:
            if key not in known:
                raise ConfigError((*loc, key), "unknown key")
        if "url" not in data:
            raise ConfigError((*loc, "url"), "missing")
        values: dict[str, Any] = {}
        for key, value in data.items():
            kind = {"bool": bool, "int": int, "float": float}.get(str(known[key].type), str)
            low, high = {
                "autoclose_days": (1, 365),
                "timeout": (0.1, 600),
                "download_max_mb": (0.001, 100_000),
            }.get(key, (None, None))
            values[key] = _check((*loc, key), value, kind, low, high)
        if not values["url"].strip():
            raise ConfigError((*loc, "url"), "must not be empty")
        values["url"] = values["url"].strip()
        from cebox_support.tui.api.urls import BadServerUrl, check_server_url

        try:
            check_server_url(values["url"])
        except BadServerUrl as exc:
            raise ConfigError((*loc, "url"), exc.message) from None
        return cls(**values)

    def model_copy(self, *, update: dict[str, Any] | None = None) -> Profile:
        return replace(self, **(update or {}))

    def app_token_for_server(self) -> str:
        """The App-Token to send to `url`: none when it was given for another server."""
        if not self.app_token or not self.app_token_server:
            return self.app_token
        from cebox_support.tui.api.urls import server_identity

        same = server_identity(self.app_token_server) == server_identity(self.url)
        return self.app_token if same else ""


@dataclass
class Settings:
    language: str = ""
    theme: str = ""
    default_profile: str = ""
    refresh_seconds: int = 0
    editor: str = ""
    notify: str = ""
    """"bell" | "osc" | "off"; unset: the bell when tmux says the pane is not in front."""
    keymap: dict[str, str] = field(default_factory=dict)
    profiles: dict[str, Profile] = field(default_factory=dict)

    @classmethod
    def model_validate(cls, data: dict[str, Any]) -> Settings:
        """All of it or a ConfigError for the first problem (see `_salvage`)."""
        settings = cls()
        for key, value in data.items():
            if key == "profiles":
                _check(("profiles",), value, dict)
                settings.profiles = {
                    name: Profile.model_validate(raw, ("profiles", name))
                    for name, raw in value.items()
                }
            elif key == "keymap":
                _check(("keymap",), value, dict)
                for binding, keys in value.items():
                    _check(("keymap", binding), keys, str)
                settings.keymap = dict(value)
            elif key == "refresh_seconds":
                settings.refresh_seconds = _check((key,), value, int, 0)
            elif key == "notify":
                value = _check((key,), value, str)
                if value not in ("", "bell", "osc", "off"):
                    raise ConfigError((key,), "must be one of bell, osc, off")
                settings.notify = value
            elif key in ("language", "theme", "default_profile", "editor"):
                setattr(settings, key, _check((key,), value, str))
            else:
                raise ConfigError((key,), "unknown key")
        return settings

    def model_dump(self, *, exclude_defaults: bool = False) -> dict[str, Any]:
        """A TOML-ready dict; with exclude_defaults, only what differs from the defaults."""
        payload = asdict(self)
        if not exclude_defaults:
            return payload
        defaults = asdict(Settings())
        out = {k: v for k, v in payload.items() if v != defaults[k] and k != "profiles"}
        empty = asdict(Profile(url=""))
        if self.profiles:
            out["profiles"] = {
                name: {k: v for k, v in asdict(p).items() if k == "url" or v != empty[k]}
                for name, p in self.profiles.items()
            }
        return out


@dataclass
class LoadedSettings:
    settings: Settings
    path: Path
    problems: list[str] = field(default_factory=list)


def load_settings(path: Path | None = None) -> LoadedSettings:
    """Read config.toml; on any problem keep defaults and say what is wrong where."""
    path = path or config_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return LoadedSettings(Settings(), path)
    except OSError as exc:
        return LoadedSettings(Settings(), path, [f"{path}: {exc.strerror}"])
    try:
        text = raw.decode("utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError:
        return LoadedSettings(Settings(), path, [f"{path}: not UTF-8 text"])
    except tomllib.TOMLDecodeError as exc:
        import re

        message = str(exc)
        match = re.search(r"\(at line (\d+), column \d+\)", message)
        line = getattr(exc, "lineno", None) or (int(match.group(1)) if match else None)
        message = message[: match.start()].strip() if match else message
        where = f"{path}:{line}" if line else str(path)
        return LoadedSettings(Settings(), path, [f"{where}: {message}"])
    try:
        return LoadedSettings(Settings.model_validate(data), path)
    except ConfigError:
        settings, errors = _salvage(data)
        problems = []
        for error in errors:
            line = _line_of(text, error.loc)
            where = f"{path}:{line}" if line else str(path)
            problems.append(f"{where}: {'.'.join(error.loc)}: {error.message}")
        return LoadedSettings(settings, path, problems)


def _line_of(text: str, loc: tuple[str, ...]) -> int | None:
    """Best effort: the line where the offending key (or its table) appears."""
    for key in reversed(loc):
        for number, line in enumerate(text.splitlines(), start=1):
            stripped = line.strip()
            if (
                stripped.startswith(f"{key} ")
                or stripped.startswith(f"{key}=")
                or (stripped.startswith("[") and stripped.rstrip("]").endswith(f".{key}"))
            ):
                return number
    return None


def _salvage(data: dict[str, Any]) -> tuple[Settings, list[ConfigError]]:
    """Keep every valid part of a file that has invalid ones; report each invalid one."""
    errors: list[ConfigError] = []
    settings = Settings()
    for key, value in data.items():
        try:
            partial = Settings.model_validate({key: value} if key != "profiles" else {})
        except ConfigError as exc:
            errors.append(exc)
            continue
        if key != "profiles":
            setattr(settings, key, getattr(partial, key))
    raw_profiles = data.get("profiles")
    if isinstance(raw_profiles, dict):
        for name, raw in raw_profiles.items():
            try:
                settings.profiles[name] = Profile.model_validate(raw, ("profiles", name))
            except ConfigError as exc:
                errors.append(exc)
    elif raw_profiles is not None:
        errors.append(ConfigError(("profiles",), "expected a table"))
    return settings, errors


class ConfigNotSaved(Exception):
    """config.toml was left as it is: it does not parse or holds a bad value, and
    writing over it would lose what the user wrote. The message is `file:line: problem`."""


def unsafe_to_save(problems: list[str]) -> list[str]:
    """Problems that make a save unsafe; an unknown key is kept as written, not a blocker."""
    return [p for p in problems if not p.endswith(": unknown key")]


def _merge(table: Any, values: dict[str, Any], defaults: dict[str, Any]) -> None:
    """Set each known key whose value changed; a key the user wrote keeps its place and
    comment, a default not in the file is not added, and unknown keys are not touched."""
    for key, value in values.items():
        if key in table:
            if table[key] != value:
                table[key] = value
        elif value != defaults.get(key):
            table[key] = value


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write settings into config.toml, keeping the user's comments, order and keys we
    do not know (tomlkit); a file that does not parse or holds a bad value is refused
    with ConfigNotSaved, never overwritten. Atomic, and 0600 when an App-Token is in it."""
    import tempfile

    import tomlkit

    path = path or config_path()
    if path.is_symlink():
        path = path.resolve()  # a dotfiles link keeps pointing at the real file
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        text = ""
    except UnicodeDecodeError:
        raise ConfigNotSaved(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise ConfigNotSaved(f"{path}: {exc.strerror}") from None
    if text:
        blocking = unsafe_to_save(load_settings(path).problems)
        if blocking:
            raise ConfigNotSaved("\n".join(blocking))
    doc = tomlkit.parse(text)
    dump = asdict(settings)
    defaults = asdict(Settings())
    top = {k: v for k, v in dump.items() if k not in ("profiles", "keymap")}
    _merge(doc, top, defaults)
    if settings.keymap or "keymap" in doc:
        keymap = doc.setdefault("keymap", tomlkit.table())
        _merge(keymap, settings.keymap, {})
    if settings.profiles:
        profiles = doc.setdefault("profiles", tomlkit.table(is_super_table=True))
        empty = asdict(Profile(url=""))
        for name, profile in settings.profiles.items():
            values = asdict(profile)
            if name not in profiles:
                new = tomlkit.table()
                for key, value in values.items():
                    if key == "url" or value != empty[key]:
                        new[key] = value
                profiles[name] = new
            else:
                _merge(profiles[name], values, empty)
    output = tomlkit.dumps(doc)
    secret = any(p.app_token for p in settings.profiles.values()) or "app_token" in output
    try:
        mode = 0o600 if secret else stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = 0o600  # profiles name servers and accounts; an App-Token may come later
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), mode)
            handle.write(output.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def profile_name_for(url: str) -> str:
    """A readable profile name from a server URL."""
    from urllib.parse import urlparse

    parsed = urlparse(url if "://" in url else f"https://{url}")
    return (parsed.hostname or url).replace(".", "-") or "default"
