-- The first schema: controllers and their sites' cookie catalogues, requests (cases) with their kinds,
-- identifiers and append-only events, the letter outbox, staff users and their sessions.
-- The PostgreSQL file of the same number creates the same tables and columns. SQLite differences:
-- ids are INTEGER PRIMARY KEY, instants DATETIME (UTC), calendar dates TEXT 'YYYY-MM-DD'.

-- +goose Up
CREATE TABLE controllers (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    slug             TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    address          TEXT NOT NULL DEFAULT '',
    country          TEXT NOT NULL DEFAULT 'BE',
    company_number   TEXT NOT NULL DEFAULT '',
    contact_email    TEXT NOT NULL DEFAULT '',
    phone            TEXT NOT NULL DEFAULT '',
    contact_url      TEXT NOT NULL DEFAULT '',
    privacy_url      TEXT NOT NULL DEFAULT '',
    time_zone        TEXT NOT NULL DEFAULT 'Europe/Brussels',
    lead_authority   TEXT NOT NULL DEFAULT 'BE',
    default_language TEXT NOT NULL DEFAULT 'fr',
    created_at       DATETIME NOT NULL,
    updated_at       DATETIME NOT NULL
);

CREATE TABLE sites (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    controller_id   INTEGER NOT NULL REFERENCES controllers (id),
    slug            TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    domain          TEXT NOT NULL,
    policy_url      TEXT NOT NULL DEFAULT '',
    policy_version  TEXT NOT NULL DEFAULT '',
    policy_language TEXT NOT NULL DEFAULT 'fr',
    created_at      DATETIME NOT NULL,
    updated_at      DATETIME NOT NULL
);
CREATE INDEX sites_controller ON sites (controller_id);

CREATE TABLE cookies (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id          INTEGER NOT NULL REFERENCES sites (id),
    position         INTEGER NOT NULL,
    name             TEXT NOT NULL,
    provider         TEXT NOT NULL,
    party            TEXT NOT NULL CHECK (party IN ('first', 'third')),
    category         TEXT NOT NULL CHECK (category IN ('necessary', 'preference', 'functional', 'analytics', 'marketing')),
    purpose          TEXT NOT NULL,
    purpose_language TEXT NOT NULL,
    lifetime         TEXT NOT NULL,
    identifying      BOOLEAN NOT NULL DEFAULT FALSE,
    retired_at       DATETIME,
    created_at       DATETIME NOT NULL,
    updated_at       DATETIME NOT NULL,
    UNIQUE (site_id, name)
);

-- One row per year; filing increments it inside the filing transaction, so references are gapless
-- per year and unique across replicas (the row lock serialises concurrent filers).
CREATE TABLE reference_counters (
    year       INTEGER PRIMARY KEY,
    last_value INTEGER NOT NULL
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('staff', 'manager', 'admin')),
    password_hash TEXT NOT NULL,
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    DATETIME NOT NULL,
    updated_at    DATETIME NOT NULL
);

CREATE TABLE user_controllers (
    user_id       INTEGER NOT NULL REFERENCES users (id),
    controller_id INTEGER NOT NULL REFERENCES controllers (id),
    PRIMARY KEY (user_id, controller_id)
);

