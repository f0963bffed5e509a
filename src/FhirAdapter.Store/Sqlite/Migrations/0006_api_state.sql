-- 0006 (issue 15): the pull API's state, shared by every instance and kept across restarts: access tokens (their
-- SHA-256 only), the client assertion ids already used (the replay cache), bulk export jobs, the API clients registered
-- with `clients add`, and the version counter of each served resource.
CREATE TABLE api_access_token (
    token_hash      TEXT PRIMARY KEY,       -- SHA-256 of the bearer token, hex; never the token
    client_id       TEXT NOT NULL,
    scopes          TEXT NOT NULL,          -- granted, space-separated
    issued_at       TEXT NOT NULL,
    expires_at      TEXT NOT NULL
);
CREATE INDEX ix_api_access_token_expiry ON api_access_token (expires_at);

CREATE TABLE api_assertion_id (
    client_id       TEXT NOT NULL,
    jti             TEXT NOT NULL,
    keep_until      TEXT NOT NULL,          -- the assertion's exp plus the clock skew: later it is refused as expired anyway
    PRIMARY KEY (client_id, jti)
);
CREATE INDEX ix_api_assertion_id_expiry ON api_assertion_id (keep_until);

CREATE TABLE api_export_job (
    id              TEXT PRIMARY KEY,
    client_id       TEXT NOT NULL,
    state           TEXT NOT NULL,          -- queued | running | completed | failed
    request_json    TEXT NOT NULL,          -- what was asked: types, _since, URLs, the grant's scopes
    transaction_time TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    owner           TEXT,                   -- the instance running it
    lease_until     TEXT,                   -- its runner renews this; past it, another instance takes the job over
    attempt         INTEGER NOT NULL,       -- runs started: the files of attempt N are in the folder {id}-{N}
    patients_exported INTEGER NOT NULL,
    files_json      TEXT,                   -- the manifest's files once completed
    error           TEXT,
    expires_at      TEXT,                   -- its files are deleted then
    disclosures_recorded INTEGER NOT NULL
);
CREATE INDEX ix_api_export_job_client ON api_export_job (client_id, state);
CREATE INDEX ix_api_export_job_state ON api_export_job (state, created_at);

CREATE TABLE api_client (
    client_id       TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL,
    purpose         TEXT NOT NULL,
    scopes          TEXT NOT NULL,
    jwks            TEXT,                   -- public keys only (a JWK Set)
    jwks_url        TEXT,
    permit_limit    INTEGER,
    registered_at   TEXT NOT NULL
);

-- What the API last served of a resource (its content hash and security labels, hashed) and the counter that is its
-- meta.versionId: it moves whenever what a client is served changes, labels included.
CREATE TABLE api_served_version (
    patient_key     TEXT NOT NULL,
    resource_type   TEXT NOT NULL,
    logical_id      TEXT NOT NULL,
    served_hash     TEXT NOT NULL,
    version         INTEGER NOT NULL,
    changed_at      TEXT NOT NULL,
    PRIMARY KEY (patient_key, resource_type, logical_id)
);
CREATE INDEX ix_api_served_version_changed ON api_served_version (resource_type, changed_at);
