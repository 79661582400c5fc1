//! The new-case form: kept as typed, parsed into a `CaseSubmission`.

use serde::{Deserialize, Serialize};

use crate::domain::{
    AccountId, CustomerName, LevelId, Money, ReasonId, RefundAmount, RequestKind, ServerId,
    StaffId, has_control_characters,
};
use crate::services::FieldErrors;
use crate::services::cases::intake::{CaseSubmission, RefundRequest, RepChoice};
use crate::web::session::new_token;

pub const UNKNOWN_REP: &str = "unknown";
const TEXT_MAX_CHARS: usize = 5_000;
const TICKET_MAX_CHARS: usize = 500;

/// Every field as a string with a default: a missing field is an empty one,
/// shown again with its error; an unknown field refuses the whole form (400).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct NewCaseForm {
    pub customer_name: String,
    pub account_id: String,
    pub support_ticket: String,
    pub level_id: String,
    pub server_id: String,
    pub ar_balance: String,
    pub original_rep: String,
    pub request: String,
    pub reason_id: String,
    pub refund_amount: String,
    pub refund_reason: String,
    pub notes: String,
    pub submit_anyway: Option<String>,
    pub submission_token: String,
}

impl NewCaseForm {
    /// An empty form with a fresh one-time token.
    pub fn blank() -> NewCaseForm {
        NewCaseForm {
            submission_token: new_token(),
            ..NewCaseForm::default()
        }
    }

    pub fn submit_anyway(&self) -> bool {
        self.submit_anyway.is_some()
    }

    pub fn parse(&self) -> Result<CaseSubmission, FieldErrors> {
        let mut errors = FieldErrors::default();
        let customer_name = errors.check("customer_name", CustomerName::parse(&self.customer_name));
        let account_id = errors.check("account_id", AccountId::parse(&self.account_id));
        let support_ticket = self.support_ticket(&mut errors);
        let (level_id, server_id) = self.reference_choices(&mut errors);
        let (ar_balance, request) = self.balance_and_request(&mut errors);
        let original_rep = self.rep_choice(&mut errors, request);
        let reason = self.reason(&mut errors, request);
        let refund = request.and_then(|kind| self.refund(&mut errors, kind));
        let notes = optional_text(&mut errors, "notes", &self.notes, TEXT_MAX_CHARS);
        let submission = (|| {
            Some(CaseSubmission {
                customer_name: customer_name?,
                account_id: account_id?,
                support_ticket,
                level_id: level_id?,
                server_id: server_id?,
                ar_balance: ar_balance?,
                original_rep: original_rep?,
                request: request?,
                reason,
                refund,
                notes,
                submit_anyway: self.submit_anyway(),
                token: self.token(),
            })
        })();
        submission.filter(|_| errors.is_empty()).ok_or(errors)
    }

    fn support_ticket(&self, errors: &mut FieldErrors) -> Option<String> {
        optional_text(
            errors,
            "support_ticket",
            &self.support_ticket,
            TICKET_MAX_CHARS,
        )
    }

    fn balance_and_request(
        &self,
        errors: &mut FieldErrors,
    ) -> (Option<Money>, Option<RequestKind>) {
        let ar_balance = required(errors, "ar_balance", &self.ar_balance, AR_MISSING)
            .and_then(|text| errors.check("ar_balance", Money::parse(text)));
        let request = required(errors, "request", &self.request, REQUEST_MISSING)
            .and_then(|text| errors.check("request", RequestKind::parse(text)));
        (ar_balance, request)
    }

    fn reference_choices(&self, errors: &mut FieldErrors) -> (Option<LevelId>, Option<ServerId>) {
        let level = id_choice(
            errors,
            "level_id",
            &self.level_id,
            "Choose the customer level",
        );
        let server = id_choice(
            errors,
            "server_id",
            &self.server_id,
            "Choose the server the account is hosted on",
        );
        (level.map(LevelId::new), server.map(ServerId::new))
    }

    /// A cancellation needs the original rep (or "Unknown"); a refund alone does not.
    fn rep_choice(
        &self,
        errors: &mut FieldErrors,
        request: Option<RequestKind>,
    ) -> Option<RepChoice> {
        match self.original_rep.trim() {
            "" if request.is_some_and(|r| r.includes_cancellation()) => {
                errors.add("original_rep", "Choose the original sales rep, or Unknown");
                None
            }
            "" | UNKNOWN_REP => Some(RepChoice::Unknown),
            id => match id.parse::<StaffId>() {
                Ok(id) => Some(RepChoice::Staff(id)),
                Err(_) => {
                    errors.add(
                        "original_rep",
                        "Choose a sales rep from the list, or Unknown",
                    );
                    None
                }
            },
        }
    }

    /// SPEC §8: a cancellation needs a reason for leaving; a refund alone
    /// does not store one, whatever was chosen.
    fn reason(&self, errors: &mut FieldErrors, request: Option<RequestKind>) -> Option<ReasonId> {
        if !request.is_some_and(|r| r.includes_cancellation()) {
            return None;
        }
        id_choice(
            errors,
            "reason_id",
            &self.reason_id,
            "Choose the customer's reason for leaving",
        )
        .map(ReasonId::new)
    }

