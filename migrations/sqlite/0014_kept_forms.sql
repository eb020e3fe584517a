-- What a person typed into a form the server refused, kept for a few minutes so the page can
-- show it again without putting it in the URL (services::kept). One per browser, found by the
-- random token in its cookie.
CREATE TABLE kept_forms (
    token      TEXT PRIMARY KEY,
    form       TEXT NOT NULL,
    fields     TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX kept_forms_created ON kept_forms (created_at);
