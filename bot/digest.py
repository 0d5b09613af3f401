"""Digests: when a chat's next one is due, and what it says. Pure functions: no I/O, no clock.

    due_period(now, zone, "08:00", weekday, last_period) -> Period | None
        the most recent scheduled moment at or before `now` (daily, or weekly on `weekday`,
        0 = Monday), unless the chat already had that period's digest. A period is named by
        the local date of its moment ("2026-03-29"), so each chat gets one digest per period
        whatever happens to the clock in between: a spring-forward gap moves the moment an
        hour later on the wall clock (zoneinfo's fold=0), a fall-back repeat counts once.
        Only the latest missed period is due, never a backlog.

    render_digest(stories, ...) -> [message, ...]
        the stories that matched the chat, grouped by region, then by watch term (each story
        once, in its first group); most-reported then newest first; a count per group; the
        top `per_group` stories with links and "... and K more: /recent <group>". Split at
        story boundaries so each message stays within `limit` UTF-16 units; everything from
        sources is escaped.

The store (bot.store.digests) reads the schedules and matched stories, and the scheduler
(bot.delivery.digests) enqueues the messages.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.delivery.render import MONTHS, is_web_link, utf16_len
from bot.i18n import t

DAY = 86400.0
WEEK = 7 * DAY
PER_GROUP = 5
# Kept free below Telegram's 4096 units: the sender may append "(possible repeat)".
MESSAGE_UNITS = 4000
TITLE_CHARS = 200
LINK_CHARS = 1000
WEEKDAYS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "mon monday пн пон понедельник понеділок",
        "tue tuesday вт вів вторник вівторок",
        "wed wednesday ср сер среда середа",
        "thu thursday чт чет четверг четвер",
        "fri friday пт пят пятница пʼятниця п'ятниця",
        "sat saturday сб суб суббота субота",
        "sun sunday вс вос нд нед воскресенье неділя",
    )
):
    for _name in _names.split():
        WEEKDAYS[_name] = _number
_CLOCK = re.compile(r"^(\d{1,2})(?::(\d{2}))?$")


@dataclass(frozen=True, slots=True)
class Schedule:
    at: str  # local "HH:MM"
    weekday: int | None = None  # None: daily; 0 = Monday ... 6 = Sunday

    @property
    def span(self) -> float:
        """What a digest covers when there was none before it."""
        return DAY if self.weekday is None else WEEK


@dataclass(frozen=True, slots=True)
class Period:
    key: str  # the local date of the scheduled moment, "2026-03-29"
    due_at: datetime  # the scheduled moment, UTC


def zone_of(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def _moment(day: date, at: str, zone: tzinfo) -> datetime:
    hour, minute = (int(part) for part in at.split(":"))
    # fold=0: a time skipped by spring-forward maps to the wall clock an hour later, a time
    # repeated by fall-back to its first occurrence.
    return datetime.combine(day, time(hour, minute), tzinfo=zone).astimezone(UTC)


def latest_period(now: datetime, zone_name: str, schedule: Schedule) -> Period:
    """The most recent scheduled moment at or before `now`."""
    zone = zone_of(zone_name)
    day = now.astimezone(zone).date()
    step = 1
    if schedule.weekday is not None:
        step = 7
        day -= timedelta(days=(day.weekday() - schedule.weekday) % 7)
    while True:
        moment = _moment(day, schedule.at, zone)
        if moment <= now:
            return Period(day.isoformat(), moment)
        day -= timedelta(days=step)


def due_period(
    now: datetime, zone_name: str, at: str, weekday: int | None, last_period: str | None
) -> Period | None:
    """The period whose digest is owed at `now`, or None (see the module docstring)."""
    period = latest_period(now, zone_name, Schedule(at, weekday))
    if last_period is not None and period.key <= last_period:
        return None
    return period


def parse_schedule(words: Sequence[str]) -> Schedule:
    """["08:00"] -> daily; ["weekly", "mon", "09:00"] -> weekly. ValueError when unclear."""
    lowered = [word.lower() for word in words]
    if len(lowered) == 1:
        return Schedule(_clock(lowered[0]))
    if len(lowered) == 3 and lowered[0] in ("weekly", "еженедельно", "щотижня", "week"):
        weekday = WEEKDAYS.get(lowered[1].rstrip("."))
        if weekday is None:
            raise ValueError(lowered[1])
        return Schedule(_clock(lowered[2]), weekday)
    raise ValueError(" ".join(words))


def _clock(raw: str) -> str:
    match = _CLOCK.match(raw)
    if match is None:
        raise ValueError(raw)
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if hour > 23 or minute > 59:
        raise ValueError(raw)
    return f"{hour:02d}:{minute:02d}"


# -- content ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DigestStory:
    """One story that matched the chat (its first alert's item)."""

    story_id: int
    title: str
    link: str | None
    published: float  # Unix seconds
    sources: int  # how many sources carried it
    regions: tuple[str, ...]  # the chat's regions (or town place ids) it matched
    terms: tuple[str, ...]  # the chat's watch terms it matched


@dataclass(frozen=True, slots=True)
class Group:
    kind: str  # "region" or "term"
    key: str  # region code / place id, or the watch term
    stories: tuple[DigestStory, ...]


def group_stories(
    stories: Sequence[DigestStory], regions: Sequence[str], terms: Sequence[str]
) -> list[Group]:
    """Each story once, in its first group: the chat's regions in its order, then its terms;
    within a group most-reported, then newest first. Empty groups are left out."""
    order = [("region", code) for code in regions] + [("term", term) for term in terms]
    extra = sorted(
        {("region", r) for s in stories for r in s.regions if r not in regions}
        | {("term", w) for s in stories for w in s.terms if w not in terms}
    )
    order += extra  # a region or term the chat dropped since still names its stories
    buckets: dict[tuple[str, str], list[DigestStory]] = {key: [] for key in order}
    seen: set[int] = set()
    for story in stories:
        if story.story_id in seen:
            continue
        for key in order:
            wanted = story.regions if key[0] == "region" else story.terms
            if key[1] in wanted:
                buckets[key].append(story)
                seen.add(story.story_id)
                break
    return [
        Group(kind, key, tuple(sorted(found, key=lambda s: (-s.sources, -s.published))))
        for (kind, key), found in buckets.items()
        if found
    ]


def _when(timestamp: float, zone: tzinfo, lang: str) -> str:
    local = datetime.fromtimestamp(timestamp, zone)
    month = MONTHS.get(lang, MONTHS["en"])[local.month - 1]
    return f"{local.day} {month} {local:%H:%M}"


def _story_line(story: DigestStory, lang: str) -> str:
    title = story.title.strip() or "—"
    if len(title) > TITLE_CHARS:
        title = title[: TITLE_CHARS - 1] + "…"
    shown = html.escape(title, quote=False)
    href = html.escape(story.link or "", quote=True)
    # Measured escaped ("&" swells to "&amp;"); only http(s) links, never javascript: or file:.
    if href and len(href) <= LINK_CHARS and is_web_link(href):
        shown = f'<a href="{href}">{shown}</a>'
    if story.sources > 1:
        shown += " · " + t(lang, "digest_sources", count=story.sources)
    return f"• {shown}"


def render_digest(
    stories: Sequence[DigestStory],
    *,
    regions: Sequence[str],
    terms: Sequence[str],
    lang: str,
    zone_name: str,
    since: float,
    weekly: bool = False,
    region_name: Callable[[str], str],
    per_group: int = PER_GROUP,
    limit: int = MESSAGE_UNITS,
) -> list[str]:
    """The digest's messages (at least one: an empty digest says nothing matched)."""
    zone = zone_of(zone_name)
    groups = group_stories(stories, regions, terms)
    total = sum(len(g.stories) for g in groups)
    title = t(lang, "digest_weekly_title" if weekly else "digest_title")
    header = f"{title} · {t(lang, 'digest_since', since=_when(since, zone, lang))}"
    if not groups:
        return [f"{header}\n{t(lang, 'digest_empty')}"]
    header += "\n" + t(lang, "digest_total", count=total)
    # Blocks that must not be split: a group's heading with its first story, each further story.
    blocks: list[tuple[str, str]] = []  # (heading of the group, block text)
    for group in groups:
        if group.kind == "region":
            name = html.escape(region_name(group.key), quote=False)
            heading = f"📍 <b>{name}</b>"
            command = f"/recent {html.escape(_recent_arg(group.key, region_name), quote=False)}"
        else:
            heading = f"🔎 <b>{html.escape(group.key, quote=False)}</b>"
            command = f"/recent {html.escape(group.key, quote=False)}"
        heading += " — " + t(lang, "digest_count", count=len(group.stories))
        shown = group.stories[:per_group]
        for index, story in enumerate(shown):
            line = _story_line(story, lang)
            blocks.append((heading, f"\n\n{heading}\n{line}" if index == 0 else f"\n{line}"))
        more = len(group.stories) - len(shown)
        if more > 0:
            blocks.append((heading, "\n" + t(lang, "digest_more", count=more, command=command)))
    messages: list[str] = []
    current = header
    for heading, block in blocks:
        if utf16_len(current) + utf16_len(block) > limit:
            messages.append(current)
            if block.startswith("\n\n"):  # a new group starts the next message
                current = block[2:]
            else:  # the group goes on: its heading again, marked as continued
                current = t(lang, "digest_continued", heading=heading) + block
        else:
            current += block
    messages.append(current)
    return messages


def _recent_arg(code: str, region_name: Callable[[str], str]) -> str:
    """What to type after /recent for a group: a region's code, a town's name."""
    return code if "/" not in code else region_name(code)
