-- 0007: the web console (issue 17). Operators who may sign in, the record of every view of patient data in the
-- console, and each finished sync's full report (the serialized SyncReport) so that past syncs and charts show
-- every field the report has, including fields added later.

CREATE TABLE operator (
    name                TEXT PRIMARY KEY,
    role                TEXT NOT NULL,          -- operator | privacy
    password_hash       TEXT NOT NULL,          -- ASP.NET Core Identity's PasswordHasher format (PBKDF2)
    failed_sign_ins     INTEGER NOT NULL,       -- consecutive failures since the last success or lockout
    locked_until        TEXT,
    created_at          TEXT NOT NULL,
    last_sign_in_at     TEXT
);

-- Who saw which patient's data in the console, and what: kept, never updated.
CREATE TABLE patient_data_view (
    id                  INTEGER PRIMARY KEY,
    operator_name       TEXT NOT NULL,
    viewed_at           TEXT NOT NULL,
    patient_key         TEXT,                   -- null for a raw quarantined record of no known patient
    what                TEXT NOT NULL
);
CREATE INDEX ix_patient_data_view_patient ON patient_data_view (patient_key, viewed_at);

ALTER TABLE sync_run ADD COLUMN report_json TEXT;
