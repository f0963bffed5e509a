-- 0001: the whole first schema. Times are ISO-8601 UTC text (sortable, readable in the sqlite3 shell).

-- Inbox files already processed: an unchanged file is not parsed again.
CREATE TABLE inbox_file (
    path            TEXT PRIMARY KEY,
    size            INTEGER NOT NULL,
    last_write_utc  TEXT NOT NULL,
    sha256          TEXT NOT NULL,
    processed_at    TEXT NOT NULL,
    records         INTEGER NOT NULL,
    rejected        INTEGER NOT NULL
);

-- Every distinct version of every source record; exactly one current per (kind, record_id).
CREATE TABLE record_version (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL,
    record_id       TEXT NOT NULL,
    updated_at      TEXT NOT NULL,          -- as exported, with its offset (round-trip format)
    updated_at_utc  TEXT NOT NULL,          -- the same instant in UTC, for ordering and identity
    status          TEXT NOT NULL,
    site            TEXT,
    content_hash    TEXT NOT NULL,
    patient_mrn     TEXT,                   -- patient data: needed to map, never logged
    patient_key     TEXT,
    form_key        TEXT,                   -- formId|version, forms only
    payload_json    TEXT NOT NULL,
    source_file     TEXT NOT NULL,
    source_line     INTEGER,
    source_row      INTEGER,
    source_index    INTEGER,
    outcome         TEXT NOT NULL,          -- what the version rules said when this version first arrived
    is_current      INTEGER NOT NULL,
    arrivals        INTEGER NOT NULL,
    first_seen_at   TEXT NOT NULL,
    last_seen_at    TEXT NOT NULL,
    sync_run_id     INTEGER,
    UNIQUE (kind, record_id, updated_at_utc, content_hash)
);
CREATE UNIQUE INDEX ux_record_version_current ON record_version (kind, record_id) WHERE is_current = 1;
CREATE INDEX ix_record_version_patient ON record_version (patient_key) WHERE is_current = 1;

-- Arrivals by outcome (new | supersedes | repeat | stale | conflict), counted as they happen, for status.
CREATE TABLE arrival_count (
    outcome         TEXT PRIMARY KEY,
    arrivals        INTEGER NOT NULL
);

-- One row per patient (and one for the Questionnaires): generation counts changes, mapped_generation what is mapped.
CREATE TABLE patient (
    patient_key         TEXT PRIMARY KEY,
    generation          INTEGER NOT NULL,
    mapped_generation   INTEGER NOT NULL,
    dirty_since         TEXT,               -- null when mapped_generation = generation
    mapped_at           TEXT
);
CREATE INDEX ix_patient_dirty ON patient (dirty_since) WHERE dirty_since IS NOT NULL;

-- The resources of each patient's last mapping; removed_at marks one the mapping no longer produces.
CREATE TABLE patient_resource (
    id              INTEGER PRIMARY KEY,
    patient_key     TEXT NOT NULL REFERENCES patient (patient_key),
    resource_type   TEXT NOT NULL,
    identifier      TEXT NOT NULL,          -- system|value (the Patient's holds the MRN)
    logical_id      TEXT NOT NULL,
    request_url     TEXT NOT NULL,
    position        INTEGER NOT NULL,
    resource_json   TEXT NOT NULL,
    content_hash    TEXT NOT NULL,
    is_valid        INTEGER NOT NULL,
    outcome_json    TEXT,                   -- OperationOutcome of an invalid resource
    mapped_at       TEXT NOT NULL,
    removed_at      TEXT,
    UNIQUE (patient_key, resource_type, identifier)
);
CREATE INDEX ix_patient_resource_url ON patient_resource (request_url);

-- The desired and known state of each resource at each destination.
CREATE TABLE delivery (
    destination     TEXT NOT NULL,
    resource_id     INTEGER NOT NULL REFERENCES patient_resource (id),
    patient_key     TEXT NOT NULL,
    status          TEXT NOT NULL,          -- pending | sent | rejected | cancelled
    content_hash    TEXT NOT NULL,          -- the version this row is about
    queued_at       TEXT NOT NULL,
    attempts        INTEGER NOT NULL,
    last_attempt_at TEXT,
    server_id       TEXT,
    server_version  TEXT,
    sent_at         TEXT,
    reason          TEXT,
    outcome_json    TEXT,
    PRIMARY KEY (destination, resource_id)
);
CREATE INDEX ix_delivery_pending ON delivery (destination, patient_key) WHERE status = 'pending';
CREATE INDEX ix_delivery_patient ON delivery (patient_key);

-- Records a mapping held back, and what they wait for.
CREATE TABLE held_record (
    kind            TEXT NOT NULL,
    record_id       TEXT NOT NULL,
    patient_key     TEXT NOT NULL,
    wait_kind       TEXT NOT NULL,          -- intake | form
    wait_key        TEXT,                   -- formId|version for form
    held_since      TEXT NOT NULL,
    PRIMARY KEY (kind, record_id)
);
CREATE INDEX ix_held_record_wait ON held_record (wait_kind, wait_key);
CREATE INDEX ix_held_record_patient ON held_record (patient_key);

-- Records that could not be used; dedupe_key keeps a re-read file from quarantining the same record twice.
CREATE TABLE quarantine (
    id              INTEGER PRIMARY KEY,
    source_file     TEXT NOT NULL,
    source_line     INTEGER,
    source_row      INTEGER,
    source_index    INTEGER,
    record_id       TEXT,
    field           TEXT NOT NULL,
    reason          TEXT NOT NULL,
    raw_text        TEXT,                   -- patient data: for retry and `quarantine show`, never logged
    dedupe_key      TEXT NOT NULL UNIQUE,
    quarantined_at  TEXT NOT NULL,
    last_seen_at    TEXT NOT NULL,
    retry_count     INTEGER NOT NULL,
    last_retried_at TEXT
);

CREATE TABLE sync_run (
    id                  INTEGER PRIMARY KEY,
    owner               TEXT NOT NULL,
    started_at          TEXT NOT NULL,
    finished_at         TEXT,
    outcome             TEXT,
    records_read        INTEGER NOT NULL,
    records_mapped      INTEGER NOT NULL,
    records_delivered   INTEGER NOT NULL,
    records_rejected    INTEGER NOT NULL
);

-- Accounting of disclosures (42 CFR Part 2): kept, never updated.
CREATE TABLE disclosure (
    id                  TEXT PRIMARY KEY,
    patient_key         TEXT NOT NULL,
    organization_id     TEXT NOT NULL,
    purpose             TEXT NOT NULL,
    consent_record_id   TEXT,
    channel             TEXT NOT NULL,      -- push | pull
    disclosed_at        TEXT NOT NULL,
    resource_ids        TEXT NOT NULL,      -- JSON array of Type/id
    audit_event_json    TEXT NOT NULL,
    recorded_at         TEXT NOT NULL
);
CREATE INDEX ix_disclosure_patient ON disclosure (patient_key, disclosed_at);

-- Per-patient work leases and once-per-tick leases for several workers on one database.
CREATE TABLE patient_lease (
    patient_key     TEXT PRIMARY KEY,
    owner           TEXT NOT NULL,
    expires_at      TEXT NOT NULL,
    claimed_at      TEXT NOT NULL
);

CREATE TABLE tick_lease (
    name            TEXT PRIMARY KEY,
    tick_at         TEXT NOT NULL,
    owner           TEXT NOT NULL,
    claimed_at      TEXT NOT NULL
);
