//! The agent's new-case form, filled in by its labels.

use crate::page::Page;

/// What an agent types into the new-case form. Labels are SPEC §4's.
pub struct NewCase<'a> {
    pub customer_name: &'a str,
    pub account_id: &'a str,
    pub level: &'a str,
    pub server: &'a str,
    pub ar_balance: &'a str,
    pub sales_rep: &'a str,
    pub request: &'a str,
    pub reason: &'a str,
    pub refund_amount: &'a str,
    pub refund_reason: &'a str,
}

impl Default for NewCase<'_> {
    /// An Essentials cancellation on app-01 with no A/R, rep unknown.
    fn default() -> Self {
        NewCase {
            customer_name: "Dana Smith",
            account_id: "ACC-1001",
            level: "Essentials",
            server: "app-01",
            ar_balance: "0",
            sales_rep: "Unknown",
            request: "Cancel account",
            reason: "Too expensive",
            refund_amount: "",
            refund_reason: "",
        }
    }
}

impl NewCase<'_> {
    /// Opens the form, fills every field by its label and presses
    /// "Submit case". The caller checks where that led.
    pub async fn submit(&self, page: &Page) {
        page.visit("/cases/new").await;
        page.fill("Customer name", self.customer_name).await;
        page.fill("Account ID", self.account_id).await;
        page.fill("Customer level", self.level).await;
        page.fill("Hosting server", self.server).await;
        page.fill("A/R balance", self.ar_balance).await;
        page.fill("Original sales rep", self.sales_rep).await;
        page.fill("Request", self.request).await;
        page.fill("Reason for leaving", self.reason).await;
        page.fill("Refund amount", self.refund_amount).await;
        page.fill(
            "Why the customer is entitled to the refund",
            self.refund_reason,
        )
        .await;
        page.click_button("Submit case").await;
    }

    /// Submits the case and returns its number, from the page it led to.
    pub async fn submit_and_open(&self, page: &Page) -> u32 {
        self.submit(page).await;
        let path = page.path().await;
        let Some(id) = path.strip_prefix("/cases/").and_then(|id| id.parse().ok()) else {
            let errors = page.texts(".field-error").await;
            panic!(
                "submitting the case leads to /cases/{{id}}, not {path}; errors shown: {errors:?}"
            );
        };
        assert!(
            page.heading().await.starts_with(&format!("Case {id}")),
            "the case page is headed \"Case {id}\""
        );
        id
    }
}
