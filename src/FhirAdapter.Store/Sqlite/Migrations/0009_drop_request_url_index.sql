-- 0009: no statement looks a resource up by its conditional URL (delivery goes by identity since 0005), and the index
-- on it, a random key per resource, made every mapping write pages all over the file: a first sync spent about a fifth
-- of its resource writes on it.
DROP INDEX IF EXISTS ix_patient_resource_url;
