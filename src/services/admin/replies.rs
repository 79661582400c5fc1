//! `/admin/replies` (SPEC §12): the replies in the team's own words. "Save
//! replies" adds a version, audited; new cases use the latest, old cases
//! keep the words they were decided with. "Preview" writes nothing.

use crate::db::models::admin_audit;
use crate::db::models::reference::ServerRow;
use crate::db::models::replies::{NewReplyVersion, ReplyVersionRow};
use crate::domain::{CancellationRoute, CustomerName, Money, RefundAmount, RequestKind, Role};
use crate::procedure::{
    CaseFacts, LevelFacts, Policy, RefundFacts, RepFacts, Replies, ReplyTemplates, ServerFacts,
    decide,
};
use crate::services::{Actor, ServiceError, replies};
use crate::state::AppState;

pub use crate::db::models::replies::ReplyHistoryRow as RepliesVersionLine;

/// `/admin/replies`: the replies in force and every version before it.
pub async fn replies_history(
    app: &AppState,
    actor: Actor,
) -> Result<(Replies, Vec<RepliesVersionLine>), ServiceError> {
    actor.require(Role::Admin)?;
    app.db
        .read(|conn| Ok((replies::current(conn)?, ReplyVersionRow::history(conn)?)))
        .await
}

/// One reply of the preview, as an agent would see it on a case.
pub struct ReplyPreview {
    pub title: &'static str,
    pub reply: String,
    /// The link shown under the reply when it sends the exit survey.
    pub survey_link: Option<String>,
}

/// The example survey link when no server is in service.
const EXAMPLE_SURVEY: &str = "https://survey.example.com/exit";

/// "Preview": the replies `templates` would write for an example customer,
/// one per kind of case (the seeded limits decide the example cases).
/// Writes nothing.
pub async fn preview_replies(
    app: &AppState,
    actor: Actor,
    templates: ReplyTemplates,
) -> Result<Vec<ReplyPreview>, ServiceError> {
    actor.require(Role::Admin)?;
    let (version, server) = app
        .db
        .read(|conn| {
            let version = replies::current(conn)?.version + 1;
            let server = ServerRow::active_by_name(conn)?.into_iter().next();
            Ok::<_, ServiceError>((version, server))
        })
        .await?;
    let draft = Replies { version, templates };
    let server = server.map_or_else(
        || ServerFacts {
            name: "app-01".to_owned(),
            exit_survey_url: EXAMPLE_SURVEY.to_owned(),
        },
        |s| ServerFacts {
            name: s.name,
            exit_survey_url: s.exit_survey_url,
        },
    );
    Ok(example_cases(server)
        .into_iter()
        .map(|(title, facts)| {
            let decision = decide(&facts, &example_policy(), &draft);
            ReplyPreview {
                title,
                reply: decision.reply_to_send(),
                survey_link: decision
                    .sends_exit_survey()
                    .then(|| facts.server.exit_survey_url.trim().to_owned()),
            }
        })
        .collect())
}

fn example_policy() -> Policy {
    let thousand = Money::from_cents(100_000).expect("$1,000.00");
    Policy {
        version: 0,
        ar_limit: thousand,
        refund_review_limit: thousand,
    }
}

/// Jane Doe, account ACC-1000042, submitted by Alex: cancelled on each
/// route, refunded under and over the review limit, and both at once.
fn example_cases(server: ServerFacts) -> Vec<(&'static str, CaseFacts)> {
    let refund = |cents| RefundFacts {
        amount: RefundAmount::from_cents(cents).expect("a positive example amount"),
        reason: "Charged twice for March.".to_owned(),
    };
    let base = |request, route, refund| CaseFacts {
        customer_name: CustomerName::parse("Jane Doe").expect("a valid example name"),
        request,
        level: LevelFacts {
            name: "Example level".to_owned(),
            route,
        },
        server: server.clone(),
        ar_balance: Money::ZERO,
        refund,
        original_rep: Some(RepFacts {
            name: "Riley".to_owned(),
            active: true,
        }),
        retention_owner_name: "Spencer".to_owned(),
        account_id: "ACC-1000042".to_owned(),
        agent_name: "Alex".to_owned(),
    };
    use CancellationRoute::{Essentials, SalesCall};
    use RequestKind::{Cancel, CancelAndRefund, Refund};
    vec![
        (
            "Cancel account, exit survey (C2; also after a save call ends \"Not saved\")",
            base(Cancel, Essentials, None),
        ),
        (
            "Cancel account, save call (C2A, C3)",
            base(Cancel, SalesCall, None),
        ),
        (
            "Refund of $250.00 (R4)",
            base(Refund, Essentials, Some(refund(25_000))),
        ),
        (
            "Refund of $1,250.00 (R5)",
            base(Refund, Essentials, Some(refund(125_000))),
        ),
        (
            "Cancel account and refund $250.00 (C2, R4)",
            base(CancelAndRefund, Essentials, Some(refund(25_000))),
        ),
    ]
}

/// "Save replies": a new version with these words, audited with the
/// fields that changed.
pub async fn save_replies(
    app: &AppState,
    actor: Actor,
    templates: ReplyTemplates,
) -> Result<Replies, ServiceError> {
    actor.require(Role::Admin)?;
    let now = app.clock.unix();
    app.db
        .write(move |conn| {
            let before = replies::current(conn)?;
            let t = &templates;
            let words = NewReplyVersion {
                greeting: &t.greeting,
                sign_off: &t.sign_off,
                exit_survey: &t.exit_survey,
                save_call: &t.save_call,
                credit: &t.credit,
                review: &t.review,
            };
            let version = ReplyVersionRow::insert_next(conn, &words, actor.id, now)?;
            let changed: Vec<&str> = templates
                .changed_from(&before.templates)
                .into_iter()
                .map(|f| f.label())
                .collect();
            let detail = if changed.is_empty() {
                format!(
                    "Replies version {version}: the same words as version {}",
                    before.version
                )
            } else {
                format!("Replies version {version}: changed {}", changed.join(", "))
            };
            admin_audit::record(conn, Some(actor.id), "replies.saved", &detail, now)?;
            Ok(Replies {
                version: i64::from(version),
                templates,
            })
        })
        .await
}
