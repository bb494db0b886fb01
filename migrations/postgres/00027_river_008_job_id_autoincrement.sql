-- River v0.51.2 schema migration 008_job_id_autoincrement, copied from the riverpgxv5 driver
-- (one goose migration per River version: applied together in one PostgreSQL transaction they
-- fail on the new enum value). The river_migration row lets River's own tools see it applied.

-- +goose Up
-- +goose StatementBegin
-- No-op. Postgres sequences already prevent automatically generated job IDs
-- from being reused.
SELECT 1;


INSERT INTO river_migration (line, version) VALUES ('main', 8);
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
-- No-op. Postgres sequences already prevent automatically generated job IDs
-- from being reused.
SELECT 1;


DELETE FROM river_migration WHERE line = 'main' AND version = 8;
-- +goose StatementEnd
