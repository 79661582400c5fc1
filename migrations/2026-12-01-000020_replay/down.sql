DROP INDEX cases_by_submitted_at;
