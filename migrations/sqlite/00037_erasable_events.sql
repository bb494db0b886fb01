-- Erasable events (issue 17, audit chain format v2). Each event keeps a random salt and the
-- salted digest of its personal content (its message and detail, models.PersonalDigest); the chain
-- hashes the digest and the detail without its personal fields (events.Public) instead of the
-- message. Erasing an event's personal data (models.Tx.EraseCase) empties the salt, replaces the
-- detail by its public part and the message by what that part says, and sets erased_at: the hash
-- still holds, and without the salt the digest cannot be used to test a guess of what was erased.
--
-- The data migration 38 checks the chain of format v1 and re-hashes it in format v2; audit_head
-- keeps the v1 head it checked (v1_seq, v1_hash) and when, so that a head hash kept outside the
-- database before the upgrade can still be compared. cases.erased_at is when a case's personal
-- data was erased.
--
-- Events without a case: an admin's action is an event of an organisation (controller_id) or of
-- the whole portal (both NULL), in the same chain. events.case_id is nullable and no longer a
-- foreign key, so that the record of a case deleted at the end of its longer retention keeps its
-- events — types, public details, digests — as links of the chain.
-- SQLite cannot drop a NOT NULL or a foreign key: the table is rebuilt with the same rows and indexes.

-- +goose Up
CREATE TABLE events_v2 (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id         INTEGER,
    controller_id   INTEGER,
    at              DATETIME NOT NULL,
    actor_type      TEXT NOT NULL CHECK (actor_type IN ('requester', 'staff', 'system')),
    actor_user_id   INTEGER REFERENCES users (id),
    type            TEXT NOT NULL,
    from_status     TEXT NOT NULL DEFAULT '',
    to_status       TEXT NOT NULL DEFAULT '',
    message         TEXT NOT NULL DEFAULT '',
    public          BOOLEAN NOT NULL,
    seq             INTEGER,
    prev_hash       TEXT NOT NULL DEFAULT '',
    hash            TEXT NOT NULL DEFAULT '',
    appended_at     DATETIME,
    detail          TEXT NOT NULL DEFAULT '',
    personal_salt   TEXT NOT NULL DEFAULT '',
    personal_digest TEXT NOT NULL DEFAULT '',
    erased_at       DATETIME
);
INSERT INTO events_v2 (id, case_id, at, actor_type, actor_user_id, type, from_status, to_status, message, public, seq, prev_hash, hash, appended_at, detail) SELECT id, case_id, at, actor_type, actor_user_id, type, from_status, to_status, message, public, seq, prev_hash, hash, appended_at, detail FROM events;
DROP TABLE events;
ALTER TABLE events_v2 RENAME TO events;
CREATE INDEX events_case ON events (case_id, id);
CREATE UNIQUE INDEX events_seq ON events (seq);
CREATE INDEX events_unsealed ON events (id) WHERE seq IS NULL;
CREATE INDEX events_at ON events (at, id);
CREATE INDEX events_actor_at ON events (actor_user_id, at, id) WHERE actor_user_id IS NOT NULL;
CREATE INDEX events_type_at ON events (type, at, id);
CREATE INDEX events_scope ON events (controller_id, at, id) WHERE case_id IS NULL;
ALTER TABLE audit_head ADD COLUMN v1_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE audit_head ADD COLUMN v1_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_head ADD COLUMN rehashed_at DATETIME;
ALTER TABLE cases ADD COLUMN erased_at DATETIME;
-- The daily purge's question: the closed cases of a controller not erased yet, by closing instant.
CREATE INDEX cases_erasable ON cases (controller_id, closed_at) WHERE erased_at IS NULL AND closed_at IS NOT NULL;
-- A consent withdrawal made on the consent page, without a case, is erased like an answered case.
ALTER TABLE consent_withdrawals ADD COLUMN erased_at DATETIME;

-- +goose Down
ALTER TABLE consent_withdrawals DROP COLUMN erased_at;
DROP INDEX cases_erasable;
ALTER TABLE cases DROP COLUMN erased_at;
ALTER TABLE audit_head DROP COLUMN rehashed_at;
ALTER TABLE audit_head DROP COLUMN v1_hash;
ALTER TABLE audit_head DROP COLUMN v1_seq;
CREATE TABLE events_v1 (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id       INTEGER NOT NULL REFERENCES cases (id),
    at            DATETIME NOT NULL,
    actor_type    TEXT NOT NULL CHECK (actor_type IN ('requester', 'staff', 'system')),
    actor_user_id INTEGER REFERENCES users (id),
    type          TEXT NOT NULL,
    from_status   TEXT NOT NULL DEFAULT '',
    to_status     TEXT NOT NULL DEFAULT '',
    message       TEXT NOT NULL DEFAULT '',
    public        BOOLEAN NOT NULL,
    seq           INTEGER,
    prev_hash     TEXT NOT NULL DEFAULT '',
    hash          TEXT NOT NULL DEFAULT '',
    appended_at   DATETIME,
    detail        TEXT NOT NULL DEFAULT ''
);
INSERT INTO events_v1 (id, case_id, at, actor_type, actor_user_id, type, from_status, to_status, message, public, seq, prev_hash, hash, appended_at, detail) SELECT id, case_id, at, actor_type, actor_user_id, type, from_status, to_status, message, public, seq, prev_hash, hash, appended_at, detail FROM events WHERE case_id IS NOT NULL;
DROP TABLE events;
ALTER TABLE events_v1 RENAME TO events;
CREATE INDEX events_case ON events (case_id, id);
CREATE UNIQUE INDEX events_seq ON events (seq);
CREATE INDEX events_unsealed ON events (id) WHERE seq IS NULL;
CREATE INDEX events_at ON events (at, id);
CREATE INDEX events_actor_at ON events (actor_user_id, at, id) WHERE actor_user_id IS NOT NULL;
CREATE INDEX events_type_at ON events (type, at, id);
