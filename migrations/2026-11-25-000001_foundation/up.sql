-- Staff, server-side sessions and sign-in throttling (SPEC §1, §7).
CREATE TABLE staff (
    id INTEGER PRIMARY KEY NOT NULL,
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    full_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('agent', 'sales-rep', 'retention-owner', 'billing', 'admin')),
    password_hash TEXT NOT NULL,
    -- The retention owner who receives save tasks whose rep has left (SOP C2A/C3: "assign the task to Spencer").
    receives_fallbacks BOOLEAN NOT NULL DEFAULT 0,
    departed_at BIGINT,
    last_sign_in_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX staff_one_fallback_owner ON staff (receives_fallbacks) WHERE receives_fallbacks = 1;

CREATE TABLE sessions (
    -- SHA-256 of the session key: a copy of the database does not hand out live cookies.
    id TEXT PRIMARY KEY NOT NULL,
    staff_id INTEGER REFERENCES staff (id),
    state TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    idle_expires_at BIGINT NOT NULL,
    absolute_expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_by_staff ON sessions (staff_id);
CREATE INDEX sessions_by_expiry ON sessions (idle_expires_at);

CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY NOT NULL,
    username TEXT NOT NULL COLLATE NOCASE,
    address TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX login_failures_by_username ON login_failures (username, at);
CREATE INDEX login_failures_by_address ON login_failures (address, at);

-- Who changed what in the admin screens. Append-only.
CREATE TABLE admin_audit (
    id INTEGER PRIMARY KEY NOT NULL,
    at BIGINT NOT NULL,
    actor_id INTEGER REFERENCES staff (id),
    action TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE TRIGGER admin_audit_no_update BEFORE UPDATE ON admin_audit
BEGIN SELECT RAISE(ABORT, 'admin_audit is append-only'); END;
CREATE TRIGGER admin_audit_no_delete BEFORE DELETE ON admin_audit
BEGIN SELECT RAISE(ABORT, 'admin_audit is append-only'); END;
