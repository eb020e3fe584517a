-- A head of a body may have its officers' answers come to them before the resident sees them:
-- the body's setting, and an answer waiting for the head (its text and who wrote it).
-- Kept equivalent to postgres/0021_answer_review.sql.

ALTER TABLE bodies ADD COLUMN answers_reviewed SMALLINT NOT NULL DEFAULT 0;
ALTER TABLE appeals ADD COLUMN draft_answer TEXT;
ALTER TABLE appeals ADD COLUMN draft_answer_by INTEGER REFERENCES users (id);
