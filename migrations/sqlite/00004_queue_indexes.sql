-- The queue's other orders (see the PostgreSQL file of the same number): "newest first" over any
-- status and "most urgent first" over closed statuses or all of them, whatever the scope, walk an
-- index in order instead of sorting every case. Same index names in both dialects.

-- +goose Up
CREATE INDEX cases_received ON cases (received_at, id);
CREATE INDEX cases_due ON cases (answer_due_on, id);

-- +goose Down
DROP INDEX cases_due;
DROP INDEX cases_received;
