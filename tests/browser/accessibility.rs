//! SPEC §13: no violations from axe-core (pinned in tests/browser/axe,
//! installed by `npm ci --prefix tests/browser/axe`) with the WCAG 2.2 AA
//! tags on every page of every role, forms shown again with their errors
//! included; and the main tasks done with the keyboard alone.

use std::path::PathBuf;

use crate::cases::NewCase;
use crate::harness::{Journey, in_ci, skip_or_fail};
use crate::page::Page;

/// axe-core's source, or `None` (after saying so) when it is not
/// installed outside CI. In CI a missing axe-core fails.
fn axe_source(name: &str) -> Option<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/browser/axe/node_modules/axe-core/axe.min.js");
    match std::fs::read_to_string(&path) {
        Ok(source) => Some(source),
        Err(_) => {
            let missing = format!(
                "axe-core is not installed at {} (run: npm ci --prefix tests/browser/axe)",
                path.display()
            );
            if in_ci() {
                panic!("accessibility check {name}: {missing}; CI=true, so this is a failure");
            }
            skip_or_fail(name, &missing);
            None
        }
    }
}

/// Collects the violations of every page looked at, so that one run names
/// them all.
struct Audit {
    axe: String,
    found: Vec<String>,
    pages: usize,
}

impl Audit {
    async fn check(&mut self, page: &Page, what: &str) {
        let path = page.path().await;
        for violation in page.axe_violations(&self.axe).await {
            self.found.push(format!("{what} ({path}): {violation}"));
        }
        self.pages += 1;
    }

    async fn visit(&mut self, page: &Page, path: &str, what: &str) {
        page.visit(path).await;
        self.check(page, what).await;
    }
}

async fn agent_pages(audit: &mut Audit, page: &Page) -> (u32, u32, u32) {
    audit.visit(page, "/login", "sign-in").await;
    page.fill("Username", "alex").await;
    page.fill("Password", "not the password").await;
    page.click_button("Sign in").await;
    audit.check(page, "sign-in refused").await;
    page.sign_in("alex").await;
    audit.visit(page, "/cases/new", "new case").await;
    page.click_button("Submit case").await;
    audit.check(page, "new case with errors").await;
    let essentials = NewCase::default().submit_and_open(page).await;
    audit.check(page, "case page with the reply").await;
    let save_call = NewCase {
        account_id: "ACC-2002",
        level: "Professional",
        ar_balance: "1,500.00",
        sales_rep: "Riley",
        ..NewCase::default()
    }
    .submit_and_open(page)
    .await;
    let refund = NewCase {
        account_id: "ACC-3003",
        request: "Refund",
        refund_amount: "2,500.00",
        refund_reason: "Charged twice",
        ..NewCase::default()
    }
    .submit_and_open(page)
    .await;
    audit.check(page, "case page with the refund box").await;
    audit
        .visit(page, "/cases/waiting", "the whole waiting list")
        .await;
    audit.visit(page, "/cases", "case list").await;
    audit
        .visit(page, "/account/password", "change password")
        .await;
    page.click_button("Change password").await;
    audit.check(page, "change password with errors").await;
    audit
        .visit(page, "/account/sessions", "your sessions")
        .await;
    page.sign_out().await;
    audit
        .visit(
            page,
            "/cases/999999",
            "not found (signed out: the sign-in page)",
        )
        .await;
    (essentials, save_call, refund)
}

async fn queue_pages(audit: &mut Audit, page: &Page, (save_call, refund): (u32, u32)) {
    page.sign_in("riley").await;
    audit
        .visit(page, "/tasks", "a sales rep's save tasks")
        .await;
    page.row_with_link(&format!("Case {save_call}"))
        .click_button("Record outcome")
        .await;
    audit.check(page, "save tasks with an error").await;
    page.sign_out().await;

    page.sign_in("spencer").await;
    audit
        .visit(page, "/tasks", "the retention owner's save tasks")
        .await;
    let task_case = format!("/cases/{save_call}");
    audit
        .visit(page, &task_case, "case page with a save task")
        .await;
    audit
        .visit(page, "/cases", "case list (retention owner)")
        .await;
    page.sign_out().await;

    page.sign_in("heather").await;
    audit.visit(page, "/billing", "billing queue").await;
    audit
        .visit(page, "/billing?overdue=1", "billing queue, overdue only")
        .await;
    audit
        .visit(page, "/reports?group=rep", "reports by sales rep (billing)")
        .await;
    let refund_case = format!("/cases/{refund}");
    audit
        .visit(page, &refund_case, "case page with billing actions")
        .await;
    page.click_button("Deny refund").await;
    audit.check(page, "billing action with an error").await;
    page.sign_out().await;
}

