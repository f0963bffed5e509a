-- 0004: as SQLite 0004: the fingerprint of the validator that produced a resource's validation outcome (NULL before).
ALTER TABLE patient_resource ADD COLUMN validated_with text;
