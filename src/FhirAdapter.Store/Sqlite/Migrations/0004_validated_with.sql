-- 0004: which validator (its fingerprint: package, specification, options, code) produced a resource's validation
-- outcome, so that a remap can reuse the outcome of an unchanged resource instead of validating it again. NULL for
-- rows written before: they are validated again at their next remap.
ALTER TABLE patient_resource ADD COLUMN validated_with TEXT;
