-- index the audit log by subject, for a client's or a user's history
CREATE INDEX audit_log_subject_ix ON audit_log (subject, id);
