-- The Telegram channel (issue 16, ADR 0017). Kept equivalent to postgres/0028_telegram.sql.

-- A chat with the bot: its language, where its conversation stands (JSON, services::telegram::
-- State), and the person it is linked to once they shared their own contact. A chat that
-- blocked the bot is unlinked and remembered as blocked until it writes again.
CREATE TABLE telegram_chats (
    chat_id      INTEGER PRIMARY KEY,
    user_id      INTEGER REFERENCES users (id),
    locale       TEXT NOT NULL DEFAULT 'uz',
    state        TEXT NOT NULL DEFAULT '"Start"',
    linked_at    INTEGER,
    blocked_at   INTEGER,
    -- Telegram allows about one message a second to a chat: the outbox sends to this chat
    -- again from then on.
    next_send_at INTEGER NOT NULL DEFAULT 0,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX telegram_chats_user ON telegram_chats (user_id);

-- Every update taken, by Telegram's id: a replayed update is recognised and ignored.
CREATE TABLE telegram_updates (
    update_id INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL
);

-- What the bot says, delivered by one paced sender (services::telegram::outbox). A message
-- that cannot reach the chat (blocked, or failing past every retry) falls back to the SMS in
-- `fallback` when it has one.
CREATE TABLE telegram_outbox (
    id              INTEGER PRIMARY KEY,
    chat_id         INTEGER NOT NULL,
    message         TEXT NOT NULL,
    purpose         TEXT NOT NULL,
    user_id         INTEGER,
    fallback        TEXT,
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        SMALLINT NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    lease_until     INTEGER,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER
);
CREATE INDEX telegram_outbox_due ON telegram_outbox (status, next_attempt_at);
CREATE INDEX telegram_outbox_chat ON telegram_outbox (chat_id, status, id);

-- Jobs only one instance may run at a time (the paced Telegram sender): the holder renews
-- its lease; another instance takes over once it has run out.
CREATE TABLE job_leases (
    name   TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    until  INTEGER NOT NULL
);

-- Where a person linked to Telegram wants notices: 'telegram' (the default) or 'sms'.
ALTER TABLE users ADD COLUMN notify_by TEXT NOT NULL DEFAULT 'telegram' CHECK (notify_by IN ('telegram', 'sms'));
