-- Nearest deadlines of one agency among many open cases (`gongkai case list --agency … --due-within …`).
CREATE INDEX applications_open_due_by_agency ON applications (agency_id, due_on, id) WHERE closed_on IS NULL;
