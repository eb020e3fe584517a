-- Appeals' terms as administrators set them (a missing row is the default in
-- shared::appeal::Terms), and what keeping them needs: the term an officer was last reminded
-- of, an extension an officer asked a head for, and when an appeal left untriaged past its
-- first working day was flagged to the head.
-- Kept equivalent to sqlite/0019_terms.sql.

CREATE TABLE appeal_terms (
    setting    TEXT PRIMARY KEY CHECK (setting IN ('urgent_working_days', 'ordinary_days', 'consultation_days',
                 'extension_days', 'return_working_days', 'forward_working_days', 'remind_hours')),
    value      BIGINT NOT NULL CHECK (value > 0),
    updated_by BIGINT REFERENCES users (id),
    updated_at BIGINT NOT NULL
);

ALTER TABLE appeals ADD COLUMN reminded_due_at BIGINT;
-- An officer's request to extend the term, waiting for a head: its reason and who asked.
ALTER TABLE appeals ADD COLUMN extension_request TEXT;
ALTER TABLE appeals ADD COLUMN extension_requested_by BIGINT REFERENCES users (id);
ALTER TABLE appeals ADD COLUMN untriaged_flagged_at BIGINT;
-- The flagging job: appeals nobody has triaged, by the day they were registered.
CREATE INDEX appeals_untriaged ON appeals (registered_day, id) WHERE category IS NULL AND status <> 'resolved';
