-- The queue's other orders, measured at 1,000,000 cases (models/queue_bench_test.go): with a scope of
-- more than one controller, the (controller_id, …) indexes cannot give the rows in one global order,
-- and the partial ones cover only the active statuses, so "newest first" (any status) and "most
-- urgent first" over a closed status or all of them read every case and sorted it: ~1 s a page.
-- Walked in order, with the scope and the status as filters, these two stop after a page.
-- Plain CREATE INDEX (in the migration's transaction): it blocks writes to cases while it builds,
-- about a second per index per million cases.

-- +goose Up
CREATE INDEX cases_received ON cases (received_at, id);
CREATE INDEX cases_due ON cases (answer_due_on, id);

-- +goose Down
DROP INDEX cases_due;
DROP INDEX cases_received;
