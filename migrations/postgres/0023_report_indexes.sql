-- What the quarterly reports read by time: appeals by when they were registered, events of a
-- kind by when they happened, terms by when they end, and residents' scores by when given.
-- Kept equivalent to sqlite/0023_report_indexes.sql.

CREATE INDEX appeals_created ON appeals (created_at);
CREATE INDEX appeals_due ON appeals (due_at);
CREATE INDEX appeal_events_kind_at ON appeal_events (kind, at);
CREATE INDEX appeal_ratings_at ON appeal_ratings (at);
