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

-- +goose Up
ALTER TABLE events ADD COLUMN personal_salt TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN personal_digest TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN erased_at TIMESTAMPTZ;
ALTER TABLE events ADD COLUMN controller_id BIGINT;
ALTER TABLE events ALTER COLUMN case_id DROP NOT NULL;
ALTER TABLE events DROP CONSTRAINT events_case_id_fkey;
CREATE INDEX events_scope ON events (controller_id, at, id) WHERE case_id IS NULL;
ALTER TABLE audit_head ADD COLUMN v1_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE audit_head ADD COLUMN v1_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_head ADD COLUMN rehashed_at TIMESTAMPTZ;
ALTER TABLE cases ADD COLUMN erased_at TIMESTAMPTZ;
-- The daily purge's question: the closed cases of a controller not erased yet, by closing instant.
CREATE INDEX cases_erasable ON cases (controller_id, closed_at) WHERE erased_at IS NULL AND closed_at IS NOT NULL;
-- A consent withdrawal made on the consent page, without a case, is erased like an answered case.
ALTER TABLE consent_withdrawals ADD COLUMN erased_at TIMESTAMPTZ;

-- +goose Down
ALTER TABLE consent_withdrawals DROP COLUMN erased_at;
DROP INDEX cases_erasable;
ALTER TABLE cases DROP COLUMN erased_at;
ALTER TABLE audit_head DROP COLUMN rehashed_at;
ALTER TABLE audit_head DROP COLUMN v1_hash;
ALTER TABLE audit_head DROP COLUMN v1_seq;
DROP INDEX events_scope;
DELETE FROM events WHERE case_id IS NULL;
ALTER TABLE events ADD CONSTRAINT events_case_id_fkey FOREIGN KEY (case_id) REFERENCES cases (id);
ALTER TABLE events ALTER COLUMN case_id SET NOT NULL;
ALTER TABLE events DROP COLUMN controller_id;
ALTER TABLE events DROP COLUMN erased_at;
ALTER TABLE events DROP COLUMN personal_digest;
ALTER TABLE events DROP COLUMN personal_salt;
