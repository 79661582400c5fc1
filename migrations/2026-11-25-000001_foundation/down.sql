DROP TABLE admin_audit;
DROP TABLE login_failures;
DROP TABLE sessions;
DROP TABLE staff;
