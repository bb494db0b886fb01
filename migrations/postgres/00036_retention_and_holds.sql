-- Data lifecycle (issue 17): what the purge of personal data reads.
--
-- keep_answered_days: how long after a case is closed (completed, refused, withdrawn) its personal
-- data is kept; 1095 days, three years, the limitation period for a claim. keep_unconfirmed_days:
-- how long after an unconfirmed request expired (or was closed unconfirmed). Both are the
-- controller's choice, edited by admins (package setup checks them) and told to requesters in the
-- portal's privacy notice (/privacy/{controller}).
--
-- A legal hold keeps a case's personal data beyond its period, whatever its status: hold_reason
-- is '' and held_at and held_by NULL while there is none. Placing and lifting are events.

-- +goose Up
ALTER TABLE controllers ADD COLUMN keep_answered_days INTEGER NOT NULL DEFAULT 1095
    CHECK (keep_answered_days BETWEEN 30 AND 3653);
ALTER TABLE controllers ADD COLUMN keep_unconfirmed_days INTEGER NOT NULL DEFAULT 30
    CHECK (keep_unconfirmed_days BETWEEN 1 AND 365);
ALTER TABLE cases ADD COLUMN hold_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN held_at TIMESTAMPTZ;
ALTER TABLE cases ADD COLUMN held_by BIGINT REFERENCES users (id);

-- +goose Down
ALTER TABLE cases DROP COLUMN held_by;
ALTER TABLE cases DROP COLUMN held_at;
ALTER TABLE cases DROP COLUMN hold_reason;
ALTER TABLE controllers DROP COLUMN keep_unconfirmed_days;
ALTER TABLE controllers DROP COLUMN keep_answered_days;
