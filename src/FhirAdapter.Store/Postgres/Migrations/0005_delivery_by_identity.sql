-- 0005: as SQLite 0005: delivery by resource identity (one state per destination, type and identifier, with the hash
-- of what the destination accepted), a per-patient work queue, and registered destinations (backfill).

CREATE TABLE destination (
    name                text COLLATE "C" PRIMARY KEY,
    organization_id     text,                   -- null: carried over from before 0005; the configured value is taken without a backfill
    base_url            text,
    registered_at       timestamptz NOT NULL
);

CREATE TABLE destination_patient (
    destination         text COLLATE "C" NOT NULL,
    patient_key         text COLLATE "C" NOT NULL,
    pending_since       timestamptz,            -- null: nothing to send there
    queue_seq           bigint NOT NULL,        -- moves on at every queueing: a delivery clears pending_since only if it did not move
    permitted           boolean,                -- the consent's last answer for this destination (null: not decided yet)
    reason              text,
    attempts            integer NOT NULL,
    last_attempt_at     timestamptz,
    PRIMARY KEY (destination, patient_key)
);
CREATE INDEX ix_destination_patient_pending ON destination_patient (destination, pending_since, patient_key) WHERE pending_since IS NOT NULL;

CREATE TABLE destination_resource (
    destination         text COLLATE "C" NOT NULL,
    resource_type       text COLLATE "C" NOT NULL,
    identifier          text COLLATE "C" NOT NULL,  -- system|value (the Patient's holds the MRN)
    patient_key         text COLLATE "C" NOT NULL,  -- whose Bundle it last went with; 'shared' for a resource many patients share
    status              text NOT NULL,              -- sent | retry-later | conflict | rejected | blocked | withheld | withdrawn
    content_hash        text COLLATE "C" NOT NULL,
    sent_hash           text COLLATE "C",           -- the resource as the destination accepted it; null: it holds nothing of ours
    attempts            integer NOT NULL,
    server_id           text,
    server_version      text,
    sent_at             timestamptz,
    reason              text,
    outcome_json        text,
    updated_at          timestamptz NOT NULL,
    PRIMARY KEY (destination, resource_type, identifier)
);
CREATE INDEX ix_destination_resource_patient ON destination_resource (destination, patient_key);
CREATE INDEX ix_destination_resource_status ON destination_resource (destination, status);

INSERT INTO destination (name, organization_id, base_url, registered_at)
SELECT DISTINCT destination, NULL, NULL, now() FROM delivery;

INSERT INTO destination_resource (destination, resource_type, identifier, patient_key, status, content_hash, sent_hash, attempts,
    server_id, server_version, sent_at, reason, outcome_json, updated_at)
SELECT DISTINCT ON (d.destination, r.resource_type, r.identifier) d.destination, r.resource_type, r.identifier,
    CASE WHEN r.resource_type IN ('Practitioner', 'PractitionerRole', 'Organization', 'Location') THEN 'shared' ELSE d.patient_key END,
    CASE d.status WHEN 'sent' THEN 'sent' WHEN 'rejected' THEN 'rejected' WHEN 'cancelled' THEN 'withheld' ELSE 'retry-later' END,
    d.content_hash, NULL, d.attempts, d.server_id, d.server_version, d.sent_at, d.reason, d.outcome_json, COALESCE(d.last_attempt_at, d.queued_at)
FROM delivery d JOIN patient_resource r ON r.id = d.resource_id
ORDER BY d.destination, r.resource_type, r.identifier, d.sent_at DESC NULLS LAST;

INSERT INTO destination_patient (destination, patient_key, pending_since, queue_seq, permitted, reason, attempts)
SELECT destination, patient_key, MIN(CASE WHEN status = 'pending' THEN queued_at END), 1, true, NULL, 0
FROM delivery GROUP BY destination, patient_key;

DROP TABLE delivery;
