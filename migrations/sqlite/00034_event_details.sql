-- Events as data (issue 17): each event keeps what it records as JSON in `detail`, typed per event
-- type (package events), beside the English sentence in `message`, which events.English derives
-- from it. The audit chain still hashes the message (format v1); `audit verify` checks that the
-- detail says the message, so the detail is covered through it. Events written before this
-- migration get their detail from the data migration 00035, which reads their sentences once;
-- '' is an event whose sentence it could not read, shown in English as before.

-- +goose Up
ALTER TABLE events ADD COLUMN detail TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE events DROP COLUMN detail;
