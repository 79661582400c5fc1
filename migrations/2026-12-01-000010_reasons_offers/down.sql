DROP INDEX cases_by_account_created;
DROP INDEX cases_for_reports;
ALTER TABLE cases DROP COLUMN decided_route;
ALTER TABLE save_tasks DROP COLUMN offer;
ALTER TABLE cases DROP COLUMN leave_reason_id;
DROP TABLE leave_reasons;
