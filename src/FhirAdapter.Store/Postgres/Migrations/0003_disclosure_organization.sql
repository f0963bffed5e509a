-- 0003: the accounting of disclosures read per receiving organization (the pull API's AuditEvent search), the same
-- index as SQLite 0003.
CREATE INDEX ix_disclosure_organization ON disclosure (organization_id, disclosed_at, id);
