"""Schema migrations: MIGRATIONS[n-1] takes the database from user_version n-1 to n.

Append only. Statements are separated by ';' and run in one transaction with the version bump.
Times are stored as Unix seconds (REAL) in UTC.
"""

MIGRATIONS: list[str] = [
    # 1: sources, items, chats, subscriptions, watch terms, outbox
    """
    CREATE TABLE sources (
        name TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        url TEXT NOT NULL,
        kind TEXT NOT NULL,
        language TEXT NOT NULL,
        interval INTEGER NOT NULL,
        trusted INTEGER NOT NULL DEFAULT 1,
        etag TEXT,
        last_modified TEXT,
        primed INTEGER NOT NULL DEFAULT 0,
        next_check_at REAL NOT NULL DEFAULT 0,
        last_success_at REAL,
        last_error TEXT,
        last_error_at REAL,
        failures INTEGER NOT NULL DEFAULT 0,
        polls INTEGER NOT NULL DEFAULT 0,
        not_modified INTEGER NOT NULL DEFAULT 0,
        items_seen INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE items (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL REFERENCES sources(name) ON DELETE CASCADE,
        key TEXT NOT NULL,
        link TEXT,
        title TEXT NOT NULL,
        text TEXT NOT NULL,
        language TEXT NOT NULL,
        published_at REAL NOT NULL,
        fetched_at REAL NOT NULL,
        UNIQUE (source, key)
    );
    CREATE INDEX items_by_published ON items (published_at);
    CREATE TABLE chats (
        id INTEGER PRIMARY KEY,
        type TEXT NOT NULL DEFAULT 'private',
        title TEXT,
        language TEXT NOT NULL DEFAULT 'en',
        active INTEGER NOT NULL DEFAULT 1,
        send_after REAL NOT NULL DEFAULT 0,
        created_at REAL NOT NULL
    );
    CREATE TABLE region_subscriptions (
        chat_id INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE ON UPDATE CASCADE,
        region TEXT NOT NULL,
        created_at REAL NOT NULL,
        PRIMARY KEY (chat_id, region)
    );
    CREATE INDEX region_subscriptions_by_region ON region_subscriptions (region);
    CREATE TABLE watch_terms (
        chat_id INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE ON UPDATE CASCADE,
        term TEXT NOT NULL,
        created_at REAL NOT NULL,
        PRIMARY KEY (chat_id, term)
    );
    CREATE INDEX watch_terms_by_term ON watch_terms (term);
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        chat_id INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE ON UPDATE CASCADE,
        item_id INTEGER REFERENCES items(id) ON DELETE SET NULL,
        dedup_key TEXT NOT NULL,
        text TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending'
            CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        possible_repeat INTEGER NOT NULL DEFAULT 0,
        not_before REAL NOT NULL DEFAULT 0,
        created_at REAL NOT NULL,
        sent_at REAL,
        message_id INTEGER,
        last_error TEXT,
        UNIQUE (chat_id, dedup_key)
    );
    CREATE INDEX outbox_due ON outbox (state, not_before)
    """,
    # 2: source poll state: pausing, server hints, adaptive schedule (Sources)
    """
    ALTER TABLE sources ADD COLUMN config_url TEXT;
    ALTER TABLE sources ADD COLUMN paused INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE sources ADD COLUMN paused_at REAL;
    ALTER TABLE sources ADD COLUMN failing_since REAL;
    ALTER TABLE sources ADD COLUMN adaptive_interval REAL;
    ALTER TABLE sources ADD COLUMN feed_ttl REAL;
    ALTER TABLE sources ADD COLUMN last_status INTEGER;
    CREATE INDEX sources_due ON sources (paused, next_check_at)
    """,
    # 3: town subscriptions and saved watch queries (Matching)
    """
    CREATE TABLE place_subscriptions (
        chat_id INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE ON UPDATE CASCADE,
        place_id TEXT NOT NULL,
        region TEXT NOT NULL,
        created_at REAL NOT NULL,
        PRIMARY KEY (chat_id, place_id)
    );
    CREATE INDEX place_subscriptions_by_place ON place_subscriptions (place_id)
    """,
    # 4: chat settings: time zone, language, mutes, quiet hours (Chat)
    """
    ALTER TABLE chats ADD COLUMN timezone TEXT NOT NULL DEFAULT 'UTC';
    ALTER TABLE chats ADD COLUMN language_chosen INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE chats ADD COLUMN muted_until REAL NOT NULL DEFAULT 0;
    ALTER TABLE chats ADD COLUMN quiet_start TEXT;
    ALTER TABLE chats ADD COLUMN quiet_end TEXT;
    ALTER TABLE chats ADD COLUMN alerts_enabled INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE chats ADD COLUMN thread_id INTEGER;
    CREATE TABLE chat_muted_sources (
        chat_id INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE ON UPDATE CASCADE,
        source TEXT NOT NULL,
        until REAL NOT NULL,
        PRIMARY KEY (chat_id, source)
    );
    CREATE TABLE chat_muted_terms (
        chat_id INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE ON UPDATE CASCADE,
        term TEXT NOT NULL,
        until REAL NOT NULL,
        PRIMARY KEY (chat_id, term)
    );
    CREATE TABLE chat_urgent_terms (
        chat_id INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE ON UPDATE CASCADE,
        term TEXT NOT NULL,
        created_at REAL NOT NULL,
        PRIMARY KEY (chat_id, term)
    )
    """,
    # 5: story clusters and alert edits, outbox folding (Delivery)
    """
    CREATE TABLE stories (
        id INTEGER PRIMARY KEY,
        language TEXT NOT NULL,
        first_item_id INTEGER,
        created_at REAL NOT NULL,
        last_seen_at REAL NOT NULL
    );
    ALTER TABLE items ADD COLUMN story_id INTEGER REFERENCES stories(id) ON DELETE SET NULL;
    ALTER TABLE items ADD COLUMN story_terms TEXT;
    CREATE INDEX items_by_story ON items (story_id);
    CREATE INDEX items_by_language_fetched ON items (language, fetched_at);
    ALTER TABLE sources ADD COLUMN rotating_guids_at REAL;
    ALTER TABLE sources ADD COLUMN reissued_items INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'send';
    ALTER TABLE outbox ADD COLUMN story_id INTEGER;
    ALTER TABLE outbox ADD COLUMN source TEXT;
    ALTER TABLE outbox ADD COLUMN reasons TEXT;
    ALTER TABLE outbox ADD COLUMN also TEXT;
    ALTER TABLE outbox ADD COLUMN reply_markup TEXT;
    ALTER TABLE outbox ADD COLUMN target_id INTEGER;
    ALTER TABLE outbox ADD COLUMN folded_into INTEGER;
    ALTER TABLE outbox ADD COLUMN edits INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE outbox ADD COLUMN skipped TEXT;
    ALTER TABLE outbox ADD COLUMN handed_at REAL;
    CREATE INDEX outbox_by_story ON outbox (story_id, chat_id);
    CREATE INDEX outbox_by_chat_sent ON outbox (chat_id, sent_at)
    """,
    # 6: digests: a chat's local digest time, weekday (weekly), the last period enqueued
    """
    ALTER TABLE chats ADD COLUMN digest_at TEXT;
    ALTER TABLE chats ADD COLUMN digest_weekday INTEGER;
    ALTER TABLE chats ADD COLUMN digest_last_period TEXT;
    ALTER TABLE chats ADD COLUMN digest_covered_until REAL;
    CREATE INDEX outbox_by_chat_created ON outbox (chat_id, created_at)
    """,
    # 7: a source's latest items without a scan (story reissue checks read them every poll)
    "CREATE INDEX items_by_source ON items (source, id)",
    # 8: only sent rows in the index of what a chat was sent when (the sender's pacing and
    # hourly cap): a new alert row no longer adds an entry there, the send that sets sent_at does
    """
    DROP INDEX outbox_by_chat_sent;
    CREATE INDEX outbox_by_chat_sent ON outbox (chat_id, sent_at) WHERE sent_at IS NOT NULL
    """,
    # 9: an alert's body (text, reasons, mute buttons) stored once for every chat told the same
    # words; the outbox row of an alert names it (body_id) and keeps only what is the chat's own.
    # Rows from before keep their own text: readers take the body's columns when there is one.
    # outbox_by_chat_created goes: a chat-first index takes each new row at a random place
    # (bench_ingest: a fifth of the outbox INSERT); a digest, once a day, reads the chat's rows
    # through the UNIQUE (chat_id, dedup_key) index instead.
    """
    DROP INDEX outbox_by_chat_created;
    CREATE TABLE alert_bodies (
        id INTEGER PRIMARY KEY,
        item_id INTEGER REFERENCES items(id) ON DELETE SET NULL,
        source TEXT,
        text TEXT NOT NULL,
        reasons TEXT,
        reply_markup TEXT
    );
    ALTER TABLE outbox ADD COLUMN body_id INTEGER
    """,
    # 10: an alert body keeps what its alert says (headline, language, the spans to highlight,
    # the source's title) rather than its text, which is rendered with its item's stored
    # columns when the outbox row is read: rendering every body at ingest cost more than
    # storing it (bench_ingest). Bodies from before keep their text (`spans` is NULL). The
    # indexes find an item's bodies and rows: deleting a source renders its bodies first, and
    # the cascade that deletes its items sets their item_id to NULL (outbox rows queued with a
    # body carry no item_id of their own, so they are not in the partial index).
    """
    ALTER TABLE alert_bodies ADD COLUMN lang TEXT;
    ALTER TABLE alert_bodies ADD COLUMN headline TEXT;
    ALTER TABLE alert_bodies ADD COLUMN spans TEXT;
    ALTER TABLE alert_bodies ADD COLUMN source_title TEXT;
    CREATE INDEX alert_bodies_by_item ON alert_bodies (item_id);
    CREATE INDEX outbox_by_item ON outbox (item_id) WHERE item_id IS NOT NULL
    """,
    # 11: when a feed last listed an item (bot.store.retention): a day's precision is enough, so
    # a poll writes it for an item listed again at most once a day; NULL: its fetched_at.
    "ALTER TABLE items ADD COLUMN listed_at REAL",
]
