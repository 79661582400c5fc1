-- When the worker last tried a heads-up: the "when" of a failed delivery on
-- the admin screen, and the start of a claim on an in-flight attempt.
ALTER TABLE outbox_messages ADD COLUMN last_attempt_at BIGINT;
