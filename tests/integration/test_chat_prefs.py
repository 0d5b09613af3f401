"""The delivery-time read of a chat's preferences, on a real SQLite file: defaults, expiry of
mutes, urgent terms only while watched, and what survives a group's migration."""

from __future__ import annotations

from pathlib import Path

from bot.store import chat_prefs, chats
from bot.store.db import Database

NOW = 1_700_000_000.0


async def test_preferences_as_delivery_reads_them(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "lookout.sqlite3")
    try:
        unknown = await chat_prefs.delivery_prefs(db.conn, 5, NOW)
        assert (unknown.language, unknown.timezone, unknown.quiet) == ("en", "UTC", None)
        assert unknown.alerts_enabled and not unknown.muted_at(NOW)

        async with db.write() as conn:
            await chats.ensure_chat(
                conn, 5, chat_type="supergroup", title="G", language="ru", now=NOW
            )
            await chats.watch(conn, 5, "дрон", NOW)
            await chats.watch(conn, 5, "ракета", NOW)
            await chat_prefs.set_timezone(conn, 5, "Europe/Moscow")
            await chat_prefs.set_quiet(conn, 5, ("23:00", "07:00"))
            await chat_prefs.mute_chat(conn, 5, NOW + 60)
            await chat_prefs.mute_source(conn, 5, "a", NOW + 60)
            await chat_prefs.mute_source(conn, 5, "b", NOW - 1)  # already over
            await chat_prefs.mute_term(conn, 5, "ракета", NOW + 3600)
            assert await chat_prefs.set_urgent(conn, 5, "дрон", True, NOW)
            assert not await chat_prefs.set_urgent(conn, 5, "дрон", True, NOW)
            await chat_prefs.set_thread(conn, 5, 42)
            await chat_prefs.set_alerts_enabled(conn, 5, False)

        seen = await chat_prefs.delivery_prefs(db.conn, 5, NOW)
        assert seen.language == "ru" and seen.timezone == "Europe/Moscow"
        assert seen.quiet == ("23:00", "07:00") and seen.thread_id == 42
        assert seen.muted_at(NOW) and not seen.muted_at(NOW + 61)
        assert seen.muted_sources == frozenset({"a"})
        assert seen.muted_terms == frozenset({"ракета"})
        assert seen.urgent_terms == frozenset({"дрон"})
        assert not seen.alerts_enabled
        # 21:30 UTC is 00:30 in Moscow.
        assert seen.quiet_at(1_700_000_000.0 - (1_700_000_000 % 86400) + 21.5 * 3600)

        later = await chat_prefs.delivery_prefs(db.conn, 5, NOW + 120)
        assert later.muted_until == 0 and later.muted_sources == frozenset()

        async with db.write() as conn:
            await chats.unwatch(conn, 5, "дрон")
        assert (await chat_prefs.delivery_prefs(db.conn, 5, NOW)).urgent_terms == frozenset()

        async with db.write() as conn:
            await chats.migrate_chat(conn, 5, -1005)
        moved = await chat_prefs.delivery_prefs(db.conn, -1005, NOW)
        assert moved.timezone == "Europe/Moscow" and moved.muted_terms == frozenset({"ракета"})

        async with db.write() as conn:
            assert await chat_prefs.unmute_chat(conn, -1005)
            assert not await chat_prefs.unmute_chat(conn, -1005)
        cleared = await chat_prefs.delivery_prefs(db.conn, -1005, NOW)
        assert cleared.muted_terms == frozenset() and not cleared.muted_at(NOW)
    finally:
        await db.close()


async def test_a_group_migrating_onto_an_existing_chat_keeps_its_preferences(
    tmp_path: Path,
) -> None:
    db = await Database.open(tmp_path / "lookout.sqlite3")
    try:
        async with db.write() as conn:
            for chat_id in (7, -1007):
                await chats.ensure_chat(
                    conn, chat_id, chat_type="group", title="G", language="en", now=NOW
                )
            await chats.watch(conn, 7, "дрон", NOW)
            await chat_prefs.set_language(conn, 7, "uk")
            await chat_prefs.set_timezone(conn, 7, "Europe/Kyiv")
            await chat_prefs.set_quiet(conn, 7, ("22:00", "06:00"))
            await chat_prefs.set_urgent(conn, 7, "дрон", True, NOW)
            await chat_prefs.mute_source(conn, 7, "a", NOW + 60)
            await chat_prefs.set_thread(conn, -1007, 9)  # set in the new supergroup already
            await chats.migrate_chat(conn, 7, -1007)
        moved = await chat_prefs.delivery_prefs(db.conn, -1007, NOW)
        assert (moved.language, moved.timezone, moved.quiet) == (
            "uk",
            "Europe/Kyiv",
            ("22:00", "06:00"),
        )
        assert moved.urgent_terms == frozenset({"дрон"})
        assert moved.muted_sources == frozenset({"a"}) and moved.thread_id == 9
    finally:
        await db.close()
