-- 0008 (issue 19): finds at start, without reading the resources, the patients whose stored outcomes another validator
-- gave (a new profile package or Firely version: a new fingerprint), so that they are validated again.
CREATE INDEX ix_patient_resource_validated_with ON patient_resource (validated_with, patient_key) WHERE removed_at IS NULL;
