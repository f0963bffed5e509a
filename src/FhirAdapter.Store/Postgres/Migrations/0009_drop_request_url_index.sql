-- 0009: as SQLite 0009: the index on the conditional URL, which no statement reads, is dropped.
DROP INDEX IF EXISTS ix_patient_resource_url;
