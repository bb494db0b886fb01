-- Deadlines beyond the plain month: the controller's internal SLA target and the Art. 12(3)
-- extension (once, with a reason, recorded on the case). SQLite cannot add a NOT NULL column
-- without a default, so target_on gets an empty default and is filled at once.

-- +goose Up
ALTER TABLE controllers ADD COLUMN internal_target_days INTEGER NOT NULL DEFAULT 20
    CHECK (internal_target_days BETWEEN 1 AND 90);
ALTER TABLE cases ADD COLUMN target_on TEXT NOT NULL DEFAULT '';
UPDATE cases SET target_on = date(received_on, '+20 days');
ALTER TABLE cases ADD COLUMN extended_due_on TEXT;
ALTER TABLE cases ADD COLUMN extension_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN extended_at DATETIME;
ALTER TABLE cases ADD COLUMN extended_by INTEGER REFERENCES users (id);

-- +goose Down
ALTER TABLE cases DROP COLUMN extended_by;
ALTER TABLE cases DROP COLUMN extended_at;
ALTER TABLE cases DROP COLUMN extension_reason;
ALTER TABLE cases DROP COLUMN extended_due_on;
ALTER TABLE cases DROP COLUMN target_on;
ALTER TABLE controllers DROP COLUMN internal_target_days;
