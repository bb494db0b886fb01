-- A letter is marked before its message goes to the SMTP server (send_started_at), and a letter
-- whose worker died, or lost the connection while the server was answering the end of the data,
-- is "possibly_sent": it may be in the recipient's mailbox. It is never sent again on its own; an
-- admin checks and decides (send again with the same Message-ID, or mark it sent).
-- SQLite cannot change a CHECK constraint: the table is rebuilt (no table refers to letters).

-- +goose Up
CREATE TABLE letters_new (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id         INTEGER REFERENCES cases (id),
    kind            TEXT NOT NULL,
    language        TEXT NOT NULL,
    sender          TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    recipient_name  TEXT NOT NULL DEFAULT '',
    subject         TEXT NOT NULL,
    text_body       TEXT NOT NULL,
    html_body       TEXT NOT NULL,
    message_id      TEXT NOT NULL UNIQUE,
    status          TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed', 'possibly_sent')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at DATETIME NOT NULL,
    lease_until     DATETIME,
    last_error      TEXT NOT NULL DEFAULT '',
    sent_at         DATETIME,
    failed_at       DATETIME,
    created_at      DATETIME NOT NULL,
    resends         INTEGER NOT NULL DEFAULT 0,
    notified_at     DATETIME,
    withdrawal_id   INTEGER REFERENCES consent_withdrawals (id),
    send_started_at DATETIME
);
INSERT INTO letters_new (id, case_id, kind, language, sender, recipient, recipient_name, subject,
    text_body, html_body, message_id, status, attempts, next_attempt_at, lease_until, last_error,
    sent_at, failed_at, created_at, resends, notified_at, withdrawal_id)
SELECT id, case_id, kind, language, sender, recipient, recipient_name, subject,
    text_body, html_body, message_id, status, attempts, next_attempt_at, lease_until, last_error,
    sent_at, failed_at, created_at, resends, notified_at, withdrawal_id FROM letters;
DROP TABLE letters;
ALTER TABLE letters_new RENAME TO letters;
CREATE INDEX letters_queued_due ON letters (next_attempt_at) WHERE status = 'queued';
CREATE INDEX letters_case ON letters (case_id, id);
CREATE INDEX letters_status ON letters (status, id);
CREATE INDEX letters_kind ON letters (kind, id);

-- +goose Down
-- An older binary knows no "possibly sent": such a letter becomes failed (an admin may send it
-- again), never queued (it would go out a second time unasked).
UPDATE letters SET status = 'failed', failed_at = COALESCE(send_started_at, CURRENT_TIMESTAMP),
    last_error = 'possibly sent: the worker stopped while handing the letter to the mail server'
    WHERE status = 'possibly_sent';
CREATE TABLE letters_old (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id         INTEGER REFERENCES cases (id),
    kind            TEXT NOT NULL,
    language        TEXT NOT NULL,
    sender          TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    recipient_name  TEXT NOT NULL DEFAULT '',
    subject         TEXT NOT NULL,
    text_body       TEXT NOT NULL,
    html_body       TEXT NOT NULL,
    message_id      TEXT NOT NULL UNIQUE,
    status          TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at DATETIME NOT NULL,
    lease_until     DATETIME,
    last_error      TEXT NOT NULL DEFAULT '',
    sent_at         DATETIME,
    failed_at       DATETIME,
    created_at      DATETIME NOT NULL,
    resends         INTEGER NOT NULL DEFAULT 0,
    notified_at     DATETIME,
    withdrawal_id   INTEGER REFERENCES consent_withdrawals (id)
);
INSERT INTO letters_old (id, case_id, kind, language, sender, recipient, recipient_name, subject,
    text_body, html_body, message_id, status, attempts, next_attempt_at, lease_until, last_error,
    sent_at, failed_at, created_at, resends, notified_at, withdrawal_id)
SELECT id, case_id, kind, language, sender, recipient, recipient_name, subject,
    text_body, html_body, message_id, status, attempts, next_attempt_at, lease_until, last_error,
    sent_at, failed_at, created_at, resends, notified_at, withdrawal_id FROM letters;
DROP TABLE letters;
ALTER TABLE letters_old RENAME TO letters;
CREATE INDEX letters_queued_due ON letters (next_attempt_at) WHERE status = 'queued';
CREATE INDEX letters_case ON letters (case_id, id);
CREATE INDEX letters_status ON letters (status, id);
CREATE INDEX letters_kind ON letters (kind, id);
