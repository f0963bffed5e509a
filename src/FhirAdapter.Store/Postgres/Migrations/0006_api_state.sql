-- 0006 (issue 15): as SQLite 0006, in PostgreSQL's types: the pull API's shared state (access token hashes, used
-- assertion ids, bulk export jobs, API clients registered with `clients add`, served version counters).
CREATE TABLE api_access_token (
    token_hash          text COLLATE "C" PRIMARY KEY,
    client_id           text COLLATE "C" NOT NULL,
    scopes              text NOT NULL,
    issued_at           timestamptz NOT NULL,
    expires_at          timestamptz NOT NULL
);
CREATE INDEX ix_api_access_token_expiry ON api_access_token (expires_at);

CREATE TABLE api_assertion_id (
    client_id           text COLLATE "C" NOT NULL,
    jti                 text COLLATE "C" NOT NULL,
    keep_until          timestamptz NOT NULL,
    PRIMARY KEY (client_id, jti)
);
CREATE INDEX ix_api_assertion_id_expiry ON api_assertion_id (keep_until);

CREATE TABLE api_export_job (
    id                  text COLLATE "C" PRIMARY KEY,
    client_id           text COLLATE "C" NOT NULL,
    state               text NOT NULL,
    request_json        text NOT NULL,
    transaction_time    timestamptz NOT NULL,
    created_at          timestamptz NOT NULL,
    owner               text,
    lease_until         timestamptz,
    attempt             integer NOT NULL,
    patients_exported   integer NOT NULL,
    files_json          text,
    error               text,
    expires_at          timestamptz,
    disclosures_recorded boolean NOT NULL
);
CREATE INDEX ix_api_export_job_client ON api_export_job (client_id, state);
CREATE INDEX ix_api_export_job_state ON api_export_job (state, created_at);

CREATE TABLE api_client (
    client_id           text COLLATE "C" PRIMARY KEY,
    organization_id     text NOT NULL,
    purpose             text NOT NULL,
    scopes              text NOT NULL,
    jwks                text,
    jwks_url            text,
    permit_limit        integer,
    registered_at       timestamptz NOT NULL
);

CREATE TABLE api_served_version (
    patient_key         text COLLATE "C" NOT NULL,
    resource_type       text COLLATE "C" NOT NULL,
    logical_id          text COLLATE "C" NOT NULL,
    served_hash         text COLLATE "C" NOT NULL,
    version             integer NOT NULL,
    changed_at          timestamptz NOT NULL,
    PRIMARY KEY (patient_key, resource_type, logical_id)
);
CREATE INDEX ix_api_served_version_changed ON api_served_version (resource_type, changed_at);
