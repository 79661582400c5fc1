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
