-- Issue 9: the staff console. Server-side sessions (the cookie holds a random token; only its
-- SHA-256 is stored), a query code on every application (the 回执 and, later, the public portal),
-- per-agency letter templates, and document numbers 〔year〕N号 from a per-agency, per-year
-- sequence, with the letters issued. The PostgreSQL migration of the same name makes the same
-- changes.

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    csrf       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen  TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

ALTER TABLE applications ADD COLUMN query_code TEXT;
CREATE UNIQUE INDEX applications_by_query_code ON applications (query_code) WHERE query_code IS NOT NULL;

CREATE TABLE letter_templates (
    agency_id  INTEGER NOT NULL REFERENCES agencies (id),
    kind       TEXT NOT NULL,
    body       TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (agency_id, kind)
);

CREATE TABLE document_numbers (
    agency_id INTEGER NOT NULL REFERENCES agencies (id),
    year      INTEGER NOT NULL,
    last      INTEGER NOT NULL CHECK (last >= 0),
    PRIMARY KEY (agency_id, year)
);

CREATE TABLE letters (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications (id),
    agency_id      INTEGER NOT NULL REFERENCES agencies (id),
    kind           TEXT NOT NULL,
    year           INTEGER NOT NULL,
    seq            INTEGER NOT NULL,
    doc_number     TEXT NOT NULL,
    issued_on      TEXT NOT NULL,
    body           TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    UNIQUE (agency_id, year, seq)
);
CREATE INDEX letters_by_application ON letters (application_id);
