-- who quarantined a client (an admin, or "admission" for an automatic quarantine), so that a refused
-- handshake can name the cause in the log and the audit log
ALTER TABLE clients ADD COLUMN quarantined_by VARCHAR(128);
