ALTER TABLE sessions DROP COLUMN address;
ALTER TABLE sessions DROP COLUMN public_id;

DROP INDEX parked_forms_by_age;
DROP INDEX parked_forms_by_browser;
ALTER TABLE parked_forms DROP COLUMN browser;
