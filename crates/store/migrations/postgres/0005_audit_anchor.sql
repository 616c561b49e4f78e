-- Issue 7: the audit chain can only grow at its end. An entry is appended right after the last
-- one and linked to it; the head moves forward only, to an entry that is in the log, and is never
-- inserted, deleted or truncated. The owner of the tables can still disable these triggers (and
-- a superuser can do anything): what catches that is the anchor outside the database, which the
-- store writes when it applies this migration, and an application role without UPDATE, DELETE
-- and TRUNCATE on the log (docs/STORAGE.md, "Audit log"). The SQLite migration of the same name
-- makes the same changes.

CREATE FUNCTION audit_log_linked() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    last_seq BIGINT;
    last_hash TEXT;
BEGIN
    SELECT seq, hash INTO last_seq, last_hash FROM audit_log ORDER BY seq DESC LIMIT 1;
    IF NEW.seq <> COALESCE(last_seq, 0) + 1
       OR NEW.prev_hash IS DISTINCT FROM COALESCE(last_hash, '0000000000000000000000000000000000000000000000000000000000000000') THEN
        RAISE EXCEPTION 'audit_log is append-only: an entry follows the last one';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER audit_log_linked BEFORE INSERT ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_linked();

CREATE FUNCTION audit_head_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'UPDATE' THEN
        RAISE EXCEPTION 'audit_log is append-only: its head moves forward only';
    END IF;
    IF NEW.id IS DISTINCT FROM OLD.id OR NEW.seq < OLD.seq
       OR (NEW.seq = 0 AND NEW.hash IS DISTINCT FROM '0000000000000000000000000000000000000000000000000000000000000000')
       OR (NEW.seq > 0 AND NEW.hash IS DISTINCT FROM (SELECT hash FROM audit_log WHERE seq = NEW.seq)) THEN
        RAISE EXCEPTION 'audit_log is append-only: its head moves forward only';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER audit_head_forward_only BEFORE INSERT OR UPDATE OR DELETE ON audit_head
FOR EACH ROW EXECUTE FUNCTION audit_head_forward_only();
CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head
FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
