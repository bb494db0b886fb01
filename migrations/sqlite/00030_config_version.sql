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
CREATE TRIGGER controllers_config_version_insert AFTER INSERT ON controllers
BEGIN
    UPDATE config_version SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER controllers_config_version_update AFTER UPDATE ON controllers
BEGIN
    UPDATE config_version SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER controllers_config_version_delete AFTER DELETE ON controllers
BEGIN
    UPDATE config_version SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER sites_config_version_insert AFTER INSERT ON sites
BEGIN
    UPDATE config_version SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER sites_config_version_update AFTER UPDATE ON sites
BEGIN
    UPDATE config_version SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER sites_config_version_delete AFTER DELETE ON sites
BEGIN
    UPDATE config_version SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER cookies_config_version_insert AFTER INSERT ON cookies
BEGIN
    UPDATE config_version SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER cookies_config_version_update AFTER UPDATE ON cookies
BEGIN
    UPDATE config_version SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER cookies_config_version_delete AFTER DELETE ON cookies
BEGIN
    UPDATE config_version SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER letter_overrides_config_version_insert AFTER INSERT ON letter_overrides
BEGIN
    UPDATE config_version SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER letter_overrides_config_version_update AFTER UPDATE ON letter_overrides
BEGIN
    UPDATE config_version SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER letter_overrides_config_version_delete AFTER DELETE ON letter_overrides
BEGIN
    UPDATE config_version SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER providers_config_version_insert AFTER INSERT ON providers
BEGIN
    UPDATE config_version SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER providers_config_version_update AFTER UPDATE ON providers
BEGIN
    UPDATE config_version SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER providers_config_version_delete AFTER DELETE ON providers
BEGIN
    UPDATE config_version SET version = version + 1 WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER providers_config_version_insert;
DROP TRIGGER providers_config_version_update;
DROP TRIGGER providers_config_version_delete;
DROP TRIGGER letter_overrides_config_version_insert;
DROP TRIGGER letter_overrides_config_version_update;
DROP TRIGGER letter_overrides_config_version_delete;
DROP TRIGGER cookies_config_version_insert;
DROP TRIGGER cookies_config_version_update;
DROP TRIGGER cookies_config_version_delete;
DROP TRIGGER sites_config_version_insert;
DROP TRIGGER sites_config_version_update;
DROP TRIGGER sites_config_version_delete;
DROP TRIGGER controllers_config_version_insert;
DROP TRIGGER controllers_config_version_update;
DROP TRIGGER controllers_config_version_delete;
DROP TABLE config_version;