    /// R2, R3: a refund's amount and why the customer is entitled to it;
    /// a request without a refund must not carry an amount.
    fn refund(&self, errors: &mut FieldErrors, kind: RequestKind) -> Option<RefundRequest> {
        if !kind.includes_refund() {
            if !self.refund_amount.trim().is_empty() {
                errors.add(
                    "refund_amount",
                    format!(
                        "The request is “{}”: choose “Cancel account and refund” or clear the refund amount",
                        kind.label()
                    ),
                );
            }
            return None;
        }
        let amount = required(
            errors,
            "refund_amount",
            &self.refund_amount,
            "Enter the refund amount",
        )
        .and_then(|text| errors.check("refund_amount", RefundAmount::parse(text)));
        let reason = optional_text(errors, "refund_reason", &self.refund_reason, TEXT_MAX_CHARS);
        if reason.is_none() && errors.get("refund_reason").is_none() {
            errors.add(
                "refund_reason",
                "Say why the customer is entitled to the refund (R3)",
            );
        }
        amount
            .zip(reason)
            .map(|(amount, reason)| RefundRequest { amount, reason })
    }

    /// The form's one-time token (a fresh one if it was lost on the way).
    fn token(&self) -> String {
        if self.submission_token.trim().is_empty() {
            new_token()
        } else {
            self.submission_token.chars().take(64).collect()
        }
    }
}

const AR_MISSING: &str = "Enter the A/R balance (0 if none, negative for a credit)";
const REQUEST_MISSING: &str = "Choose what the customer asks for";

/// The text, or `missing` beside the field when there is none.
fn required<'a>(
    errors: &mut FieldErrors,
    field: &'static str,
    value: &'a str,
    missing: &str,
) -> Option<&'a str> {
    if value.trim().is_empty() {
        errors.add(field, missing);
        None
    } else {
        Some(value)
    }
}

fn id_choice(
    errors: &mut FieldErrors,
    field: &'static str,
    value: &str,
    missing: &str,
) -> Option<i32> {
    let value = value.trim();
    if value.is_empty() {
        errors.add(field, missing);
        return None;
    }
    match value.parse::<i32>() {
        Ok(id) if id > 0 => Some(id),
        _ => {
            errors.add(field, "Choose one of the options in the list");
            None
        }
    }
}

fn optional_text(
    errors: &mut FieldErrors,
    field: &'static str,
    value: &str,
    max: usize,
) -> Option<String> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    if value.chars().count() > max {
        errors.add(field, format!("Keep it under {max} characters"));
        return None;
    }
    if has_control_characters(value) {
        errors.add(field, "Remove the control characters from the text");
        return None;
    }
    Some(value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> NewCaseForm {
        NewCaseForm {
            customer_name: "Dana Smith".into(),
            account_id: "ACME-1".into(),
            level_id: "1".into(),
            server_id: "1".into(),
            ar_balance: "$1,250.00".into(),
            original_rep: "unknown".into(),
            request: "cancel_and_refund".into(),
            reason_id: "1".into(),
            refund_amount: "250".into(),
            refund_reason: "Charged twice".into(),
            submission_token: "t".into(),
            ..NewCaseForm::default()
        }
    }

    #[test]
    fn a_complete_form_parses() {
        let submission = valid().parse().unwrap();
        assert_eq!(submission.ar_balance.to_string(), "$1,250.00");
        assert_eq!(submission.refund.unwrap().amount.to_string(), "$250.00");
    }

    #[test]
    fn each_bad_field_gets_its_own_message() {
        let form = NewCaseForm {
            customer_name: "   ".into(),
            ar_balance: "abc".into(),
            refund_amount: "12.345".into(),
            refund_reason: String::new(),
            level_id: "x".into(),
            ..valid()
        };
        let errors = form.parse().unwrap_err();
        for field in [
            "customer_name",
            "ar_balance",
            "refund_amount",
            "refund_reason",
            "level_id",
        ] {
            assert!(errors.get(field).is_some(), "{field}");
        }
    }

    #[test]
    fn a_refund_must_be_over_zero_and_the_ar_may_be_negative() {
        let form = NewCaseForm {
            refund_amount: "-5".into(),
            ar_balance: "-50".into(),
            ..valid()
        };
        let errors = form.parse().unwrap_err();
        assert!(errors.get("refund_amount").is_some());
        assert!(errors.get("ar_balance").is_none());
    }

    #[test]
    fn a_cancellation_needs_a_rep_choice_but_a_refund_does_not() {
        let form = NewCaseForm {
            original_rep: String::new(),
            request: "cancel".into(),
            refund_amount: String::new(),
            ..valid()
        };
        assert!(form.parse().unwrap_err().get("original_rep").is_some());
        let form = NewCaseForm {
            original_rep: String::new(),
            request: "refund".into(),
            ..valid()
        };
        assert!(form.parse().is_ok());
    }

    #[test]
    fn a_cancellation_needs_a_reason_and_a_refund_alone_stores_none() {
        let form = NewCaseForm {
            reason_id: String::new(),
            ..valid()
        };
        assert!(form.parse().unwrap_err().get("reason_id").is_some());
        let form = NewCaseForm {
            reason_id: "x".into(),
            ..valid()
        };
        assert!(form.parse().unwrap_err().get("reason_id").is_some());
        let form = NewCaseForm {
            request: "refund".into(),
            ..valid()
        };
        assert_eq!(form.parse().unwrap().reason, None);
        assert_eq!(valid().parse().unwrap().reason, Some(ReasonId::new(1)));
    }
}
