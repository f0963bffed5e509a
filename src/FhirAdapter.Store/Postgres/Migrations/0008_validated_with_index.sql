-- 0008 (issue 19): as SQLite 0008: the patients whose stored outcomes another validator gave, found by index.
CREATE INDEX ix_patient_resource_validated_with ON patient_resource (validated_with, patient_key) WHERE removed_at IS NULL;
