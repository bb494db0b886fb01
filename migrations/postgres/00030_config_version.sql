-- config_version counts changes to what every filing reads and admins rarely change: controllers,
-- sites, their cookies and providers, letter overrides. A trigger bumps it in the transaction that
-- changes any of them, so each process's cache of those rows (models/cache.go) needs only this one
-- row to know whether it is still current, on every replica, without a lock on the hot path.

-- +goose Up
CREATE TABLE config_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO config_version (id, version) VALUES (1, 1);

-- +goose StatementBegin
CREATE FUNCTION bump_config_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE config_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER controllers_config_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON controllers
    FOR EACH STATEMENT EXECUTE FUNCTION bump_config_version();

CREATE TRIGGER sites_config_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON sites
    FOR EACH STATEMENT EXECUTE FUNCTION bump_config_version();

CREATE TRIGGER cookies_config_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON cookies
    FOR EACH STATEMENT EXECUTE FUNCTION bump_config_version();

CREATE TRIGGER letter_overrides_config_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON letter_overrides
    FOR EACH STATEMENT EXECUTE FUNCTION bump_config_version();

CREATE TRIGGER providers_config_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON providers
    FOR EACH STATEMENT EXECUTE FUNCTION bump_config_version();

-- +goose Down
DROP TRIGGER providers_config_version ON providers;
DROP TRIGGER letter_overrides_config_version ON letter_overrides;
DROP TRIGGER cookies_config_version ON cookies;
DROP TRIGGER sites_config_version ON sites;
DROP TRIGGER controllers_config_version ON controllers;
DROP FUNCTION bump_config_version();
DROP TABLE config_version;
