-- Indexes that match the agent's waiting list at a million cases (issue #8).

-- Replies to send, oldest first: the order is in the index, so no sort of
-- every such case the agent ever had.
DROP INDEX cases_replies_to_send;
CREATE INDEX cases_replies_to_send ON cases (submitted_by, cancellation_status, updated_at);

-- Refunds denied that the agent has not seen yet, oldest first: the unseen
-- ones are found and ordered in the index instead of every denied refund
-- ever being read and sorted. (Not a partial index: the query binds the
-- status as a parameter.)
CREATE INDEX billing_items_unseen_denials ON billing_items (status, denial_seen_at, reviewed_at);

-- The duplicate warning at intake looks up open cases by exact account ID
-- (binary comparison): `cases_by_account` is NOCASE and cannot serve it, so
-- every intake read every open case. This one can.
CREATE INDEX cases_by_account_id ON cases (account_id, is_open);