async fn admin_pages(audit: &mut Audit, page: &Page) {
    page.sign_in("admin").await;
    for (path, what) in [
        ("/admin", "admin overview"),
        ("/admin/audit", "audit log"),
        ("/admin/staff", "staff"),
        ("/admin/staff/4/password", "reset a password"),
        ("/admin/staff/4/depart", "mark as departed"),
        ("/admin/servers", "servers"),
        ("/admin/levels", "levels"),
        ("/admin/policy", "policy"),
        ("/admin/replies", "replies"),
        ("/admin/sla", "service levels"),
        ("/admin/reasons", "reasons for leaving"),
        ("/reports", "reports (admin)"),
    ] {
        audit.visit(page, path, what).await;
    }
    page.visit("/admin/policy").await;
    page.click_button("Preview changes").await;
    audit.check(page, "policy preview").await;
    page.visit("/admin/policy").await;
    page.fill("Draft A/R limit", "lots").await;
    page.click_button("Preview changes").await;
    audit.check(page, "policy preview with errors").await;
    page.visit("/admin/replies").await;
    page.click_button("Preview").await;
    audit.check(page, "replies preview").await;
    page.visit("/admin/reasons").await;
    page.click_button("Add reason").await;
    audit.check(page, "add reason with errors").await;
    page.visit("/admin/staff").await;
    page.click_button("Add staff member").await;
    audit.check(page, "add staff with errors").await;
    page.visit("/admin/servers").await;
    page.click_button("Add server").await;
    audit.check(page, "add server with errors").await;
    page.visit("/admin/sla").await;
    page.fill("Day ends", "08:00").await;
    page.click_button("Save service levels").await;
    audit.check(page, "service levels with errors").await;
    page.sign_out().await;
}

#[tokio::test]
async fn every_page_of_every_role_passes_axe_core() {
    let name = "accessibility (axe-core on every page)";
    let Some(axe) = axe_source(name) else { return };
    let Some(journey) = Journey::start(name).await else {
        return;
    };
    let page = &journey.page;
    let mut audit = Audit {
        axe,
        found: Vec::new(),
        pages: 0,
    };
    let (_, save_call, refund) = agent_pages(&mut audit, page).await;
    queue_pages(&mut audit, page, (save_call, refund)).await;
    admin_pages(&mut audit, page).await;
    assert!(audit.pages >= 30, "{} pages checked", audit.pages);
    assert!(
        audit.found.is_empty(),
        "axe-core found {} violations:\n{}",
        audit.found.len(),
        audit.found.join("\n")
    );
    journey.finish().await;
}

#[tokio::test]
async fn the_check_names_the_rule_a_broken_page_breaks() {
    let name = "accessibility (a broken page fails)";
    let Some(axe) = axe_source(name) else { return };
    let Some(journey) = Journey::start(name).await else {
        return;
    };
    let page = &journey.page;
    page.sign_in("alex").await;
    page.visit("/cases/new").await;
    // A field without its label (and no placeholder, which axe would take
    // for a name): what a careless template change would do.
    page.remove_label_of("Account ID").await;
    let violations = page.axe_violations(&axe).await;
    assert!(
        violations.iter().any(|v| v.starts_with("label ")),
        "{violations:?}"
    );
    journey.finish().await;
}

#[tokio::test]
async fn an_agent_and_a_rep_work_with_the_keyboard_alone() {
    let Some(journey) = Journey::start("keyboard journey").await else {
        return;
    };
    let page = &journey.page;
    let enter = char::from(fantoccini::key::Key::Enter).to_string();
    let space = " ";

    page.visit("/login").await;
    page.tab_to("Username").await;
    page.press("alex").await;
    page.tab_to("Password").await;
    page.press(crate::page::PASSWORD).await;
    page.press_and_wait_for_next_page(&enter).await;
    assert_eq!(page.path().await, "/cases/new");

    page.tab_to("Customer name").await;
    page.press("Kim Keyboard").await;
    page.tab_to("Account ID").await;
    page.press("ACC-KEY-1").await;
    page.tab_to("Customer level").await;
    page.press("Professional").await;
    page.tab_to("Hosting server").await;
    page.press("app-01").await;
    page.tab_to("A/R balance").await;
    page.press("1500").await;
    page.tab_to("Original sales rep").await;
    page.press("Riley").await;
    page.tab_to("Request").await;
    page.press("Cancel account").await;
    page.tab_to("Reason for leaving").await;
    page.press("Too expensive").await;
    page.tab_to_button("Submit case").await;
    page.press_and_wait_for_next_page(space).await;
    let path = page.path().await;
    let errors = page.texts(".field-error").await;
    let case: u32 = path
        .strip_prefix("/cases/")
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("the case was submitted: {path}, errors {errors:?}"));
    page.tab_to_button("Sign out").await;
    page.press_and_wait_for_next_page(&enter).await;

    page.tab_to("Username").await;
    page.press("riley").await;
    page.tab_to("Password").await;
    page.press(crate::page::PASSWORD).await;
    page.press_and_wait_for_next_page(&enter).await;
    assert_eq!(page.path().await, "/tasks");
    let outcome = format!("outcome-{}", page.task_of_case(case).await);
    page.tab_to_id(&outcome).await;
    page.press("Saved").await;
    page.tab_to_button("Record outcome").await;
    page.press_and_wait_for_next_page(&enter).await;
    page.visit(&format!("/cases/{case}")).await;
    assert!(
        page.texts(".badge").await.iter().any(|b| b == "Retained"),
        "the save was recorded"
    );
    journey.finish().await;
}
