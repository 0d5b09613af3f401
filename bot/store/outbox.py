"""The outbox: messages owed to chats, written in the same transaction as the items behind them.

A row is a `send` (an alert, one per chat and story: dedup key `story:<id>`) or an `edit` (the
sent message of an earlier row gets "also reported by ..."). A row goes

    pending -> sending -> sent               (message_id recorded)
    pending -> sending -> sent, folded_into  (its alert went out inside another row's message)
    pending -> sending -> pending            (retry or hold, with a later `not_before`)
    pending -> sending -> failed             (given up with `last_error`, or `skipped` with
                                              the reason: chat/source/term muted, alerts off)

A row left in `sending` by a crash is returned to pending with `possible_repeat` set, since
Telegram may or may not have received it. Nothing here talks to Telegram.

An alert usually goes to many chats in the same words (a poll queues thousands of rows for a
few hundred bodies), so what they share (what it says, reasons, mute buttons, item, source) is
stored once in `alert_bodies` and the row names it (`body_id`); the row keeps what is the
chat's own: its state, dedup key, story and "also reported by" list. A body keeps what the
alert says (`Said`: headline, language, the words to highlight) rather than its text, which is
rendered from that and its item's row when the row is read: most bodies are read once, at
send time, and rendering them all as a poll queues them was its largest cost. Rows without a
body (digests, edits, operator notices, alerts queued before bodies existed) carry their own
text, as do bodies stored before version 10; `_SELECT` reads them all alike.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

import aiosqlite

from bot.delivery.render import render_stored
from bot.store.db import MAX_VARIABLES

JsonDict = dict[str, Any]

# A row as the sender reads it: an alert's shared columns come from its body (alert_bodies),
# other rows (digests, edits, operator notices, alerts queued before bodies) carry their own.
# A body that keeps what its alert says (`spans` set) rather than its text is rendered from
# those columns and its item's (bot.delivery.render.render_stored).
_SELECT = (
    "SELECT o.id, o.chat_id, o.kind, coalesce(b.text, o.text), o.attempts, o.possible_repeat, "
    "o.created_at, coalesce(b.item_id, o.item_id), o.story_id, coalesce(b.source, o.source), "
    "coalesce(b.reasons, o.reasons), o.also, coalesce(b.reply_markup, o.reply_markup), "
    "o.target_id, b.spans, b.lang, b.headline, b.source_title, i.title, i.text, i.link, "
    "i.published_at FROM outbox o LEFT JOIN alert_bodies b ON b.id = o.body_id "
    "LEFT JOIN items i ON i.id = b.item_id AND b.spans IS NOT NULL"
)


@dataclass(frozen=True, slots=True)
class OutboxRow:
    id: int
    chat_id: int
    text: str
    attempts: int
    possible_repeat: bool
    kind: str = "send"
    created_at: float = 0.0
    item_id: int | None = None
    story_id: int | None = None
    source: str | None = None  # the source's name, for mutes
    regions: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    also: tuple[str, ...] = ()  # titles of other sources that reported the story since
    reply_markup: JsonDict | None = None
    target_id: int | None = None  # edit rows: the row whose message is edited
    also_names: tuple[str, ...] = field(default=())


def _row(r: aiosqlite.Row | tuple[Any, ...]) -> OutboxRow:
    reasons = json.loads(r[10]) if r[10] else {}
    also = json.loads(r[11]) if r[11] else []
    return OutboxRow(
        id=r[0],
        chat_id=r[1],
        kind=r[2],
        text=r[3] if r[14] is None else _rendered(r),
        attempts=r[4],
        possible_repeat=bool(r[5]),
        created_at=r[6],
        item_id=r[7],
        story_id=r[8],
        source=r[9],
        regions=tuple(reasons.get("regions", ())),
        terms=tuple(reasons.get("terms", ())),
        also=tuple(title for _, title in also),
        reply_markup=json.loads(r[12]) if r[12] else None,
        target_id=r[13],
        also_names=tuple(name for name, _ in also),
    )


def _rendered(r: aiosqlite.Row | tuple[Any, ...]) -> str:
    """The text of a body stored as what it says (columns 14-21 of `_SELECT`)."""
    return _text(*r[14:22], queued=r[6])


def _text(
    spans: str,
    lang: str | None,
    head: str | None,
    source_title: str | None,
    title: str | None,
    text: str | None,
    link: str | None,
    published: float | None,
    *,
    queued: float,
) -> str:
    """A body's text from what it says and its item's columns. The item is there while its
    source is (`keep_texts` renders the bodies of a source about to go); without it the
    alert still says why, with no title, snippet or link."""
    return render_stored(
        title=title or "",
        text=text or "",
        link=link,
        published=published if published is not None else queued,
        source_title=source_title or "",
        lang=lang or "en",
        head=head or "",
        spans=spans if title is not None else "",
    )


async def keep_texts(conn: aiosqlite.Connection, source: str) -> int:
    """Render and store the text of the bodies of the source's items that are kept as what
    they say, before the source and its items are deleted; returns how many."""
    async with conn.execute(
        "SELECT b.id, b.spans, b.lang, b.headline, b.source_title, i.title, i.text, i.link, "
        "i.published_at FROM items i JOIN alert_bodies b ON b.item_id = i.id "
        "WHERE i.source = ? AND b.spans IS NOT NULL",
        (source,),
    ) as cur:
        texts = [(_text(*r[1:], queued=0.0), r[0]) for r in await cur.fetchall()]
    await conn.executemany("UPDATE alert_bodies SET text = ?, spans = NULL WHERE id = ?", texts)
    return len(texts)


async def enqueue(
    conn: aiosqlite.Connection,
    *,
    chat_id: int,
    item_id: int | None,
    dedup_key: str,
    text: str,
    now: float,
    story_id: int | None = None,
    source: str | None = None,
    regions: tuple[str, ...] = (),
    terms: tuple[str, ...] = (),
    reply_markup: JsonDict | None = None,
    also: list[tuple[str, str]] | None = None,
) -> bool:
    """Queue a message; False when this chat already has one with the same dedup key.

    `also`: (name, title) of other sources that told the same story before."""
    reasons = json.dumps({"regions": list(regions), "terms": list(terms)}, ensure_ascii=False)
    markup = json.dumps(reply_markup, ensure_ascii=False) if reply_markup else None
    also_json = json.dumps([list(pair) for pair in also], ensure_ascii=False) if also else None
    cur = await conn.execute(
        """
        INSERT INTO outbox (chat_id, item_id, dedup_key, text, created_at, story_id, source,
            reasons, reply_markup, also)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (chat_id, dedup_key) DO NOTHING
        """,
        (chat_id, item_id, dedup_key, text, now, story_id, source, reasons, markup, also_json),
    )
    return cur.rowcount > 0


class Said(NamedTuple):
    """What an alert says, stored instead of its text, which is rendered from this and its
    item's columns when the row is read (bot.delivery.render.ItemAlerts.compose)."""

    lang: str
    headline: str  # why the chat is told (escaped HTML)
    spans: str  # the words to highlight (bot.delivery.render.encode_spans)
    source_title: str


