-- Replies in the team's own words (SPEC §12, issue #18).

-- A version of the replies: the greeting, the sign-off and the four bodies,
-- with placeholders. "Save replies" adds one; new cases are written with the
-- latest, and each case keeps the version its words came from (in its
-- decision). Version 1 is the wording the app shipped with.
CREATE TABLE reply_versions (
    version INTEGER PRIMARY KEY NOT NULL,
    greeting TEXT NOT NULL,
    sign_off TEXT NOT NULL,
    exit_survey TEXT NOT NULL,
    save_call TEXT NOT NULL,
    credit TEXT NOT NULL,
    review TEXT NOT NULL,
    created_by INTEGER REFERENCES staff (id),
    created_at BIGINT NOT NULL
);
INSERT INTO reply_versions (version, greeting, sign_off, exit_survey, save_call, credit, review, created_by, created_at)
VALUES (
    1,
    'Hi {customer_name},',
    '',
    'Thank you for letting us know, and I''m sorry to see you go. We will take care of cancelling your account. If you ever want to come back, or there is anything more we can do for you, just reply to this message: our door is always open.' || char(10) || char(10) || 'So we can learn why you are leaving and what we could have done better, would you take a minute to answer our short exit survey? {exit_survey_link}',
    'Thank you for letting us know, and I''m sorry to hear you are thinking of cancelling your account. Your account manager will be in touch with you shortly to talk it through.',
    'I''m sorry for the trouble. A credit in the amount of {amount} will be processed for your account.',
    'I''m sorry for the trouble. Your request for a refund of {amount} is being reviewed, and we will let you know the outcome as soon as we can.',
    NULL,
    0
);

-- The reply written when a save call ends "Not saved": the C2 reply alone,
-- in the words in force then, with the survey link of the case's snapshot.
CREATE TABLE not_saved_replies (
    case_id INTEGER PRIMARY KEY NOT NULL REFERENCES cases (id),
    replies_version INTEGER NOT NULL REFERENCES reply_versions (version),
    reply TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
