-- Issue 7: users who can be disabled and locked out, extensions asked and approved in two steps,
-- voided applications, pause deadlines for reminders, who locked a report, and audit entries that
-- name their agency and the reason for a correction. The SQLite migration of the same name makes
-- the same changes.

ALTER TABLE users ADD COLUMN disabled BIGINT NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1));
ALTER TABLE users ADD COLUMN failed_logins BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_until TEXT;

ALTER TABLE applications ADD COLUMN voided_at TEXT;
ALTER TABLE applications ADD COLUMN void_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN pause_due_on TEXT;
-- The next day a case needs attention: its reply due date, or while paused the pause's own end
-- (reminders list both, nearest first).
ALTER TABLE applications ADD COLUMN next_due_on TEXT;
UPDATE applications SET next_due_on = due_on;
CREATE INDEX applications_next_due ON applications (next_due_on, id) WHERE closed_on IS NULL AND voided_at IS NULL;
CREATE INDEX applications_next_due_by_agency ON applications (agency_id, next_due_on, id)
    WHERE closed_on IS NULL AND voided_at IS NULL;
ALTER TABLE appeals ADD COLUMN voided_at TEXT;
ALTER TABLE appeals ADD COLUMN void_reason TEXT NOT NULL DEFAULT '';
-- 'decision' (against a reply) or 'inaction' (an application overdue and unanswered when filed).
ALTER TABLE appeals ADD COLUMN ground TEXT NOT NULL DEFAULT 'decision' CHECK (ground IN ('decision', 'inaction'));
ALTER TABLE register_documents ADD COLUMN voided_at TEXT;
ALTER TABLE register_documents ADD COLUMN void_reason TEXT NOT NULL DEFAULT '';


ALTER TABLE annual_reports ADD COLUMN locked_by TEXT NOT NULL DEFAULT '';

ALTER TABLE audit_log ADD COLUMN agency_id BIGINT;
ALTER TABLE audit_log ADD COLUMN reason TEXT NOT NULL DEFAULT '';
CREATE INDEX audit_log_by_agency ON audit_log (agency_id, seq);

-- NOT VALID: rows written before stay (the annual report skips out-of-range amounts), new ones
-- are checked.
ALTER TABLE application_events ADD CONSTRAINT application_events_amount_bounded
    CHECK (amount_yuan IS NULL OR (amount_yuan >= 0 AND amount_yuan <= 10000000)) NOT VALID;

CREATE TABLE extension_requests (
    id             BIGINT PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES applications (id),
    days           BIGINT NOT NULL CHECK (days BETWEEN 1 AND 20),
    reason         TEXT NOT NULL,
    requested_by   BIGINT NOT NULL REFERENCES users (id),
    requested_on   TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'refused')),
    decided_by     BIGINT REFERENCES users (id),
    decided_on     TEXT
);
CREATE INDEX extension_requests_pending ON extension_requests (application_id, status);

-- TRUNCATE bypasses row triggers: refuse it too.
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- Typed-in counts: a figure not given is blank (NULL), not 0.
ALTER TABLE yearly_counts ALTER COLUMN admin_licensing DROP NOT NULL;
ALTER TABLE yearly_counts ALTER COLUMN admin_penalty DROP NOT NULL;
ALTER TABLE yearly_counts ALTER COLUMN admin_coercion DROP NOT NULL;
ALTER TABLE yearly_counts ALTER COLUMN admin_fees_wan DROP NOT NULL;
UPDATE yearly_counts SET admin_fees_wan = NULL WHERE admin_fees_wan = '';

-- The annual report's one covering scan skips voided applications.
DROP INDEX applications_by_year;
CREATE INDEX applications_by_year ON applications (agency_id, received_on, closed_on, applicant_kind, outcome)
    WHERE voided_at IS NULL;
