-- admin roles (admin: everything; viewer: reads only, as a read-only API token), admins disabled
-- without being deleted, and the last login; the admins made before keep full rights
ALTER TABLE admin_users ADD COLUMN role VARCHAR(16) DEFAULT 'admin' NOT NULL;
ALTER TABLE admin_users ADD COLUMN disabled_at TIMESTAMP(6) WITH TIME ZONE;
ALTER TABLE admin_users ADD COLUMN last_login_at TIMESTAMP(6) WITH TIME ZONE;
ALTER TABLE admin_users ADD CONSTRAINT admin_users_role_ck CHECK (role IN ('admin', 'viewer'));
