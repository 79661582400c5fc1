DROP INDEX cases_by_account_id;
DROP INDEX billing_items_unseen_denials;
DROP INDEX cases_replies_to_send;
CREATE INDEX cases_replies_to_send ON cases (submitted_by, cancellation_status);
