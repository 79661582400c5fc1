-- Reasons for leaving and save offers (SPEC §8), and indexes for the
-- reports (SPEC §9).

-- Never renamed (that would mix old and new data in the reports): an admin
-- retires a reason and adds another.
CREATE TABLE leave_reasons (
    id INTEGER PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    position INTEGER NOT NULL,
    retired_at BIGINT
);
INSERT INTO leave_reasons (name, position) VALUES
    ('Too expensive', 10),
    ('Missing features', 20),
    ('Switching to a competitor', 30),
    ('Not using it enough', 40),
    ('Technical problems', 50),
    ('Business closed', 60),
    ('Other', 70);

-- NULL: a refund-only case, or a case from before reasons were asked ("Not recorded").
ALTER TABLE cases ADD COLUMN leave_reason_id INTEGER REFERENCES leave_reasons (id);

-- Recorded with the call's outcome; NULL means "No offer".
ALTER TABLE save_tasks ADD COLUMN offer TEXT CHECK (offer IN ('no_offer', 'discount', 'pause', 'downgrade', 'other'));

-- The cancellation route the case was decided by (its facts snapshot's),
-- as a column: the reports count C2 / C2A / C3 without reading the JSON.
ALTER TABLE cases ADD COLUMN decided_route TEXT CHECK (decided_route IN ('essentials', 'check_ar', 'sales_call'));
UPDATE cases SET decided_route = json_extract(facts_snapshot, '$.level.route')
WHERE cancellation_status IS NOT NULL;

-- The reports take the cases submitted between two dates: a range scan on
-- this index, which holds every column of the case they read, so the case
-- rows themselves (with their JSON snapshots) are never read.
CREATE INDEX cases_for_reports ON cases (
    created_at, cancellation_status, decided_route, level_id, leave_reason_id,
    original_rep_id, ar_balance_cents, account_id
);
-- "Kept 30 days": the cases of one account submitted after a save.
CREATE INDEX cases_by_account_created ON cases (account_id, created_at);
