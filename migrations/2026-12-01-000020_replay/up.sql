-- The policy replay (SPEC §10) reads the cases submitted in a period in
-- submission order, a keyset batch at a time: (created_at, id) is the
-- index's order, since every index ends in the row id.
CREATE INDEX cases_by_submitted_at ON cases (created_at);
