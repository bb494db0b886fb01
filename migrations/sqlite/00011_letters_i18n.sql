-- Letters in four languages and mail through the job queue: admins' per-controller wording,
-- reminders sent once per case, cookie purposes per language, resends of failed letters.

-- +goose Up
-- An admin's wording of one message of a letter, for one controller and one language.
CREATE TABLE letter_overrides (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    controller_id INTEGER NOT NULL REFERENCES controllers (id),
    language      TEXT NOT NULL,
    message_id    TEXT NOT NULL,
    wording       TEXT NOT NULL,
    updated_by    INTEGER REFERENCES users (id),
    updated_at    DATETIME NOT NULL
);
CREATE UNIQUE INDEX letter_overrides_key ON letter_overrides (controller_id, language, message_id);

-- One row per reminder or escalation sent for a case: the primary key is what makes the daily
-- job send each at most once, however many replicas run it.
CREATE TABLE case_reminders (
    case_id    INTEGER NOT NULL REFERENCES cases (id),
    kind       TEXT NOT NULL,
    due_on     TEXT NOT NULL,
    created_at DATETIME NOT NULL,
    PRIMARY KEY (case_id, kind, due_on)
);

-- Purposes translated by the controller, as a JSON object language → text; purpose stays the
-- published wording in purpose_language.
ALTER TABLE cookies ADD COLUMN purposes TEXT NOT NULL DEFAULT '{}';

ALTER TABLE letters ADD COLUMN resends INTEGER NOT NULL DEFAULT 0;
ALTER TABLE letters ADD COLUMN notified_at DATETIME;
CREATE INDEX letters_status ON letters (status, id);
CREATE INDEX letters_kind ON letters (kind, id);

-- +goose Down
DROP INDEX letters_kind;
DROP INDEX letters_status;
ALTER TABLE letters DROP COLUMN notified_at;
ALTER TABLE letters DROP COLUMN resends;
ALTER TABLE cookies DROP COLUMN purposes;
DROP TABLE case_reminders;
DROP TABLE letter_overrides;
