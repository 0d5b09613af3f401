"""Settings from config/*.toml and the environment. Nothing here runs at import time.

Only `load_settings` and `load_sources` read files; `token_from_env` reads the environment.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bot.errors import ConfigError
from bot.models import Source

TOKEN_VARIABLE = "TELEGRAM_BOT_TOKEN"
MIN_KEEP_DAYS = 8  # [storage] keep_days: a weekly digest reads the week before it


@dataclass(frozen=True, slots=True)
class PollingSettings:
    tick_seconds: float = 5.0
    min_interval: int = 30
    max_interval: int = 3600
    concurrency: int = 16
    max_retry_after: int = 7200
    pause_after_failures: int = 10


@dataclass(frozen=True, slots=True)
class FetchSettings:
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    total_timeout: float = 30.0
    max_body_bytes: int = 5_000_000
    per_host_concurrency: int = 4


@dataclass(frozen=True, slots=True)
class DeliverySettings:
    idle_seconds: float = 1.0
    global_rate: float = 25.0
    per_chat_interval: float = 1.0
    max_attempts: int = 8
    group_per_minute: int = 20
    fold_seconds: float = 2.0
    hourly_cap: int = 30
    max_edits: int = 3
    mute_hours: int = 24
    story_pool_items: int = 10_000


@dataclass(frozen=True, slots=True)
class StorageSettings:
    """How long the database keeps what it no longer needs (bot.store.retention)."""

    keep_days: int = 30  # 0: keep everything


@dataclass(frozen=True, slots=True)
class LimitSettings:
    """Per-chat caps against abuse (bot.subscriptions, bot.telegram.limits)."""

    max_watch_terms: int = 200
    max_regions: int = 100
    commands_per_minute: int = 30


@dataclass(frozen=True, slots=True)
class WebhookSettings:
    url: str = ""  # public HTTPS URL Telegram posts to; empty: long polling
    listen: str = "127.0.0.1"
    port: int = 8443
    path: str = "/telegram"


@dataclass(frozen=True, slots=True)
class SandboxSettings:
    host: str = "127.0.0.1"
    port: int = 8080
    replay_interval: float = 8.0
    poll_interval: int = 5
    seeds_dir: Path = Path("seeds")


@dataclass(frozen=True, slots=True)
class Settings:
    database: Path = Path("var/lookout.sqlite3")
    sources_file: Path = Path("config/sources.toml")
    log_level: str = "INFO"
    operators: tuple[int, ...] = ()
    polling: PollingSettings = field(default_factory=PollingSettings)
    fetch: FetchSettings = field(default_factory=FetchSettings)
    delivery: DeliverySettings = field(default_factory=DeliverySettings)
    sandbox: SandboxSettings = field(default_factory=SandboxSettings)
    webhook: WebhookSettings = field(default_factory=WebhookSettings)
    limits: LimitSettings = field(default_factory=LimitSettings)
    storage: StorageSettings = field(default_factory=StorageSettings)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: file not found") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc


def _section(cls: Any, raw: Any, name: str, path: Path) -> Any:
    if raw is None:
        return cls()
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: [{name}] must be a table")
    known = set(cls.__dataclass_fields__)
    unknown = set(raw) - known
    if unknown:
        raise ConfigError(f"{path}: unknown setting(s) in [{name}]: {', '.join(sorted(unknown))}")
    defaults = cls()
    values: dict[str, Any] = {}
    for key, value in raw.items():
        default = getattr(defaults, key)
        if isinstance(default, Path):
            value = Path(value)
        elif isinstance(default, bool) or not isinstance(default, (int, float, str, tuple)):
            pass
        elif isinstance(default, float) and isinstance(value, int):
            value = float(value)
        elif isinstance(default, tuple):
            value = tuple(value)
        if not isinstance(value, type(default)) and not (
            isinstance(default, float) and isinstance(value, (int, float))
        ):
            raise ConfigError(
                f"{path}: [{name}] {key} must be {type(default).__name__}, got {value!r}"
            )
        values[key] = value
    return replace(defaults, **values)


def load_settings(path: Path) -> Settings:
    """Read the settings file; a missing section takes its defaults, an unknown key is an error."""
    raw = _read_toml(path)
    bot = dict(raw.pop("bot", {}))
    sections = {
        "polling": _section(PollingSettings, raw.pop("polling", None), "polling", path),
        "fetch": _section(FetchSettings, raw.pop("fetch", None), "fetch", path),
        "delivery": _section(DeliverySettings, raw.pop("delivery", None), "delivery", path),
        "sandbox": _section(SandboxSettings, raw.pop("sandbox", None), "sandbox", path),
        "webhook": _section(WebhookSettings, raw.pop("webhook", None), "webhook", path),
        "limits": _section(LimitSettings, raw.pop("limits", None), "limits", path),
        "storage": _section(StorageSettings, raw.pop("storage", None), "storage", path),
    }
    if raw:
        raise ConfigError(f"{path}: unknown section(s): {', '.join(sorted(raw))}")
    if sections["delivery"].story_pool_items < 1:
        raise ConfigError(f"{path}: [delivery] story_pool_items must be at least 1")
    keep_days = sections["storage"].keep_days
    if keep_days != 0 and keep_days < MIN_KEEP_DAYS:
        raise ConfigError(
            f"{path}: [storage] keep_days must be 0 (keep everything) or at least "
            f"{MIN_KEEP_DAYS}: a weekly digest reads the week before it"
        )
    top = _section(_BotSection, bot, "bot", path)
    return Settings(
        database=top.database,
        sources_file=top.sources_file,
        log_level=top.log_level.upper(),
        operators=tuple(int(x) for x in top.operators),
        **sections,
    )


@dataclass(frozen=True, slots=True)
class _BotSection:
    database: Path = Path("var/lookout.sqlite3")
    sources_file: Path = Path("config/sources.toml")
    log_level: str = "INFO"
    operators: tuple[int, ...] = ()


_KINDS = ("feed", "telegram")


def parse_sources(raw: dict[str, Any], origin: str = "sources") -> list[Source]:
    """Turn the `[[source]]` tables of a sources file into Source objects, checking each."""
    entries = raw.get("source", [])
    if not isinstance(entries, list):
        raise ConfigError(f"{origin}: [[source]] entries expected")
    sources: list[Source] = []
    seen: set[str] = set()
    for n, entry in enumerate(entries, 1):
        where = f"{origin}: source #{n}"
        if not isinstance(entry, dict):
            raise ConfigError(f"{where}: must be a table")
        for key in ("name", "url"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise ConfigError(f"{where}: '{key}' is required")
        name = entry["name"].strip()
        if name in seen:
            raise ConfigError(f"{where}: duplicate name {name!r}")
        seen.add(name)
        url = entry["url"].strip()
        if urlsplit(url).scheme not in ("http", "https"):
            raise ConfigError(f"{where} ({name}): url must be http or https, got {url!r}")
        kind = entry.get("kind", "feed")
        if kind not in _KINDS:
            raise ConfigError(f"{where} ({name}): kind must be one of {_KINDS}, got {kind!r}")
        interval = entry.get("interval", 300)
        if not isinstance(interval, int) or interval <= 0:
            raise ConfigError(f"{where} ({name}): interval must be a positive number of seconds")
        sources.append(
            Source(
                name=name,
                title=str(entry.get("title", name)),
                url=url,
                kind=kind,
                language=str(entry.get("language", "ru")),
                interval=interval,
                trusted=bool(entry.get("trusted", True)),
            )
        )
    return sources


def load_sources(path: Path) -> list[Source]:
    return parse_sources(_read_toml(path), str(path))


ENVIRONMENT_OVERRIDES = ("LOOKOUT_DATABASE", "LOOKOUT_SANDBOX_HOST", "LOOKOUT_SANDBOX_PORT")


def apply_environment(settings: Settings, environ: dict[str, str] | None = None) -> Settings:
    """Deployment overrides from the environment (the container sets the first two)."""
    env = dict(os.environ if environ is None else environ)
    if env.get("LOOKOUT_DATABASE"):
        settings = replace(settings, database=Path(env["LOOKOUT_DATABASE"]))
    sandbox = settings.sandbox
    if env.get("LOOKOUT_SANDBOX_HOST"):
        sandbox = replace(sandbox, host=env["LOOKOUT_SANDBOX_HOST"])
    if env.get("LOOKOUT_SANDBOX_PORT"):
        try:
            sandbox = replace(sandbox, port=int(env["LOOKOUT_SANDBOX_PORT"]))
        except ValueError as exc:
            raise ConfigError("LOOKOUT_SANDBOX_PORT must be a port number") from exc
    return replace(settings, sandbox=sandbox)


def token_from_env() -> str | None:
    token = os.environ.get(TOKEN_VARIABLE, "").strip()
    return token or None
