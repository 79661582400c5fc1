//! The new-case form: kept as typed, parsed into a `CaseSubmission`.

use serde::{Deserialize, Serialize};

use crate::domain::{
    AccountId, CustomerName, LevelId, Money, RefundAmount, RequestKind, ServerId, StaffId,
    has_control_characters,
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
        let support_ticket = optional_text(
            &mut errors,
            "support_ticket",
            &self.support_ticket,
            TICKET_MAX_CHARS,
        );
        let level_id = id_choice(
            &mut errors,
            "level_id",
            &self.level_id,
            "Choose the customer level",
        )
        .map(LevelId::new);
        let server_id = id_choice(
            &mut errors,
            "server_id",
            &self.server_id,
            "Choose the server the account is hosted on",
        )
        .map(ServerId::new);
        let ar_balance = if self.ar_balance.trim().is_empty() {
            errors.add(
                "ar_balance",
                "Enter the A/R balance (0 if none, negative for a credit)",
            );
            None
        } else {
            errors.check("ar_balance", Money::parse(&self.ar_balance))
        };
        let request = if self.request.is_empty() {
            errors.add("request", "Choose what the customer asks for");
            None
        } else {
            errors.check("request", RequestKind::parse(&self.request))
        };
        let original_rep = match self.original_rep.trim() {
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
        };
        let refund = match request {
            Some(kind) if kind.includes_refund() => {
                let amount = if self.refund_amount.trim().is_empty() {
                    errors.add("refund_amount", "Enter the refund amount");
                    None
                } else {
                    errors.check("refund_amount", RefundAmount::parse(&self.refund_amount))
                };
                let reason = optional_text(
                    &mut errors,
                    "refund_reason",
                    &self.refund_reason,
                    TEXT_MAX_CHARS,
                );
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
            Some(kind) => {
                if !self.refund_amount.trim().is_empty() {
                    errors.add(
                        "refund_amount",
                        format!(
                            "The request is “{}”: choose “Cancel account and refund” or clear the refund amount",
                            kind.label()
                        ),
                    );
                }
                None
            }
            None => None,
        };
        let notes = optional_text(&mut errors, "notes", &self.notes, TEXT_MAX_CHARS);
        let token = if self.submission_token.trim().is_empty() {
            new_token()
        } else {
            self.submission_token.chars().take(64).collect()
        };
        match (
            customer_name,
            account_id,
            level_id,
            server_id,
            ar_balance,
            original_rep,
            request,
        ) {
            (
                Some(customer_name),
                Some(account_id),
                Some(level_id),
                Some(server_id),
                Some(ar_balance),
                Some(original_rep),
                Some(request),
            ) if errors.is_empty() => Ok(CaseSubmission {
                customer_name,
                account_id,
                support_ticket,
                level_id,
                server_id,
                ar_balance,
                original_rep,
                request,
                refund,
                notes,
                submit_anyway: self.submit_anyway(),
                token,
            }),
            _ => Err(errors),
        }
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
}
