//! The agent's waiting list (SPEC §2.3, §4): the new-case form shows the
//! 20 longest waiting with a link to the whole list; `/cases/waiting` shows
//! all of it, longest waiting first, a page at a time.

use reqwest::StatusCode;

use crate::helpers::{Browser, Level, NewCase, START, Server, TestApp, attrs, spawn_app, texts};

/// What the list says of one item: its case and what it waits for.
type Item = (String, String);

fn item(case: i32, what: &str) -> Item {
    (format!("Case {case}"), what.to_owned())
}

/// The items a page lists, in order.
fn listed(page: &str) -> Vec<Item> {
    let cases = texts(page, "table tbody tr td:first-child");
    let what = texts(page, "table tbody tr td:nth-child(4)");
    cases.into_iter().zip(what).collect()
}

/// Inserts a case of `agent`'s waiting since `since`: a reply to send,
/// an unseen denial, or both at once; returns its id.
fn waiting_case(app: &TestApp, agent: i32, since: i64, reply: bool, denial: bool) -> i32 {
    let (smb, app_01) = (Level::Smb.id(), Server::App01.id());
    let cancellation = if reply { "'reply_to_send'" } else { "NULL" };
    let refund = if denial { "'refund_denied'" } else { "NULL" };
    app.execute(&format!(
        "INSERT INTO cases (customer_name, account_id, request, level_id, server_id, ar_balance_cents,
             refund_amount_cents, submitted_by, policy_version, facts_snapshot, decision,
             cancellation_status, refund_status, is_open, created_at, updated_at)
         VALUES ('Waiting {since}', 'WAIT-{since}-{reply}-{denial}', 'cancel_and_refund', {smb}, {app_01}, 0, 1000,
             {agent}, 1, '{{}}', '{{}}', {cancellation}, {refund}, 1, {since}, {since})"
    ))
    .unwrap();
    let id = app.db(|conn| {
        use diesel::RunQueryDsl;
        diesel::select(diesel::dsl::sql::<diesel::sql_types::Integer>(
            "last_insert_rowid()",
        ))
        .get_result::<i32>(conn)
        .unwrap()
    });
    if denial {
        app.execute(&format!(
            "INSERT INTO billing_items (case_id, amount_cents, review, status, created_at, reviewed_at)
             VALUES ({id}, 1000, 'denied', 'denied', {since}, {since})"
        ))
        .unwrap();
    }
    id
}

/// 75 replies to send, a denial every tenth second, and one case waiting
/// for both since one second; the list in the order it must show.
fn busy_agent(app: &TestApp) -> Vec<Item> {
    let alex = app.staff_id("alex");
    let mut expected = Vec::new();
    for i in 0..75 {
        let since = START - 10_000 + i;
        let reply = waiting_case(app, alex, since, true, false);
        expected.push((since, item(reply, "Reply to send")));
        if i % 10 == 5 {
            let denial = waiting_case(app, alex, since, false, true);
            expected.push((since, item(denial, "Refund denied")));
        }
    }
    // 48 items come before this second, and one of this second's: the
    // first page ends on this case's reply, and the next starts with its denial.
    let tie = START - 10_000 + 44;
    let both = waiting_case(app, alex, tie, true, true);
    expected.push((tie, item(both, "Reply to send")));
    expected.push((tie, item(both, "Refund denied")));
    // Someone else's waiting case is not on Alex's list.
    waiting_case(app, app.staff_id("spencer"), START - 20_000, true, true);
    expected.sort_by_key(|(since, (case, what))| {
        let id: i32 = case.trim_start_matches("Case ").parse().unwrap();
        (*since, id, what != "Reply to send")
    });
    expected.into_iter().map(|(_, item)| item).collect()
}

async fn whole_list(alex: &Browser) -> (Vec<Item>, usize) {
    let mut seen = Vec::new();
    let mut path = "/cases/waiting".to_owned();
    let mut pages = 0;
    loop {
        let (status, page) = alex.page(&path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(texts(&page, "h1"), ["Waiting for you"]);
        assert!(listed(&page).len() <= 50, "{path}");
        seen.extend(listed(&page));
        pages += 1;
        let links = attrs(&page, "nav.pager a", "href");
        assert_eq!(
            links.contains(&"/cases/waiting".to_owned()),
            pages > 1,
            "a link back to the start from the later pages: {links:?}"
        );
        match links
            .into_iter()
            .find(|l| l.starts_with("/cases/waiting?after="))
        {
            Some(next) => path = next,
            None => return (seen, pages),
        }
    }
}

#[tokio::test]
async fn the_form_shows_the_20_longest_waiting_and_links_to_the_whole_list() {
    let app = spawn_app().await;
    let expected = busy_agent(&app);
    let alex = app.signed_in("alex").await;

    let (status, form) = alex.page("/cases/new").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(listed(&form), expected[..20]);
    assert!(
        attrs(&form, "a", "href").contains(&"/cases/waiting".to_owned()),
        "a link to the whole list"
    );

    let (all, pages) = whole_list(&alex).await;
    assert_eq!(all, expected, "every item once, longest waiting first");
    assert_eq!(pages, 2);
}

#[tokio::test]
async fn a_short_list_is_all_on_the_form_without_a_link() {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    let (id, _) = NewCase::new().submit_and_open(&alex).await;
    let (_, form) = alex.page("/cases/new").await;
    assert_eq!(listed(&form), [item(id, "Reply to send")]);
    assert!(!attrs(&form, "a", "href").contains(&"/cases/waiting".to_owned()));
    let (_, page) = alex.page("/cases/waiting").await;
    assert_eq!(listed(&page), [item(id, "Reply to send")]);
    assert!(
        attrs(&page, "nav.pager a", "href")
            .iter()
            .all(|l| !l.contains("after=")),
        "one page"
    );
}

#[tokio::test]
async fn a_damaged_page_link_is_refused_without_a_500() {
    let app = spawn_app().await;
    let alex = app.signed_in("alex").await;
    for after in ["nonsense", "1-2", "1-x-reply", "1-2-later"] {
        let (status, _) = alex.page(&format!("/cases/waiting?after={after}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{after}");
    }
}
