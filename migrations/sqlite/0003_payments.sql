-- Payments: orders the resident creates, the providers' transactions against them, and an
-- append-only event per transition. Kept equivalent to postgres/0003_payments.sql.

CREATE TABLE payment_orders (
    id           INTEGER PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES utility_accounts (id),
    user_id      INTEGER REFERENCES users (id),
    amount_tiyin INTEGER NOT NULL CHECK (amount_tiyin > 0),
    method       TEXT NOT NULL CHECK (method IN ('card', 'payme', 'click')),
    status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'paid', 'cancelled')),
    created_at   INTEGER NOT NULL,
    paid_at      INTEGER
);
CREATE INDEX payment_orders_account ON payment_orders (account_id, id);

CREATE TABLE provider_transactions (
    id            INTEGER PRIMARY KEY,
    provider      TEXT NOT NULL,
    external_id   TEXT NOT NULL,
    order_id      INTEGER NOT NULL REFERENCES payment_orders (id),
    amount_tiyin  INTEGER NOT NULL,
    state         SMALLINT NOT NULL,        -- Payme's states: 1, 2, -1, -2
    provider_time INTEGER NOT NULL,         -- when the provider created it (Payme's `time`)
    create_time   INTEGER NOT NULL,
    perform_time  INTEGER NOT NULL DEFAULT 0,
    cancel_time   INTEGER NOT NULL DEFAULT 0,
    reason        SMALLINT,
    UNIQUE (provider, external_id)
);
CREATE INDEX provider_transactions_time ON provider_transactions (provider, provider_time);
-- One live (created or performed) transaction per order, whatever arrives concurrently.
CREATE UNIQUE INDEX provider_transactions_one_live ON provider_transactions (order_id) WHERE state IN (1, 2);

CREATE TABLE payment_events (
    id             INTEGER PRIMARY KEY,
    transaction_id INTEGER NOT NULL REFERENCES provider_transactions (id),
    state          SMALLINT NOT NULL,
    reason         SMALLINT,
    at             INTEGER NOT NULL
);
CREATE INDEX payment_events_transaction ON payment_events (transaction_id, id);

-- A ledger reference names what a row is for; no two rows may credit the same thing.
CREATE UNIQUE INDEX ledger_entries_reference ON ledger_entries (reference);
