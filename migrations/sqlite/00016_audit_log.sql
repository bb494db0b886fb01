-- The audit log as admins read it (/admin/audit): every event newest first, by (at, seq), in keyset
-- pages, optionally for one member of staff or one type of event. Each filter walks its own index in
-- that order and stops after a page, however many events there are; a case's events come through
-- events_case. A time range is a range of the first index.

-- +goose Up
CREATE INDEX events_at ON events (at, seq);
CREATE INDEX events_actor_at ON events (actor_user_id, at, seq) WHERE actor_user_id IS NOT NULL;
CREATE INDEX events_type_at ON events (type, at, seq);

-- +goose Down
DROP INDEX events_type_at;
DROP INDEX events_actor_at;
DROP INDEX events_at;