CREATE TABLE cases (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    reference           TEXT NOT NULL UNIQUE,
    controller_id       INTEGER NOT NULL REFERENCES controllers (id),
    site_id             INTEGER NOT NULL REFERENCES sites (id),
    status              TEXT NOT NULL CHECK (status IN ('unverified', 'open', 'in_progress', 'awaiting_requester', 'completed', 'refused', 'withdrawn', 'expired')),
    email               TEXT NOT NULL,
    name                TEXT NOT NULL DEFAULT '',
    language            TEXT NOT NULL,
    country             TEXT NOT NULL,
    details             TEXT NOT NULL DEFAULT '',
    rectification_wrong TEXT NOT NULL DEFAULT '',
    rectification_right TEXT NOT NULL DEFAULT '',
    objection_grounds   TEXT NOT NULL DEFAULT '',
    received_at         DATETIME NOT NULL,
    received_on         TEXT NOT NULL,
    due_on              TEXT NOT NULL,
    verify_token_hash   TEXT UNIQUE,
    verify_expires_at   DATETIME NOT NULL,
    verified_at         DATETIME,
    status_token_hash   TEXT UNIQUE,
    closed_at           DATETIME,
    version             INTEGER NOT NULL DEFAULT 1,
    created_at          DATETIME NOT NULL,
    updated_at          DATETIME NOT NULL
);
CREATE INDEX cases_controller_status_due ON cases (controller_id, status, due_on);
CREATE INDEX cases_status_due ON cases (status, due_on);
CREATE INDEX cases_unverified_expiry ON cases (verify_expires_at) WHERE status = 'unverified';

CREATE TABLE case_kinds (
    case_id INTEGER NOT NULL REFERENCES cases (id),
    kind    TEXT NOT NULL CHECK (kind IN ('access', 'rectification', 'erasure', 'restriction', 'portability', 'objection', 'consent_withdrawal')),
    PRIMARY KEY (case_id, kind)
);

CREATE TABLE case_identifiers (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    cookie_id   INTEGER NOT NULL REFERENCES cookies (id),
    cookie_name TEXT NOT NULL,
    value       TEXT NOT NULL,
    provenance  TEXT NOT NULL CHECK (provenance IN ('browser', 'signed', 'typed')),
    created_at  DATETIME NOT NULL
);
CREATE INDEX case_identifiers_case ON case_identifiers (case_id);
CREATE INDEX case_identifiers_value ON case_identifiers (value);

-- Append-only: nothing updates or deletes an event.
CREATE TABLE events (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id       INTEGER NOT NULL REFERENCES cases (id),
    at            DATETIME NOT NULL,
    actor_type    TEXT NOT NULL CHECK (actor_type IN ('requester', 'staff', 'system')),
    actor_user_id INTEGER REFERENCES users (id),
    type          TEXT NOT NULL,
    from_status   TEXT NOT NULL DEFAULT '',
    to_status     TEXT NOT NULL DEFAULT '',
    message       TEXT NOT NULL DEFAULT '',
    public        BOOLEAN NOT NULL
);
CREATE INDEX events_case ON events (case_id, id);

-- The outbox: a letter is a row, written in the transaction of the change that caused it,
-- before it is a message on the wire.
CREATE TABLE letters (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id         INTEGER REFERENCES cases (id),
    kind            TEXT NOT NULL,
    language        TEXT NOT NULL,
    sender          TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    recipient_name  TEXT NOT NULL DEFAULT '',
    subject         TEXT NOT NULL,
    text_body       TEXT NOT NULL,
    html_body       TEXT NOT NULL,
    message_id      TEXT NOT NULL UNIQUE,
    status          TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at DATETIME NOT NULL,
    lease_until     DATETIME,
    last_error      TEXT NOT NULL DEFAULT '',
    sent_at         DATETIME,
    failed_at       DATETIME,
    created_at      DATETIME NOT NULL
);
CREATE INDEX letters_queued_due ON letters (next_attempt_at) WHERE status = 'queued';
CREATE INDEX letters_case ON letters (case_id, id);

-- Server-side sessions (alexedwards/scs store).
CREATE TABLE sessions (
    token  TEXT PRIMARY KEY,
    data   BLOB NOT NULL,
    expiry DATETIME NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expiry);

-- +goose Down
DROP TABLE sessions;
DROP TABLE letters;
DROP TABLE events;
DROP TABLE case_identifiers;
DROP TABLE case_kinds;
DROP TABLE cases;
DROP TABLE user_controllers;
DROP TABLE users;
DROP TABLE reference_counters;
DROP TABLE cookies;
DROP TABLE sites;
DROP TABLE controllers;
