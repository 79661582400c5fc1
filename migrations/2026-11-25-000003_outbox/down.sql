ALTER TABLE outbox_messages DROP COLUMN last_attempt_at;
