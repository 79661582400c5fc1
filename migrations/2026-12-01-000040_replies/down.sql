DROP TABLE not_saved_replies;
DROP TABLE reply_versions;
