-- Issue 7: the audit chain can only grow at its end. An entry is appended right after the last
-- one and linked to it; the head moves forward only, to an entry that is in the log, and is never
-- inserted, replaced or deleted (INSERT OR REPLACE deletes without firing DELETE triggers, hence
-- the INSERT trigger). Someone who holds the file can still drop these triggers: what catches
-- that is the anchor outside the database, which the store writes when it applies this migration
-- (docs/STORAGE.md, "Audit log"). The PostgreSQL migration of the same name makes the same changes.

CREATE TRIGGER audit_log_linked BEFORE INSERT ON audit_log
WHEN NEW.seq <> (SELECT COALESCE(MAX(seq), 0) FROM audit_log) + 1
  OR NEW.prev_hash IS NOT COALESCE(
       (SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1),
       '0000000000000000000000000000000000000000000000000000000000000000')
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: an entry follows the last one'); END;

CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_head
WHEN NEW.id IS NOT OLD.id OR NEW.seq < OLD.seq
  OR (NEW.seq = 0 AND NEW.hash IS NOT '0000000000000000000000000000000000000000000000000000000000000000')
  OR (NEW.seq > 0 AND NEW.hash IS NOT (SELECT hash FROM audit_log WHERE seq = NEW.seq))
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: its head moves forward only'); END;

CREATE TRIGGER audit_head_no_insert BEFORE INSERT ON audit_head
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: its head moves forward only'); END;

CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: its head moves forward only'); END;
