-- Card charges through the card processor (the in-app sandbox by default): the payer
-- confirms each with a code sent by SMS. Kept equivalent to postgres/0004_card_charges.sql.
CREATE TABLE card_charges (
    id          INTEGER PRIMARY KEY,
    order_id    INTEGER NOT NULL REFERENCES payment_orders (id),
    card_masked TEXT NOT NULL,
    scheme      TEXT NOT NULL,
    phone       TEXT NOT NULL,
    code_hash   TEXT NOT NULL,
    attempts    SMALLINT NOT NULL DEFAULT 0,
    expires_at  INTEGER NOT NULL,
    state       TEXT NOT NULL DEFAULT 'awaiting_code' CHECK (state IN ('awaiting_code', 'succeeded', 'failed')),
    created_at  INTEGER NOT NULL
);
CREATE INDEX card_charges_order ON card_charges (order_id, id);
