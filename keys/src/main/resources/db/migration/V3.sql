-- API token scopes (admin, read-only, metrics) and an optional expiry; tokens made before keep full admin rights
ALTER TABLE api_tokens ADD COLUMN scope VARCHAR(16) DEFAULT 'admin' NOT NULL;
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMP(6) WITH TIME ZONE;
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_scope_ck CHECK (scope IN ('admin', 'read-only', 'metrics'));
