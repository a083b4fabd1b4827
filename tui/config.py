"""config.toml: server profiles and preferences. Paths are computed at call time.

Secrets never live here: no password ever, and personal API tokens go to a 0600
file (tui/tokens.py). A malformed file is reported (file, line, problem) and the
console starts with defaults.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

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


def downloads_dir() -> Path:
    return platformdirs.user_downloads_path()


class Profile(BaseModel):
    """One GLPI server the user talks to. Never holds a password."""

    model_config = ConfigDict(extra="forbid")

    url: str
    login: str = ""
    app_token: str = ""
    use_user_token: bool = False
    ca_bundle: str = ""
    insecure: bool = False
    autoclose_days: int = Field(default=7, ge=1, le=365)
    timeout: float = Field(default=20.0, gt=0, le=600)
    forms_dir: str = ""

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("url must not be empty")
        return value


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    language: str = ""
    theme: str = "textual-dark"
    default_profile: str = ""
    refresh_seconds: int = Field(default=0, ge=0)
    editor: str = ""
    keymap: dict[str, str] = Field(default_factory=dict)
    profiles: dict[str, Profile] = Field(default_factory=dict)


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
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return LoadedSettings(Settings(), path, [f"{path}: not UTF-8 text"])
    except tomllib.TOMLDecodeError as exc:
        import re

        text = str(exc)
        match = re.search(r"\(at line (\d+), column \d+\)", text)
        line = getattr(exc, "lineno", None) or (int(match.group(1)) if match else None)
        message = text[: match.start()].strip() if match else text
        where = f"{path}:{line}" if line else str(path)
        return LoadedSettings(Settings(), path, [f"{where}: {message}"])
    try:
        return LoadedSettings(Settings.model_validate(data), path)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            location = ".".join(str(p) for p in error["loc"])
            line = _line_of(raw.decode("utf-8"), error["loc"])
            where = f"{path}:{line}" if line else str(path)
            problems.append(f"{where}: {location}: {error['msg']}")
        return LoadedSettings(_salvage(data), path, problems)


def _line_of(text: str, loc: tuple[object, ...]) -> int | None:
    """Best effort: the line where the offending key (or its table) appears."""
    keys = [str(k) for k in loc if not isinstance(k, int)]
    for key in reversed(keys):
        for number, line in enumerate(text.splitlines(), start=1):
            stripped = line.strip()
            if (
                stripped.startswith(f"{key} ")
                or stripped.startswith(f"{key}=")
                or (stripped.startswith("[") and stripped.rstrip("]").endswith(f".{key}"))
            ):
                return number
    return None


def _salvage(data: dict[str, object]) -> Settings:
    """Keep the valid profiles of a file that has some invalid ones."""
    profiles: dict[str, Profile] = {}
    raw_profiles = data.get("profiles")
    if isinstance(raw_profiles, dict):
        for name, raw in raw_profiles.items():
            try:
                profiles[name] = Profile.model_validate(raw)
            except ValidationError:
                continue
    return Settings(profiles=profiles)


def save_settings(settings: Settings, path: Path | None = None) -> None:
    import tomli_w

    path = path or config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = settings.model_dump(exclude_defaults=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(tomli_w.dumps(payload), encoding="utf-8")
    tmp.replace(path)


def profile_name_for(url: str) -> str:
    """A readable profile name from a server URL."""
    from urllib.parse import urlparse

    parsed = urlparse(url if "://" in url else f"https://{url}")
    return (parsed.hostname or url).replace(".", "-") or "default"
