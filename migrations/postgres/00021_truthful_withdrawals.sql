-- Truthful consent withdrawals (Art. 7(3)): the receipt says only what happened.
--
-- A site says whether it has a cookie banner where consent can be given again, and may state in
-- its own words how consent is withdrawn or given again (ESOMUS: by ending the subscription on
-- the "Mon compte" page).
--
-- A withdrawal filed as a request is linked to its case and dated when the requester asked. A
-- withdrawal the site was not told of by a webhook is shown to the controller's privacy team until
-- one of them marks it handled.
--
-- A catalogue row may stand for cookies a policy describes without naming them (unnamed), and a
-- lifetime may be a range ("1 jour à 5 ans"): lifetime_amount/unit is its shortest,
-- lifetime_max_amount/unit its longest.

-- +goose Up
ALTER TABLE sites ADD COLUMN consent_banner BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE sites ADD COLUMN withdrawal_how TEXT NOT NULL DEFAULT '';
ALTER TABLE consent_withdrawals ADD COLUMN case_id BIGINT REFERENCES cases (id);
ALTER TABLE consent_withdrawals ADD COLUMN handled_at TIMESTAMPTZ;
ALTER TABLE consent_withdrawals ADD COLUMN handled_by BIGINT REFERENCES users (id);
CREATE UNIQUE INDEX consent_withdrawals_case ON consent_withdrawals (case_id);
-- Few rows wait at any time: those of sites without a webhook until staff mark them, and those
-- whose call is pending or failed (a delivered call marks its withdrawal handled by the site).
CREATE INDEX consent_withdrawals_unhandled ON consent_withdrawals (site_id, id) WHERE handled_at IS NULL;
CREATE INDEX webhook_deliveries_withdrawal ON webhook_deliveries (withdrawal_id);
ALTER TABLE cookies ADD COLUMN unnamed BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE cookies ADD COLUMN lifetime_max_amount INTEGER NOT NULL DEFAULT 0
    CHECK (lifetime_max_amount BETWEEN 0 AND 99999);
ALTER TABLE cookies ADD COLUMN lifetime_max_unit TEXT NOT NULL DEFAULT ''
    CHECK (lifetime_max_unit IN ('', 'minute', 'hour', 'day', 'week', 'month', 'year')
        AND (lifetime_max_amount = 0) = (lifetime_max_unit = ''));

-- Withdrawals recorded before were shown to nobody: they are not news to the team now.
UPDATE consent_withdrawals SET handled_at = withdrawn_at;

-- +goose Down
ALTER TABLE cookies DROP COLUMN lifetime_max_unit;
ALTER TABLE cookies DROP COLUMN lifetime_max_amount;
ALTER TABLE cookies DROP COLUMN unnamed;
DROP INDEX webhook_deliveries_withdrawal;
DROP INDEX consent_withdrawals_unhandled;
DROP INDEX consent_withdrawals_case;
ALTER TABLE consent_withdrawals DROP COLUMN handled_by;
ALTER TABLE consent_withdrawals DROP COLUMN handled_at;
ALTER TABLE consent_withdrawals DROP COLUMN case_id;
ALTER TABLE sites DROP COLUMN withdrawal_how;
ALTER TABLE sites DROP COLUMN consent_banner;
