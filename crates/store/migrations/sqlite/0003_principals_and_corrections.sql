-- Issue 7: users who can be disabled and locked out, extensions asked and approved in two steps,
-- voided applications, pause deadlines for reminders, who locked a report, and audit entries that
-- name their agency and the reason for a correction. The PostgreSQL migration of the same name
-- makes the same changes.

ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1));
ALTER TABLE users ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_until TEXT;

-- A voided application stays in the records (and the audit log) but counts nowhere.
ALTER TABLE applications ADD COLUMN voided_at TEXT;
ALTER TABLE applications ADD COLUMN void_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE appeals ADD COLUMN voided_at TEXT;
ALTER TABLE appeals ADD COLUMN void_reason TEXT NOT NULL DEFAULT '';
-- 'decision' (against a reply) or 'inaction' (an application overdue and unanswered when filed).
ALTER TABLE appeals ADD COLUMN ground TEXT NOT NULL DEFAULT 'decision' CHECK (ground IN ('decision', 'inaction'));
ALTER TABLE register_documents ADD COLUMN voided_at TEXT;
ALTER TABLE register_documents ADD COLUMN void_reason TEXT NOT NULL DEFAULT '';
-- While paused: the day the pause's own window ends (correction, consultation, payment).
ALTER TABLE applications ADD COLUMN pause_due_on TEXT;
-- The next day a case needs attention: its reply due date, or while paused the pause's own end
-- (reminders list both, nearest first).
ALTER TABLE applications ADD COLUMN next_due_on TEXT;
UPDATE applications SET next_due_on = due_on;
CREATE INDEX applications_next_due ON applications (next_due_on, id) WHERE closed_on IS NULL AND voided_at IS NULL;
CREATE INDEX applications_next_due_by_agency ON applications (agency_id, next_due_on, id)
    WHERE closed_on IS NULL AND voided_at IS NULL;

-- The actor who locked the report; the publisher must be someone else (checked in the same
-- transaction that publishes).
ALTER TABLE annual_reports ADD COLUMN locked_by TEXT NOT NULL DEFAULT '';

ALTER TABLE audit_log ADD COLUMN agency_id INTEGER;
ALTER TABLE audit_log ADD COLUMN reason TEXT NOT NULL DEFAULT '';
CREATE INDEX audit_log_by_agency ON audit_log (agency_id, seq);

-- Fee amounts are bounded (a stored value must never make the annual report overflow).
CREATE TRIGGER application_events_amount_bounded BEFORE INSERT ON application_events
WHEN NEW.amount_yuan IS NOT NULL AND (NEW.amount_yuan < 0 OR NEW.amount_yuan > 10000000)
BEGIN SELECT RAISE(ABORT, 'amount out of range'); END;

-- An extension asked for by the case officer, approved (or refused) by an office head.
CREATE TABLE extension_requests (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications (id),
    days           INTEGER NOT NULL CHECK (days BETWEEN 1 AND 20),
    reason         TEXT NOT NULL,
    requested_by   INTEGER NOT NULL REFERENCES users (id),
    requested_on   TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'refused')),
    decided_by     INTEGER REFERENCES users (id),
    decided_on     TEXT
);
CREATE INDEX extension_requests_pending ON extension_requests (application_id, status);

-- Append-only, also against INSERT OR REPLACE (a REPLACE deletes without firing the delete
-- trigger unless recursive triggers are on): an entry may only be added after the newest.
CREATE TRIGGER audit_log_append_at_end BEFORE INSERT ON audit_log
WHEN NEW.seq <= (SELECT COALESCE(MAX(seq), 0) FROM audit_log)
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- Typed-in counts: a figure not given is blank (NULL), not 0.
CREATE TABLE yearly_counts_0003 (
    agency_id       INTEGER NOT NULL REFERENCES agencies (id),
    year            INTEGER NOT NULL,
    admin_licensing INTEGER CHECK (admin_licensing >= 0),
    admin_penalty   INTEGER CHECK (admin_penalty >= 0),
    admin_coercion  INTEGER CHECK (admin_coercion >= 0),
    admin_fees_wan  TEXT,
    PRIMARY KEY (agency_id, year)
);
INSERT INTO yearly_counts_0003 (agency_id, year, admin_licensing, admin_penalty, admin_coercion, admin_fees_wan)
    SELECT agency_id, year, admin_licensing, admin_penalty, admin_coercion, NULLIF(admin_fees_wan, '') FROM yearly_counts;
DROP TABLE yearly_counts;
ALTER TABLE yearly_counts_0003 RENAME TO yearly_counts;

-- The annual report's one covering scan skips voided applications.
DROP INDEX applications_by_year;
CREATE INDEX applications_by_year ON applications (agency_id, received_on, closed_on, applicant_kind, outcome)
    WHERE voided_at IS NULL;
