// @generated automatically by Diesel CLI.

diesel::table! {
    admin_audit (id) {
        id -> Integer,
        at -> BigInt,
        actor_id -> Nullable<Integer>,
        action -> Text,
        detail -> Text,
    }
}

diesel::table! {
    billing_items (id) {
        id -> Integer,
        case_id -> Integer,
        amount_cents -> BigInt,
        review -> Text,
        status -> Text,
        payment_reference -> Nullable<Text>,
        review_notes -> Nullable<Text>,
        reviewed_by -> Nullable<Integer>,
        reviewed_at -> Nullable<BigInt>,
        issued_by -> Nullable<Integer>,
        issued_at -> Nullable<BigInt>,
        denial_seen_at -> Nullable<BigInt>,
        created_at -> BigInt,
        due_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    case_events (id) {
        id -> Integer,
        case_id -> Integer,
        at -> BigInt,
        actor_id -> Nullable<Integer>,
        kind -> Text,
        body -> Text,
    }
}

diesel::table! {
    case_submissions (token) {
        token -> Text,
        case_id -> Integer,
        created_at -> BigInt,
    }
}

diesel::table! {
    cases (id) {
        id -> Integer,
        customer_name -> Text,
        account_id -> Text,
        support_ticket -> Nullable<Text>,
        request -> Text,
        level_id -> Integer,
        server_id -> Integer,
        ar_balance_cents -> BigInt,
        refund_amount_cents -> Nullable<BigInt>,
        refund_reason -> Nullable<Text>,
        notes -> Nullable<Text>,
        original_rep_id -> Nullable<Integer>,
        submitted_by -> Integer,
        policy_version -> Integer,
        facts_snapshot -> Text,
        decision -> Text,
        cancellation_status -> Nullable<Text>,
        refund_status -> Nullable<Text>,
        is_open -> Bool,
        created_at -> BigInt,
        updated_at -> BigInt,
        leave_reason_id -> Nullable<Integer>,
        decided_route -> Nullable<Text>,
    }
}

diesel::table! {
    customer_levels (id) {
        id -> Integer,
        name -> Text,
        rank -> Integer,
        route -> Text,
        retired_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    leave_reasons (id) {
        id -> Integer,
        name -> Text,
        position -> Integer,
        retired_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    login_failures (id) {
        id -> Integer,
        username -> Text,
        address -> Text,
        at -> BigInt,
    }
}

diesel::table! {
    not_saved_replies (case_id) {
        case_id -> Integer,
        replies_version -> Integer,
        reply -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    outbox_messages (id) {
        id -> Integer,
        case_id -> Integer,
        channel -> Text,
        text -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> BigInt,
        last_error -> Nullable<Text>,
        delivered_at -> Nullable<BigInt>,
        created_at -> BigInt,
        last_attempt_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    parked_forms (token) {
        token -> Text,
        body -> Text,
        created_at -> BigInt,
        browser -> Text,
    }
}

diesel::table! {
    policy_versions (version) {
        version -> Integer,
        ar_limit_cents -> BigInt,
        refund_review_limit_cents -> BigInt,
        created_by -> Nullable<Integer>,
        created_at -> BigInt,
    }
}

diesel::table! {
    reply_versions (version) {
        version -> Integer,
        greeting -> Text,
        sign_off -> Text,
        exit_survey -> Text,
        save_call -> Text,
        credit -> Text,
        review -> Text,
        created_by -> Nullable<Integer>,
        created_at -> BigInt,
    }
}

diesel::table! {
    save_tasks (id) {
        id -> Integer,
        case_id -> Integer,
        assignee_id -> Integer,
        fell_back -> Bool,
        is_open -> Bool,
        outcome -> Nullable<Text>,
        attempts -> Integer,
        created_at -> BigInt,
        closed_at -> Nullable<BigInt>,
        closed_by -> Nullable<Integer>,
        offer -> Nullable<Text>,
        due_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    servers (id) {
        id -> Integer,
        name -> Text,
        exit_survey_url -> Text,
        retired_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    service_level_alarms (id) {
        id -> Integer,
        case_id -> Integer,
        track -> Text,
        kind -> Text,
        due_at -> BigInt,
        fire_at -> BigInt,
        done_at -> Nullable<BigInt>,
        outcome -> Nullable<Text>,
    }
}

diesel::table! {
    service_level_settings (id) {
        id -> Integer,
        save_call_hours -> Integer,
        refund_hours -> Integer,
        review_refund_hours -> Integer,
        warn_hours -> Integer,
        working_days -> Integer,
        day_starts -> Text,
        day_ends -> Text,
        holidays -> Text,
        created_by -> Nullable<Integer>,
        created_at -> BigInt,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        staff_id -> Nullable<Integer>,
        state -> Text,
        created_at -> BigInt,
        idle_expires_at -> BigInt,
        absolute_expires_at -> BigInt,
        public_id -> Nullable<Text>,
        address -> Nullable<Text>,
    }
}

diesel::table! {
    staff (id) {
        id -> Integer,
        username -> Text,
        full_name -> Text,
        role -> Text,
        password_hash -> Text,
        receives_fallbacks -> Bool,
        departed_at -> Nullable<BigInt>,
        last_sign_in_at -> Nullable<BigInt>,
        created_at -> BigInt,
        slack_member_id -> Nullable<Text>,
    }
}

diesel::joinable!(admin_audit -> staff (actor_id));
diesel::joinable!(billing_items -> cases (case_id));
diesel::joinable!(case_events -> cases (case_id));
diesel::joinable!(case_events -> staff (actor_id));
diesel::joinable!(case_submissions -> cases (case_id));
diesel::joinable!(cases -> customer_levels (level_id));
diesel::joinable!(cases -> leave_reasons (leave_reason_id));
diesel::joinable!(cases -> policy_versions (policy_version));
diesel::joinable!(cases -> servers (server_id));
diesel::joinable!(not_saved_replies -> cases (case_id));
diesel::joinable!(not_saved_replies -> reply_versions (replies_version));
diesel::joinable!(outbox_messages -> cases (case_id));
diesel::joinable!(policy_versions -> staff (created_by));
diesel::joinable!(reply_versions -> staff (created_by));
diesel::joinable!(save_tasks -> cases (case_id));
diesel::joinable!(service_level_alarms -> cases (case_id));
diesel::joinable!(service_level_settings -> staff (created_by));
diesel::joinable!(sessions -> staff (staff_id));

diesel::allow_tables_to_appear_in_same_query!(
    admin_audit,
    billing_items,
    case_events,
    case_submissions,
    cases,
    customer_levels,
    leave_reasons,
    login_failures,
    not_saved_replies,
    outbox_messages,
    parked_forms,
    policy_versions,
    reply_versions,
    save_tasks,
    servers,
    service_level_alarms,
    service_level_settings,
    sessions,
    staff,
);
