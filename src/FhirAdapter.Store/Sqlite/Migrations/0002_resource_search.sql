-- 0002: cross-patient search for the pull API (IResourceQuery). The columns exist since 0001; these indexes make
-- read by id, search by identifier, by type in position order and by last-updated time cheap. The partial indexes
-- cover only current rows, which are all the API ever reads.
CREATE INDEX ix_patient_resource_type_position ON patient_resource (resource_type, id) WHERE removed_at IS NULL;
CREATE INDEX ix_patient_resource_logical_id ON patient_resource (logical_id) WHERE removed_at IS NULL;
CREATE INDEX ix_patient_resource_identifier ON patient_resource (resource_type, identifier) WHERE removed_at IS NULL;
CREATE INDEX ix_patient_resource_mapped_at ON patient_resource (resource_type, mapped_at) WHERE removed_at IS NULL;
