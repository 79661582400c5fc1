-- Hardening (SPEC §7): a typed case is parked only for the browser whose
-- sign-in expired, one per browser, swept by age; sessions say which one is
-- "this session" and where it signed in from.
ALTER TABLE parked_forms ADD COLUMN browser TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX parked_forms_by_browser ON parked_forms (browser);
CREATE INDEX parked_forms_by_age ON parked_forms (created_at);

ALTER TABLE sessions ADD COLUMN public_id TEXT;
ALTER TABLE sessions ADD COLUMN address TEXT;
