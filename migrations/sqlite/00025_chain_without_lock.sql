-- Writes without a shared row (issue 15).
--
-- The audit chain: an event is appended unsealed (seq NULL, prev_hash and hash empty) and a
-- sealer (models.Store.SealEvents, run each second by a periodic job) gives the waiting events
-- their seq and hashes in batches, by id. appended_at is when the event was appended, by the
-- appending process's clock, so that `audit verify` can tell an event that waits too long for the
-- sealer; `at` is the event's own instant, which callers may set to the past. events_unsealed
-- finds the waiting events. The audit log pages by (at, id) instead of (at, seq), since a
-- waiting event has no seq yet; its indexes follow.
--
-- References: SQLite has one writer, so the counter row per year stays (a transaction holds the
-- database's write lock anyway). So that a year's numbers continue after every reference already
-- given, each counter is raised to the year's highest reference.

-- +goose Up
ALTER TABLE events ADD COLUMN appended_at DATETIME;
CREATE INDEX events_unsealed ON events (id) WHERE seq IS NULL;

DROP INDEX events_at;
DROP INDEX events_actor_at;
DROP INDEX events_type_at;
CREATE INDEX events_at ON events (at, id);
CREATE INDEX events_actor_at ON events (actor_user_id, at, id) WHERE actor_user_id IS NOT NULL;
CREATE INDEX events_type_at ON events (type, at, id);

INSERT INTO reference_counters (year, last_value)
    SELECT CAST(substr(reference, 5, 4) AS INTEGER), max(CAST(substr(reference, 10) AS INTEGER)) FROM cases
    WHERE reference GLOB 'DSR-[0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9][0-9][0-9]*'
    GROUP BY 1
    ON CONFLICT (year) DO UPDATE SET last_value = max(last_value, excluded.last_value);

-- +goose Down
DROP INDEX events_type_at;
DROP INDEX events_actor_at;
DROP INDEX events_at;
CREATE INDEX events_at ON events (at, seq);
CREATE INDEX events_actor_at ON events (actor_user_id, at, seq) WHERE actor_user_id IS NOT NULL;
CREATE INDEX events_type_at ON events (type, at, seq);
DROP INDEX events_unsealed;
ALTER TABLE events DROP COLUMN appended_at;
