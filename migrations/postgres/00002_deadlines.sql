-- Deadlines beyond the plain month: the controller's internal SLA target and the Art. 12(3)
-- extension (once, with a reason, recorded on the case).

-- +goose Up
ALTER TABLE controllers ADD COLUMN internal_target_days INTEGER NOT NULL DEFAULT 20
    CHECK (internal_target_days BETWEEN 1 AND 90);
ALTER TABLE cases ADD COLUMN target_on DATE;
UPDATE cases SET target_on = received_on + 20;
ALTER TABLE cases ALTER COLUMN target_on SET NOT NULL;
ALTER TABLE cases ADD COLUMN extended_due_on DATE;
ALTER TABLE cases ADD COLUMN extension_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN extended_at TIMESTAMPTZ;
ALTER TABLE cases ADD COLUMN extended_by BIGINT REFERENCES users (id);

-- +goose Down
ALTER TABLE cases DROP COLUMN extended_by;
ALTER TABLE cases DROP COLUMN extended_at;
ALTER TABLE cases DROP COLUMN extension_reason;
ALTER TABLE cases DROP COLUMN extended_due_on;
ALTER TABLE cases DROP COLUMN target_on;
ALTER TABLE controllers DROP COLUMN internal_target_days;
