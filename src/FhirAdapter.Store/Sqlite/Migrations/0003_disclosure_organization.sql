-- 0003: the accounting of disclosures read per receiving organization (the pull API's AuditEvent search), in time
-- order with the id as tie-break, which is also the keyset the pages continue from.
CREATE INDEX ix_disclosure_organization ON disclosure (organization_id, disclosed_at, id);
