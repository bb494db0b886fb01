-- Writes without a shared row (issue 15).
--
-- The audit chain: an event is appended unsealed (seq NULL, prev_hash and hash empty) and a
-- sealer (models.Store.SealEvents, run each second by a periodic job) gives the waiting events
-- their seq and hashes in batches, by id. appended_at is when the event was appended, by the
-- appending process's clock, so that `audit verify` can tell an event that waits too long for the
-- sealer; `at` is the event's own instant, which callers may set to the past. events_unsealed
-- finds the waiting events. The audit log pages by (at, id) instead of (at, seq), since a
-- waiting event has no seq yet; its indexes follow (and no longer change when an event is
-- sealed).
--
-- References: one sequence per year (case_reference_YYYY), created on demand by
-- case_reference_next; numbers taken by a filing that rolls back are lost (gaps are allowed).
-- Each year that already has references starts after both its counter and its highest reference.
-- reference_counters stays (SQLite still counts there) and is no longer written here.

-- +goose Up
ALTER TABLE events ADD COLUMN appended_at TIMESTAMPTZ;
CREATE INDEX events_unsealed ON events (id) WHERE seq IS NULL;

DROP INDEX events_at;
DROP INDEX events_actor_at;
DROP INDEX events_type_at;
CREATE INDEX events_at ON events (at, id);
CREATE INDEX events_actor_at ON events (actor_user_id, at, id) WHERE actor_user_id IS NOT NULL;
CREATE INDEX events_type_at ON events (type, at, id);

-- +goose StatementBegin
CREATE FUNCTION case_reference_next(y INTEGER) RETURNS BIGINT LANGUAGE plpgsql AS $$
DECLARE
    seqname TEXT := 'case_reference_' || y;
BEGIN
    IF to_regclass(seqname) IS NULL THEN
        -- The first filing of a year creates its sequence. Two at once: the second waits for the
        -- first to commit and finds it there (the exception block, a subtransaction, is entered
        -- only on this path, once a year).
        BEGIN
            EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I', seqname);
        EXCEPTION WHEN unique_violation OR duplicate_table THEN
            NULL;
        END;
    END IF;
    RETURN nextval(seqname::regclass);
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
DO $$
DECLARE
    r RECORD;
BEGIN
    FOR r IN
        SELECT year, max(n) AS last FROM (
            SELECT year, last_value AS n FROM reference_counters
            UNION ALL
            SELECT substr(reference, 5, 4)::INTEGER, substr(reference, 10)::BIGINT FROM cases
            WHERE reference ~ '^DSR-[0-9]{4}-[0-9]{6,9}$'
        ) known
        GROUP BY year
    LOOP
        EXECUTE format('CREATE SEQUENCE %I START WITH %s', 'case_reference_' || r.year, r.last + 1);
    END LOOP;
END
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
DO $$
DECLARE
    r RECORD;
    last_n BIGINT;
BEGIN
    FOR r IN SELECT c.relname FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
        WHERE c.relkind = 'S' AND ns.nspname = current_schema() AND c.relname ~ '^case_reference_[0-9]{4}$'
    LOOP
        EXECUTE format('SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM %I', r.relname) INTO last_n;
        INSERT INTO reference_counters (year, last_value) VALUES (substr(r.relname, 16)::INTEGER, last_n)
            ON CONFLICT (year) DO UPDATE SET last_value = GREATEST(reference_counters.last_value, EXCLUDED.last_value);
        EXECUTE format('DROP SEQUENCE %I', r.relname);
    END LOOP;
END
$$;
-- +goose StatementEnd
DROP FUNCTION case_reference_next(INTEGER);

DROP INDEX events_type_at;
DROP INDEX events_actor_at;
DROP INDEX events_at;
CREATE INDEX events_at ON events (at, seq);
CREATE INDEX events_actor_at ON events (actor_user_id, at, seq) WHERE actor_user_id IS NOT NULL;
CREATE INDEX events_type_at ON events (type, at, seq);
DROP INDEX events_unsealed;
ALTER TABLE events DROP COLUMN appended_at;