@dataclass(slots=True)  # not frozen: built for every wording of every alerted item
class AlertBody:
    """What the rows of one alert share, whichever chat is owed it: enqueue's arguments
    but the chat. Built once per item and wording, so its JSON is encoded once. Its text,
    or (`said`) what it says: then `text` is not read. Nobody changes a body once made."""

    item_id: int | None
    dedup_key: str
    text: str
    story_id: int | None = None
    source: str | None = None
    regions: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    reply_markup: JsonDict | None = None
    also: list[tuple[str, str]] | None = None
    said: Said | None = None


Owed = tuple[int, AlertBody]  # a chat and the alert it is owed

# A multi-row INSERT of 500 rows costs about 25% less than executemany's 500 single-row steps
# (and RETURNING, which the count does not need, would cost more again). A chunk's rows
# (6 values each) may bring as many new bodies (10 values each) in a statement of their own.
ROWS_PER_INSERT = min(500, MAX_VARIABLES // 10)


@lru_cache(maxsize=1024)
def _reasons(regions: tuple[str, ...], terms: tuple[str, ...]) -> str:
    """The reasons column: a handful of values recur across a poll's alerts."""
    return json.dumps({"regions": list(regions), "terms": list(terms)}, ensure_ascii=False)


def _body_values(body_id: int, body: AlertBody, markups: dict[int, str]) -> tuple[object, ...]:
    """An alert_bodies row; `markups` holds the buttons' JSON by id(dict), as bodies of one
    poll often share one keyboard."""
    markup = None
    keyboard = body.reply_markup
    if keyboard and (markup := markups.get(id(keyboard))) is None:
        markup = markups[id(keyboard)] = json.dumps(keyboard, ensure_ascii=False)
    said = body.said
    return (
        body_id,
        body.item_id,
        body.source,
        body.text if said is None else "",
        _reasons(body.regions, body.terms),
        markup,
        *(said or _UNSAID),
    )


_UNSAID = (None, None, None, None)


def _also(also: list[tuple[str, str]] | None) -> str | None:
    return json.dumps([list(pair) for pair in also], ensure_ascii=False) if also else None


async def _next_body_id(conn: aiosqlite.Connection) -> int:
    """The id the next body gets: bodies are numbered by the writer (inside its transaction,
    so nobody else takes them), which saves reading ids back from a multi-row INSERT."""
    async with conn.execute("SELECT coalesce(max(id), 0) + 1 FROM alert_bodies") as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 1


async def enqueue_many(conn: aiosqlite.Connection, owed: list[Owed], now: float) -> int:
    """enqueue for many rows, in order, a statement per ROWS_PER_INSERT rows; returns how
    many were queued (a chat that already has a row with the same dedup key gets none).

    Each distinct body (rows share AlertBody objects) is stored once, before its rows."""
    if not owed:
        return 0
    async with AlertWriter(conn, now) as writer:
        await writer.add(owed)
    return writer.queued


class AlertWriter:
    """A poll's alert rows, written ROWS_PER_INSERT at a time as they are owed.

    Each INSERT is handed to the connection's thread without waiting for it to finish, so
    SQLite stores one chunk while the poll renders the next (on another core). The connection
    runs statements in the order they were handed over, so a statement issued after `flush()`
    sees every row owed before it; only leaving the `async with` waits for the INSERTs, and
    counts the rows queued (`queued`). On an error the INSERTs in flight are waited for too
    (their own errors dropped), so the transaction rolls back with nothing left running.

    Bodies are numbered by the writer, after the highest stored (the transaction keeps anyone
    else from taking ids); the writer keeps every body it saw, so their id()s stay theirs."""

    def __init__(self, conn: aiosqlite.Connection, now: float) -> None:
        self.conn = conn
        self.now = now
        self.queued = 0
        self._owed: list[Owed] = []
        self._body_ids: dict[int, int] = {}  # id(body) -> its alert_bodies id
        self._bodies: list[AlertBody] = []  # keeps them alive while their id() is a key
        self._tails: dict[int, tuple[object, ...]] = {}  # id(body) -> a row's values after chat
        self._markups: dict[int, str] = {}  # id(keyboard) -> its JSON
        self._next_id: int | None = None
        self._inserts: list[asyncio.Future[int]] = []

    async def __aenter__(self) -> AlertWriter:
        self._next_id = await _next_body_id(self.conn)  # before any write handed over
        return self

    async def behind(self, write: Awaitable[None]) -> None:
        """Run another write of the transaction alongside, waited for with the INSERTs (and
        failing the transaction as they do). Its first statement goes to the connection now,
        any further ones as it goes, among the INSERTs: it must touch other rows than they."""
        self._inserts.append(asyncio.ensure_future(_none(write)))
        await asyncio.sleep(0)

    async def __aexit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if kind is None:
            await self.flush()
        done = await asyncio.gather(*self._inserts, return_exceptions=True)
        if kind is None:
            for result in done:
                if isinstance(result, BaseException):
                    raise result
                self.queued += result

    async def add(self, owed: Iterable[Owed]) -> None:
        """Owe these rows; a full chunk goes to the database at once."""
        self._owed.extend(owed)
        while len(self._owed) >= ROWS_PER_INSERT:
            chunk = self._owed[:ROWS_PER_INSERT]
            del self._owed[:ROWS_PER_INSERT]
            await self._write(chunk)

    async def flush(self) -> None:
        """Hand the rows owed so far to the database, before any later statement."""
        if self._owed:
            chunk, self._owed = self._owed, []
            await self._write(chunk)

    async def _write(self, chunk: list[Owed]) -> None:
        if self._next_id is None:
            self._next_id = await _next_body_id(self.conn)
        bodies: list[object] = []
        values: list[object] = []
        for chat_id, body in chunk:
            tail = self._tails.get(id(body))
            if tail is None:
                body_id = self._body_ids[id(body)] = self._next_id
                self._next_id += 1
                self._bodies.append(body)
                bodies += _body_values(body_id, body, self._markups)
                tail = self._tails[id(body)] = (
                    body.dedup_key,
                    self.now,
                    body.story_id,
                    body_id,
                    _also(body.also),
                )
            values.append(chat_id)
            values += tail
        if bodies:
            self._submit(
                "INSERT INTO alert_bodies (id, item_id, source, text, reasons, reply_markup, "
                "lang, headline, spans, source_title) VALUES "
                + ",".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"] * (len(bodies) // 10)),
                bodies,
                counted=False,
            )
        self._submit(
            "INSERT INTO outbox (chat_id, dedup_key, text, created_at, story_id, body_id, also) "
            "VALUES " + ",".join(["(?, ?, '', ?, ?, ?, ?)"] * len(chunk)) + " "
            "ON CONFLICT (chat_id, dedup_key) DO NOTHING",
            values,
        )
        # The new tasks hand their statements to the connection when they first run: let them
        # run now (asyncio runs ready tasks in order), before this poll issues anything else.
        await asyncio.sleep(0)

    def _submit(self, sql: str, values: list[object], *, counted: bool = True) -> None:
        self._inserts.append(asyncio.ensure_future(_changes(self.conn, sql, values, counted)))


async def _none(write: Awaitable[None]) -> int:
    await write
    return 0


async def _changes(
    conn: aiosqlite.Connection, sql: str, values: list[object], counted: bool
) -> int:
    """Run one statement; the rows it changed (when `counted`, else 0)."""
    async with conn.execute(sql, values) as cur:
        return max(cur.rowcount, 0) if counted else 0


@dataclass(frozen=True, slots=True)
class StoryAlert:
    """The alert a chat already has (or is owed) for a story."""

    id: int
    state: str
    source: str | None
    also_names: tuple[str, ...]
    carrier_id: int  # the row whose message carries it (itself unless folded)
    skipped: bool


async def story_alert(conn: aiosqlite.Connection, chat_id: int, story_id: int) -> StoryAlert | None:
    async with conn.execute(
        "SELECT o.id, o.state, coalesce(b.source, o.source), o.also, o.folded_into, o.skipped "
        "FROM outbox o LEFT JOIN alert_bodies b ON b.id = o.body_id "
        "WHERE o.chat_id = ? AND o.story_id = ? AND o.kind = 'send' ORDER BY o.id LIMIT 1",
        (chat_id, story_id),
    ) as cur:
        r = await cur.fetchone()
    if r is None:
        return None
    also = json.loads(r[3]) if r[3] else []
    return StoryAlert(r[0], r[1], r[2], tuple(n for n, _ in also), r[4] or r[0], r[5] is not None)


async def story_chats(conn: aiosqlite.Connection, story_id: int) -> list[int]:
    """Chats that have (or are owed) an alert for the story."""
    async with conn.execute(
        "SELECT DISTINCT chat_id FROM outbox WHERE story_id = ? AND kind = 'send'", (story_id,)
    ) as cur:
        return [int(r[0]) for r in await cur.fetchall()]


async def story_chats_many(
    conn: aiosqlite.Connection, story_ids: Iterable[int]
) -> dict[int, list[int]]:
    """story_chats for many stories in one query: story -> its chats, ascending."""
    wanted = sorted(set(story_ids))
    found: dict[int, list[int]] = {}
    for start in range(0, len(wanted), 900):
        chunk = wanted[start : start + 900]
        marks = ",".join("?" * len(chunk))
        rows = await conn.execute_fetchall(
            f"SELECT DISTINCT story_id, chat_id FROM outbox WHERE story_id IN ({marks}) "
            "AND kind = 'send' ORDER BY story_id, chat_id",
            chunk,
        )
        for story_id, chat_id in rows:
            found.setdefault(int(story_id), []).append(int(chat_id))
    return found


async def add_also(conn: aiosqlite.Connection, row_id: int, name: str, title: str) -> None:
    async with conn.execute("SELECT also FROM outbox WHERE id = ?", (row_id,)) as cur:
        r = await cur.fetchone()
    also = json.loads(r[0]) if r and r[0] else []
    also.append([name, title])
    await conn.execute(
        "UPDATE outbox SET also = ? WHERE id = ?", (json.dumps(also, ensure_ascii=False), row_id)
    )


async def enqueue_edit(
    conn: aiosqlite.Connection,
    *,
    chat_id: int,
    carrier_id: int,
    story_id: int | None,
    max_edits: int,
    now: float,
) -> bool:
    """Owe the carrier's message an edit; one pending edit covers any number of new sources,
    and a message gets at most `max_edits` edits."""
    async with conn.execute(
        "SELECT count(*), sum(state = 'pending'), (SELECT edits FROM outbox WHERE id = ?1) "
        "FROM outbox WHERE kind = 'edit' AND target_id = ?1",
        (carrier_id,),
    ) as cur:
        r = await cur.fetchone()
    total, pending, done = (int(r[0]), int(r[1] or 0), int(r[2] or 0)) if r else (0, 0, 0)
    if pending or max(total, done) >= max_edits:
        return False
    await conn.execute(
        "INSERT INTO outbox (chat_id, kind, dedup_key, text, created_at, story_id, target_id) "
        "VALUES (?, 'edit', ?, '', ?, ?, ?)",
        (chat_id, f"edit:{carrier_id}:{total + 1}", now, story_id, carrier_id),
    )
    return True


async def recover_in_flight(conn: aiosqlite.Connection) -> tuple[int, int]:
    """After a restart: rows claimed by the last run go back to pending; those already handed
    to Telegram may have arrived, so their resend is marked. Returns (rows, marked)."""
    cur = await conn.execute(
        "UPDATE outbox SET possible_repeat = 1 WHERE state = 'sending' AND handed_at IS NOT NULL"
    )
    marked = cur.rowcount
    cur = await conn.execute(
        "UPDATE outbox SET state = 'pending', handed_at = NULL WHERE state = 'sending'"
    )
    return cur.rowcount, marked


async def mark_handed(conn: aiosqlite.Connection, row_ids: Iterable[int], now: float) -> None:
    """The rows' message is about to go to Telegram: from here on a crash means "maybe sent"."""
    await conn.executemany(
        "UPDATE outbox SET handed_at = ? WHERE id = ?", [(now, row_id) for row_id in row_ids]
    )


async def claim_due(
    conn: aiosqlite.Connection, now: float, limit: int, busy: Iterable[int] = ()
) -> list[OutboxRow]:
    """Mark the oldest due row of up to `limit` active chats as sending and return them.

    One row per chat, and none for the `busy` chats (a send to them is in flight): a chat's
    messages go out in order, one at a time.
    """
    async with conn.execute(
        """
        UPDATE outbox SET state = 'sending', attempts = attempts + 1
        WHERE id IN (
            SELECT min(o.id) FROM outbox o JOIN chats c ON c.id = o.chat_id
            WHERE o.state = 'pending' AND o.not_before <= ?1 AND c.active = 1
                AND c.send_after <= ?1
                AND o.chat_id NOT IN (SELECT value FROM json_each(?3))
            GROUP BY o.chat_id ORDER BY min(o.id) LIMIT ?2
        )
        RETURNING id
        """,
        (now, limit, json.dumps(sorted(busy))),
    ) as cur:
        claimed = [int(r[0]) for r in await cur.fetchall()]
    return await _rows(conn, claimed)


async def claim_followers(
    conn: aiosqlite.Connection, head: OutboxRow, now: float, limit: int = 500
) -> list[OutboxRow]:
    """The chat's other due alerts after `head`, claimed to be folded into its message."""
    async with conn.execute(
        """
        UPDATE outbox SET state = 'sending', attempts = attempts + 1
        WHERE id IN (
            SELECT id FROM outbox WHERE chat_id = ?1 AND state = 'pending' AND kind = 'send'
                AND id > ?2 AND not_before <= ?3 ORDER BY id LIMIT ?4
        )
        RETURNING id
        """,
        (head.chat_id, head.id, now, limit),
    ) as cur:
        claimed = [int(r[0]) for r in await cur.fetchall()]
    return await _rows(conn, claimed)


async def _rows(conn: aiosqlite.Connection, row_ids: list[int]) -> list[OutboxRow]:
    """The rows with these ids, oldest first, each with its body."""
    if not row_ids:
        return []
    marks = ",".join("?" * len(row_ids))
    async with conn.execute(f"{_SELECT} WHERE o.id IN ({marks}) ORDER BY o.id", row_ids) as cur:
        return [_row(r) for r in await cur.fetchall()]


async def carried_rows(conn: aiosqlite.Connection, carrier_id: int) -> list[OutboxRow]:
    """The alerts one message carries: the carrier row and those folded into it."""
    async with conn.execute(
        f"{_SELECT} WHERE o.id = ?1 OR o.folded_into = ?1 ORDER BY o.id",
        (carrier_id,),
    ) as cur:
        return [_row(r) for r in await cur.fetchall()]


async def message_of(conn: aiosqlite.Connection, row_id: int) -> tuple[str, int | None]:
    async with conn.execute(
        "SELECT state, message_id, skipped FROM outbox WHERE id = ?", (row_id,)
    ) as cur:
        r = await cur.fetchone()
    if r is None:
        return "missing", None
    return ("skipped" if r[2] else str(r[0])), r[1]


async def mark_sent(
    conn: aiosqlite.Connection,
    row_id: int,
    *,
    message_id: int,
    now: float,
    folded: tuple[int, ...] = (),
) -> None:
    await conn.execute(
        "UPDATE outbox SET state = 'sent', sent_at = ?, message_id = ?, last_error = NULL "
        "WHERE id = ?",
        (now, message_id, row_id),
    )
    for other in folded:
        await conn.execute(
            "UPDATE outbox SET state = 'sent', sent_at = ?, message_id = ?, folded_into = ?, "
            "last_error = NULL WHERE id = ?",
            (now, message_id, row_id, other),
        )


async def count_edit(conn: aiosqlite.Connection, carrier_id: int, edits: int = 1) -> None:
    """One more edit of the carrier's message (a summary gets a count that forbids edits)."""
    await conn.execute("UPDATE outbox SET edits = edits + ? WHERE id = ?", (edits, carrier_id))


async def mark_skipped(conn: aiosqlite.Connection, row_id: int, *, reason: str) -> None:
    """Not delivered on purpose (muted, alerts off): recorded with why, never lost silently."""
    await conn.execute(
        "UPDATE outbox SET state = 'failed', skipped = ?, last_error = ? WHERE id = ?",
        (reason, f"skipped: {reason}", row_id),
    )


async def release(
    conn: aiosqlite.Connection, row_id: int, *, not_before: float, reason: str | None = None
) -> None:
    """Back to pending without counting an attempt: held (quiet hours, hourly cap) or left
    for the next message."""
    await conn.execute(
        "UPDATE outbox SET state = 'pending', attempts = max(attempts - 1, 0), handed_at = NULL, "
        "not_before = max(not_before, ?), last_error = coalesce(?, last_error) WHERE id = ?",
        (not_before, reason, row_id),
    )


async def retry_later(
    conn: aiosqlite.Connection,
    row_id: int,
    *,
    not_before: float,
    error: str,
    possible_repeat: bool = False,
) -> None:
    await conn.execute(
        "UPDATE outbox SET state = 'pending', not_before = ?, last_error = ?, handed_at = NULL, "
        "possible_repeat = max(possible_repeat, ?) WHERE id = ?",
        (not_before, error, int(possible_repeat), row_id),
    )


async def mark_failed(conn: aiosqlite.Connection, row_id: int, *, error: str) -> None:
    await conn.execute(
        "UPDATE outbox SET state = 'failed', last_error = ? WHERE id = ?", (error, row_id)
    )


async def delay_chat(conn: aiosqlite.Connection, chat_id: int, not_before: float) -> None:
    """Nothing goes to the chat before `not_before`, across restarts (429, pacing, backoff)."""
    await conn.execute(
        "UPDATE chats SET send_after = max(send_after, ?) WHERE id = ?", (not_before, chat_id)
    )


async def sent_times(conn: aiosqlite.Connection, chat_id: int, since: float) -> list[float]:
    """When the chat's messages since `since` went out (folded alerts count once)."""
    async with conn.execute(
        "SELECT sent_at FROM outbox WHERE chat_id = ? AND sent_at >= ? AND state = 'sent' "
        "AND folded_into IS NULL AND kind = 'send' ORDER BY sent_at",
        (chat_id, since),
    ) as cur:
        return [float(r[0]) for r in await cur.fetchall()]


async def item_titles(conn: aiosqlite.Connection, item_ids: list[int]) -> dict[int, str]:
    if not item_ids:
        return {}
    marks = ",".join("?" * len(item_ids))
    async with conn.execute(f"SELECT id, title FROM items WHERE id IN ({marks})", item_ids) as cur:
        return {int(r[0]): str(r[1]) for r in await cur.fetchall()}


async def pending_count(conn: aiosqlite.Connection) -> int:
    async with conn.execute(
        "SELECT count(*) FROM outbox WHERE state IN ('pending', 'sending')"
    ) as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def next_due_at(conn: aiosqlite.Connection) -> float | None:
    async with conn.execute(
        "SELECT min(max(o.not_before, c.send_after)) FROM outbox o "
        "JOIN chats c ON c.id = o.chat_id WHERE o.state = 'pending' AND c.active = 1"
    ) as cur:
        row = await cur.fetchone()
    return float(row[0]) if row and row[0] is not None else None
