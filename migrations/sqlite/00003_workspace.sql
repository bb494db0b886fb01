-- The staff workspace: assignment, the answer's due date as a column the queue can index,
-- identifier checks, outcomes per kind, files for the requester, refusals, a tamper-evident chain
-- over the events, staff invitations and password resets, and settings.

-- SQLite differences: no ALTER COLUMN, so answer_due_on gets an empty default and is filled at once.

-- +goose Up
ALTER TABLE cases ADD COLUMN assignee_id INTEGER REFERENCES users (id);
ALTER TABLE cases ADD COLUMN answer_due_on TEXT NOT NULL DEFAULT '';
UPDATE cases SET answer_due_on = COALESCE(extended_due_on, due_on);
ALTER TABLE cases ADD COLUMN status_nonce TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN refusal_ground TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN answered_at DATETIME;

DROP INDEX cases_controller_status_due;
DROP INDEX cases_status_due;
-- The queue: active cases by the date their answer is due (most urgent first), per controller and overall.
CREATE INDEX cases_active_due ON cases (answer_due_on, id)
    WHERE status IN ('open', 'in_progress', 'awaiting_requester');
CREATE INDEX cases_controller_active_due ON cases (controller_id, answer_due_on, id)
    WHERE status IN ('open', 'in_progress', 'awaiting_requester');
CREATE INDEX cases_controller_status_due ON cases (controller_id, status, answer_due_on, id);
CREATE INDEX cases_controller_received ON cases (controller_id, received_at, id);
CREATE INDEX cases_email_lower ON cases (lower(email));
CREATE INDEX cases_assignee ON cases (assignee_id, answer_due_on) WHERE assignee_id IS NOT NULL;

ALTER TABLE case_identifiers ADD COLUMN verified BOOLEAN;
ALTER TABLE case_identifiers ADD COLUMN verified_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE case_identifiers ADD COLUMN verified_by INTEGER REFERENCES users (id);
ALTER TABLE case_identifiers ADD COLUMN verified_at DATETIME;

CREATE TABLE case_outcomes (
    case_id INTEGER NOT NULL REFERENCES cases (id),
    kind    TEXT NOT NULL,
    outcome TEXT NOT NULL,
    PRIMARY KEY (case_id, kind)
);

-- Files found for an access request; the requester downloads them from the status page until they expire.
CREATE TABLE case_files (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id      INTEGER NOT NULL REFERENCES cases (id),
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes   INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    data         BLOB NOT NULL,
    uploaded_by  INTEGER REFERENCES users (id),
    created_at   DATETIME NOT NULL,
    expires_at   DATETIME NOT NULL
);
CREATE INDEX case_files_case ON case_files (case_id, id);

-- Each event carries the hash of the one before it (over all cases), in the order of seq.
ALTER TABLE events ADD COLUMN seq INTEGER;
ALTER TABLE events ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN hash TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX events_seq ON events (seq);
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');

ALTER TABLE users ADD COLUMN session_epoch INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN password_set_at DATETIME;
-- Single-use links to set a password (invitation) or reset it; only the hash is kept.
CREATE TABLE password_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    purpose    TEXT NOT NULL CHECK (purpose IN ('invite', 'reset')),
    expires_at DATETIME NOT NULL,
    used_at    DATETIME,
    created_at DATETIME NOT NULL
);
CREATE INDEX password_tokens_user ON password_tokens (user_id);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- +goose Down
DROP TABLE settings;
DROP TABLE password_tokens;
ALTER TABLE users DROP COLUMN password_set_at;
ALTER TABLE users DROP COLUMN session_epoch;
DROP TABLE audit_head;
DROP INDEX events_seq;
ALTER TABLE events DROP COLUMN hash;
ALTER TABLE events DROP COLUMN prev_hash;
ALTER TABLE events DROP COLUMN seq;
DROP TABLE case_files;
DROP TABLE case_outcomes;
ALTER TABLE case_identifiers DROP COLUMN verified_at;
ALTER TABLE case_identifiers DROP COLUMN verified_by;
ALTER TABLE case_identifiers DROP COLUMN verified_reason;
ALTER TABLE case_identifiers DROP COLUMN verified;
DROP INDEX cases_assignee;
DROP INDEX cases_email_lower;
DROP INDEX cases_controller_received;
DROP INDEX cases_controller_status_due;
DROP INDEX cases_controller_active_due;
DROP INDEX cases_active_due;
CREATE INDEX cases_status_due ON cases (status, due_on);
CREATE INDEX cases_controller_status_due ON cases (controller_id, status, due_on);
ALTER TABLE cases DROP COLUMN answered_at;
ALTER TABLE cases DROP COLUMN refusal_ground;
ALTER TABLE cases DROP COLUMN status_nonce;
ALTER TABLE cases DROP COLUMN answer_due_on;
ALTER TABLE cases DROP COLUMN assignee_id;
