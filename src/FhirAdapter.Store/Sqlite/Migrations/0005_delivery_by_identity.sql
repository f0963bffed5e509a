-- 0005: delivery by resource identity (issue 14). What a destination holds of a resource is kept once per destination,
-- type and identifier (a resource many patients share has one state per destination), with the hash of the resource
-- as the destination accepted it, so that a sync sends only what differs; the work queue is per patient. The
-- destinations are registered, so that a new one (or one whose address or organization changed) is backfilled.

CREATE TABLE destination (
    name             TEXT PRIMARY KEY,
    organization_id  TEXT,              -- null: carried over from before 0005; the configured value is taken without a backfill
    base_url         TEXT,              -- likewise
    registered_at    TEXT NOT NULL
);

-- A patient's delivery work at a destination.
CREATE TABLE destination_patient (
    destination      TEXT NOT NULL,
    patient_key      TEXT NOT NULL,
    pending_since    TEXT,              -- null: nothing to send there
    queue_seq        INTEGER NOT NULL,  -- moves on at every queueing: a delivery clears pending_since only if it did not move
    permitted        INTEGER,           -- the consent's last answer for this destination: 1, 0, or null (not decided yet)
    reason           TEXT,              -- why not permitted, or why the pending work was cancelled
    attempts         INTEGER NOT NULL,
    last_attempt_at  TEXT,
    PRIMARY KEY (destination, patient_key)
);
CREATE INDEX ix_destination_patient_pending ON destination_patient (destination, pending_since) WHERE pending_since IS NOT NULL;

-- What a destination holds of each resource, and the outcome of its last send (or of the decision not to send it).
CREATE TABLE destination_resource (
    destination      TEXT NOT NULL,
    resource_type    TEXT NOT NULL,
    identifier       TEXT NOT NULL,     -- system|value (the Patient's holds the MRN)
    patient_key      TEXT NOT NULL,     -- whose Bundle it last went with; 'shared' for a resource many patients share
    status           TEXT NOT NULL,     -- sent | retry-later | conflict | rejected | blocked | withheld | withdrawn
    content_hash     TEXT NOT NULL,     -- the mapped version the status is about
    sent_hash        TEXT,              -- the resource as the destination accepted it; null: it holds nothing of ours
    attempts         INTEGER NOT NULL,
    server_id        TEXT,
    server_version   TEXT,
    sent_at          TEXT,
    reason           TEXT,
    outcome_json     TEXT,
    updated_at       TEXT NOT NULL,
    PRIMARY KEY (destination, resource_type, identifier)
);
CREATE INDEX ix_destination_resource_patient ON destination_resource (destination, patient_key);
CREATE INDEX ix_destination_resource_status ON destination_resource (destination, status);

-- What the per-patient delivery table knew carries over: the destinations it names, the server ids (the latest
-- per resource), and the pending work. The hash of what was sent was not kept, so each resource is written once
-- more, by its id, at the first sync after the upgrade.
INSERT INTO destination (name, organization_id, base_url, registered_at)
SELECT DISTINCT destination, NULL, NULL, strftime('%Y-%m-%dT%H:%M:%f0000Z', 'now') FROM delivery;

INSERT INTO destination_resource (destination, resource_type, identifier, patient_key, status, content_hash, sent_hash, attempts,
    server_id, server_version, sent_at, reason, outcome_json, updated_at)
SELECT d.destination, r.resource_type, r.identifier,
    CASE WHEN r.resource_type IN ('Practitioner', 'PractitionerRole', 'Organization', 'Location') THEN 'shared' ELSE d.patient_key END,
    CASE d.status WHEN 'sent' THEN 'sent' WHEN 'rejected' THEN 'rejected' WHEN 'cancelled' THEN 'withheld' ELSE 'retry-later' END,
    d.content_hash, NULL, d.attempts, d.server_id, d.server_version, d.sent_at, d.reason, d.outcome_json, COALESCE(d.last_attempt_at, d.queued_at)
FROM delivery d JOIN patient_resource r ON r.id = d.resource_id
WHERE true
ORDER BY d.sent_at IS NULL, d.sent_at DESC
ON CONFLICT DO NOTHING;

INSERT INTO destination_patient (destination, patient_key, pending_since, queue_seq, permitted, reason, attempts)
SELECT destination, patient_key, MIN(CASE WHEN status = 'pending' THEN queued_at END), 1, 1, NULL, 0
FROM delivery GROUP BY destination, patient_key;

DROP TABLE delivery;
