-- Service levels (SPEC §11): the settings, due times on save tasks and
-- billing items, and the alarms that warn before and escalate at the due
-- time.

-- "Save service levels" adds a row; the newest is in force. No row: the
-- SPEC defaults.
CREATE TABLE service_level_settings (
    id INTEGER PRIMARY KEY NOT NULL,
    save_call_hours INTEGER NOT NULL,
    refund_hours INTEGER NOT NULL,
    review_refund_hours INTEGER NOT NULL,
    warn_hours INTEGER NOT NULL,
    -- Monday = 1, Tuesday = 2, Wednesday = 4, … Sunday = 64.
    working_days INTEGER NOT NULL,
    day_starts TEXT NOT NULL,
    day_ends TEXT NOT NULL,
    -- One YYYY-MM-DD a line.
    holidays TEXT NOT NULL,
    created_by INTEGER REFERENCES staff (id),
    created_at BIGINT NOT NULL
);

-- Slack's member ID (U…), so a warning can mention the assignee.
ALTER TABLE staff ADD COLUMN slack_member_id TEXT;

-- Due times, set when the task or item is created; rows from before this
-- feature have none.
ALTER TABLE save_tasks ADD COLUMN due_at BIGINT;
ALTER TABLE billing_items ADD COLUMN due_at BIGINT;

-- The queues are ordered by due time, then age (SPEC §11).
CREATE INDEX save_tasks_open_by_due ON save_tasks (is_open, due_at, id);
CREATE INDEX save_tasks_open_by_assignee_due ON save_tasks (is_open, assignee_id, due_at, id);
CREATE INDEX billing_items_queue_by_due ON billing_items (status, due_at, id);

-- One warning and one overdue alarm per track of a case. The scheduler
-- reads the waiting ones from `service_level_alarms_waiting` in order of
-- their time, never every task; an alarm is done (sent or skipped) in the
-- same transaction that queues its message, so it fires once.
CREATE TABLE service_level_alarms (
    id INTEGER PRIMARY KEY NOT NULL,
    case_id INTEGER NOT NULL REFERENCES cases (id),
    track TEXT NOT NULL CHECK (track IN ('save_call', 'refund')),
    kind TEXT NOT NULL CHECK (kind IN ('warning', 'overdue')),
    due_at BIGINT NOT NULL,
    fire_at BIGINT NOT NULL,
    done_at BIGINT,
    outcome TEXT CHECK (outcome IN ('sent', 'skipped'))
);
CREATE UNIQUE INDEX service_level_alarms_once ON service_level_alarms (case_id, track, kind);
CREATE INDEX service_level_alarms_waiting ON service_level_alarms (fire_at) WHERE done_at IS NULL;
