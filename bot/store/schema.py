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
    "",
    # 3: town subscriptions and saved watch queries (Matching)
    "",
    # 4: chat settings: time zone, language, mutes, quiet hours (Chat)
    "",
    # 5: story clusters and alert edits, outbox folding (Delivery)
    "",
]
