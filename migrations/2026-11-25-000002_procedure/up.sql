-- Reference data the procedure depends on (SPEC §2.1), the versioned policy,
-- cases with their decision, and the work they create.
CREATE TABLE customer_levels (
    id INTEGER PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    rank INTEGER NOT NULL,
    route TEXT NOT NULL CHECK (route IN ('essentials', 'check_ar', 'sales_call')),
    retired_at BIGINT
);
INSERT INTO customer_levels (name, rank, route) VALUES
    ('Essentials', 10, 'essentials'),
    ('Professional', 20, 'check_ar'),
    ('Professional 2A', 30, 'sales_call'),
    ('SMB', 40, 'sales_call');

CREATE TABLE servers (
    id INTEGER PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    exit_survey_url TEXT NOT NULL,
    retired_at BIGINT
);

CREATE TABLE policy_versions (
    version INTEGER PRIMARY KEY NOT NULL,
    ar_limit_cents BIGINT NOT NULL,
    refund_review_limit_cents BIGINT NOT NULL,
    created_by INTEGER REFERENCES staff (id),
    created_at BIGINT NOT NULL
);
INSERT INTO policy_versions (version, ar_limit_cents, refund_review_limit_cents, created_by, created_at)
VALUES (1, 100000, 100000, NULL, 0);

CREATE TABLE cases (
    id INTEGER PRIMARY KEY NOT NULL,
    customer_name TEXT NOT NULL,
    account_id TEXT NOT NULL,
    support_ticket TEXT,
    request TEXT NOT NULL CHECK (request IN ('cancel', 'refund', 'cancel_and_refund')),
    level_id INTEGER NOT NULL REFERENCES customer_levels (id),
    server_id INTEGER NOT NULL REFERENCES servers (id),
    ar_balance_cents BIGINT NOT NULL,
    refund_amount_cents BIGINT,
    refund_reason TEXT,
    notes TEXT,
    original_rep_id INTEGER REFERENCES staff (id),
    submitted_by INTEGER NOT NULL REFERENCES staff (id),
    policy_version INTEGER NOT NULL REFERENCES policy_versions (version),
    -- The facts as they were (level and route, server and survey link, rep and whether active)
    -- and the decision taken, so an old case explains itself after the data or policy change.
    facts_snapshot TEXT NOT NULL,
    decision TEXT NOT NULL,
    cancellation_status TEXT CHECK (cancellation_status IN ('awaiting_save_call', 'reply_to_send', 'cancelled', 'retained', 'withdrawn')),
    refund_status TEXT CHECK (refund_status IN ('billing_in_progress', 'refund_issued', 'refund_denied', 'withdrawn')),
    is_open BOOLEAN NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
-- Keyset pagination is by id (newest first); each filter has an index ending in id.
CREATE INDEX cases_by_state ON cases (is_open, id);
CREATE INDEX cases_by_cancellation_status ON cases (cancellation_status, id);
CREATE INDEX cases_by_refund_status ON cases (refund_status, id);
CREATE INDEX cases_by_account ON cases (account_id COLLATE NOCASE, is_open);
CREATE INDEX cases_by_customer ON cases (customer_name COLLATE NOCASE);
CREATE INDEX cases_replies_to_send ON cases (submitted_by, cancellation_status);

CREATE TABLE case_events (
    id INTEGER PRIMARY KEY NOT NULL,
    case_id INTEGER NOT NULL REFERENCES cases (id),
    at BIGINT NOT NULL,
    actor_id INTEGER REFERENCES staff (id),
    kind TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX case_events_by_case ON case_events (case_id, id);
CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events
BEGIN SELECT RAISE(ABORT, 'the case log is append-only'); END;
CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events
BEGIN SELECT RAISE(ABORT, 'the case log is append-only'); END;

CREATE TABLE save_tasks (
    id INTEGER PRIMARY KEY NOT NULL,
    case_id INTEGER NOT NULL UNIQUE REFERENCES cases (id),
    assignee_id INTEGER NOT NULL REFERENCES staff (id),
    -- Assigned to the retention owner because the rep had left or was unknown.
    fell_back BOOLEAN NOT NULL,
    is_open BOOLEAN NOT NULL,
    outcome TEXT CHECK (outcome IN ('saved', 'not_saved')),
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    closed_at BIGINT,
    closed_by INTEGER REFERENCES staff (id)
);
CREATE INDEX save_tasks_open_by_assignee ON save_tasks (is_open, assignee_id, id);
CREATE INDEX save_tasks_open ON save_tasks (is_open, id);

CREATE TABLE billing_items (
    id INTEGER PRIMARY KEY NOT NULL,
    case_id INTEGER NOT NULL UNIQUE REFERENCES cases (id),
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    review TEXT NOT NULL CHECK (review IN ('not_needed', 'needs_review', 'approved', 'denied')),
    status TEXT NOT NULL CHECK (status IN ('in_progress', 'issued', 'denied', 'withdrawn')),
    payment_reference TEXT,
    review_notes TEXT,
    reviewed_by INTEGER REFERENCES staff (id),
    reviewed_at BIGINT,
    issued_by INTEGER REFERENCES staff (id),
    issued_at BIGINT,
    denial_seen_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX billing_items_queue ON billing_items (status, id);

CREATE TABLE outbox_messages (
    id INTEGER PRIMARY KEY NOT NULL,
    case_id INTEGER NOT NULL REFERENCES cases (id),
    channel TEXT NOT NULL,
    text TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed', 'not_configured')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    last_error TEXT,
    delivered_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX outbox_pending ON outbox_messages (status, next_attempt_at);
CREATE INDEX outbox_by_case ON outbox_messages (case_id);

-- One-time tokens of the new-case form: a repeated post of the same form finds its case here.
CREATE TABLE case_submissions (
    token TEXT PRIMARY KEY NOT NULL,
    case_id INTEGER NOT NULL REFERENCES cases (id),
    created_at BIGINT NOT NULL
);

-- A case form posted after the sign-in expired, kept until the agent signs in again.
CREATE TABLE parked_forms (
    token TEXT PRIMARY KEY NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- Substring search on customer name and account ID that stays fast at a
-- million cases (trigram index; queries under 3 characters fall back to prefix).
CREATE VIRTUAL TABLE cases_search USING fts5(
    customer_name, account_id, content = 'cases', content_rowid = 'id', tokenize = 'trigram'
);
CREATE TRIGGER cases_search_insert AFTER INSERT ON cases BEGIN
    INSERT INTO cases_search (rowid, customer_name, account_id)
    VALUES (new.id, new.customer_name, new.account_id);
END;
CREATE TRIGGER cases_search_update AFTER UPDATE OF customer_name, account_id ON cases BEGIN
    INSERT INTO cases_search (cases_search, rowid, customer_name, account_id)
    VALUES ('delete', old.id, old.customer_name, old.account_id);
    INSERT INTO cases_search (rowid, customer_name, account_id)
    VALUES (new.id, new.customer_name, new.account_id);
END;
