-- The office's records. Dates are ISO 'YYYY-MM-DD' TEXT, timestamps RFC 3339 TEXT (see
-- docs/STORAGE.md). The PostgreSQL migration of the same name creates the same tables.

CREATE TABLE agencies (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    level       TEXT NOT NULL CHECK (level IN ('township', 'county', 'city', 'province', 'department')),
    parent_id   INTEGER REFERENCES agencies (id),
    region      TEXT NOT NULL DEFAULT '',
    settings    TEXT NOT NULL DEFAULT '{}',
    created_at  TEXT NOT NULL
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    login         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL
);

CREATE TABLE user_roles (
    user_id   INTEGER NOT NULL REFERENCES users (id),
    agency_id INTEGER NOT NULL REFERENCES agencies (id),
    role      TEXT NOT NULL,
    PRIMARY KEY (user_id, agency_id, role)
);

CREATE TABLE applications (
    id                INTEGER PRIMARY KEY,
    agency_id         INTEGER NOT NULL REFERENCES agencies (id),
    number            TEXT NOT NULL,
    applicant_kind    TEXT NOT NULL CHECK (applicant_kind IN ('natural_person', 'commercial', 'research', 'public_welfare', 'legal_service', 'other_org')),
    applicant_name    TEXT NOT NULL,
    applicant_id_doc  TEXT NOT NULL DEFAULT '',
    applicant_contact TEXT NOT NULL DEFAULT '',
    applicant_address TEXT NOT NULL DEFAULT '',
    channel           TEXT NOT NULL,
    content           TEXT NOT NULL,
    requested_form    TEXT NOT NULL DEFAULT '',
    delivery          TEXT NOT NULL DEFAULT '',
    case_officer_id   INTEGER REFERENCES users (id),
    received_on       TEXT NOT NULL,
    state             TEXT NOT NULL CHECK (state IN ('open', 'paused', 'closed')),
    due_on            TEXT,
    closed_on         TEXT,
    outcome           TEXT,
    reply_type        TEXT NOT NULL DEFAULT '',
    legal_basis       TEXT NOT NULL DEFAULT '',
    reply_letter_ref  TEXT NOT NULL DEFAULT '',
    remarks           TEXT NOT NULL DEFAULT '',
    version           INTEGER NOT NULL DEFAULT 1,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    UNIQUE (agency_id, number),
    -- the storage boundary refuses a reply before receipt even if the application layer is bypassed
    CHECK (closed_on IS NULL OR closed_on >= received_on),
    CHECK ((closed_on IS NULL) = (outcome IS NULL)),
    CHECK ((closed_on IS NULL) = (state <> 'closed'))
);
-- Annual report: one covering index scan per agency and year.
CREATE INDEX applications_by_year ON applications (agency_id, received_on, closed_on, applicant_kind, outcome);
CREATE INDEX applications_by_closing ON applications (agency_id, closed_on);
-- Nearest deadlines among open cases.
CREATE INDEX applications_open_due ON applications (due_on, id) WHERE closed_on IS NULL;

CREATE TABLE application_events (
    application_id INTEGER NOT NULL REFERENCES applications (id),
    seq            INTEGER NOT NULL,
    kind           TEXT NOT NULL,
    on_date        TEXT NOT NULL,
    actor_id       INTEGER REFERENCES users (id),
    amount_yuan    INTEGER,
    note           TEXT NOT NULL DEFAULT '',
    -- per-type details as JSON (EventDetail), '' when none
    detail         TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (application_id, seq)
);
-- Section 六: fees paid in a year.
CREATE INDEX application_events_by_kind ON application_events (kind, on_date);

CREATE TABLE appeals (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications (id),
    agency_id      INTEGER NOT NULL REFERENCES agencies (id),
    kind           TEXT NOT NULL CHECK (kind IN ('reconsideration', 'litigation_direct', 'litigation_after_reconsideration')),
    filed_on       TEXT NOT NULL,
    result         TEXT NOT NULL CHECK (result IN ('upheld', 'corrected', 'other', 'pending')),
    closed_on      TEXT,
    note           TEXT NOT NULL DEFAULT '',
    CHECK (closed_on IS NULL OR closed_on >= filed_on),
    CHECK ((closed_on IS NULL) = (result = 'pending'))
);
CREATE INDEX appeals_by_agency ON appeals (agency_id, filed_on);

CREATE TABLE register_documents (
    id          INTEGER PRIMARY KEY,
    agency_id   INTEGER NOT NULL REFERENCES agencies (id),
    kind        TEXT NOT NULL CHECK (kind IN ('regulation', 'normative_document')),
    doc_number  TEXT NOT NULL,
    title       TEXT NOT NULL,
    made_on     TEXT NOT NULL,
    repealed_on TEXT,
    validity    TEXT NOT NULL CHECK (validity IN ('valid', 'repealed', 'amended')),
    UNIQUE (agency_id, doc_number),
    CHECK (repealed_on IS NULL OR repealed_on >= made_on)
);

CREATE TABLE yearly_counts (
    agency_id       INTEGER NOT NULL REFERENCES agencies (id),
    year            INTEGER NOT NULL,
    admin_licensing INTEGER NOT NULL CHECK (admin_licensing >= 0),
    admin_penalty   INTEGER NOT NULL CHECK (admin_penalty >= 0),
    admin_coercion  INTEGER NOT NULL CHECK (admin_coercion >= 0),
    admin_fees_wan  TEXT NOT NULL,
    PRIMARY KEY (agency_id, year)
);

CREATE TABLE annual_reports (
    id         INTEGER PRIMARY KEY,
    agency_id  INTEGER NOT NULL REFERENCES agencies (id),
    year       INTEGER NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('draft', 'locked', 'published')),
    content    TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (agency_id, year)
);

CREATE TABLE report_corrections (
    id           INTEGER PRIMARY KEY,
    report_id    INTEGER NOT NULL REFERENCES annual_reports (id),
    corrected_by TEXT NOT NULL,
    corrected_at TEXT NOT NULL,
    reason       TEXT NOT NULL,
    before_json  TEXT NOT NULL
);

CREATE TABLE audit_log (
    seq       INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    before_json TEXT NOT NULL,
    after_json  TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);

CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Append-only.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
