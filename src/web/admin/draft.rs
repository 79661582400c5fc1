//! The "Try a draft" form (SPEC §10) as sent and as shown again: on
//! `/admin/policy` and on the preview page. Its route selects are one per
//! level in use (`route_{id}`), so it is read from the name-value pairs
//! rather than a fixed struct; unknown and repeated names are refused as
//! other forms' are (400).

use chrono::NaiveDate;

use crate::domain::{CancellationRoute, LevelId, Money};
use crate::procedure::Policy;
use crate::services::FieldErrors;
use crate::services::admin::replay::{Draft, DraftLevel, Period, Preview};
use crate::web::errors::AppError;

/// `1,000.00`: how a limit is pre-filled (Money's Display without the `$`).
pub fn prefill(money: Money) -> String {
    money.to_string().replacen('$', "", 1)
}

/// The route select's options.
pub fn route_choices() -> Vec<(&'static str, &'static str)> {
    CancellationRoute::ALL
        .iter()
        .map(|r| (r.as_str(), r.label()))
        .collect()
}

/// One "Draft route for {level}" select.
pub struct RouteField {
    pub name: String,
    pub label: String,
    pub value: String,
}

/// The draft form's values as shown.
pub struct DraftFields {
    pub ar_limit: String,
    pub refund_review_limit: String,
    pub routes: Vec<RouteField>,
    pub from: String,
    pub to: String,
}

impl DraftFields {
    fn new(limits: (Money, Money), levels: &[DraftLevel], period: Period) -> DraftFields {
        DraftFields {
            ar_limit: prefill(limits.0),
            refund_review_limit: prefill(limits.1),
            routes: levels
                .iter()
                .map(|l| RouteField {
                    name: format!("route_{}", l.id),
                    label: format!("Draft route for {}", l.name),
                    value: l.draft.as_str().to_owned(),
                })
                .collect(),
            from: period.from.to_string(),
            to: period.to.to_string(),
        }
    }

    /// Today's policy and routes, the last 90 days.
    pub fn start(current: &Policy, levels: &[DraftLevel], period: Period) -> DraftFields {
        let limits = (current.ar_limit, current.refund_review_limit);
        DraftFields::new(limits, levels, period)
    }

    /// The values just previewed.
    pub fn previewed(preview: &Preview) -> DraftFields {
        let d = &preview.draft;
        let limits = (d.ar_limit, d.refund_review_limit);
        DraftFields::new(limits, &d.levels, preview.period)
    }

    /// The form as typed (refused), on top of today's values.
    pub fn typed(form: &DraftForm, start: DraftFields) -> DraftFields {
        let or = |typed: &Option<String>, start: String| typed.clone().unwrap_or(start);
        DraftFields {
            ar_limit: or(&form.ar_limit, start.ar_limit),
            refund_review_limit: or(&form.refund_review_limit, start.refund_review_limit),
            routes: start
                .routes
                .into_iter()
                .map(|mut field| {
                    if let Some((_, typed)) = form.routes.iter().find(|(n, _)| *n == field.name) {
                        field.value = typed.clone();
                    }
                    field
                })
                .collect(),
            from: or(&form.from, start.from),
            to: or(&form.to, start.to),
        }
    }

    /// The hidden fields of "Save this policy": exactly these values, and
    /// the policy version they were previewed against.
    pub fn hidden(&self, based_on: &str) -> Vec<(String, String)> {
        let mut fields = vec![
            ("draft_ar_limit".to_owned(), self.ar_limit.clone()),
            (
                "draft_refund_review_limit".to_owned(),
                self.refund_review_limit.clone(),
            ),
        ];
        fields.extend(
            self.routes
                .iter()
                .map(|r| (r.name.clone(), r.value.clone())),
        );
        fields.push(("from".to_owned(), self.from.clone()));
        fields.push(("to".to_owned(), self.to.clone()));
        fields.push(("based_on".to_owned(), based_on.to_owned()));
        fields
    }
}

/// The draft as sent (the preview's query, or "Save this policy"). A field
/// left out keeps today's value.
#[derive(Debug, Clone, Default)]
pub struct DraftForm {
    pub ar_limit: Option<String>,
    pub refund_review_limit: Option<String>,
    /// `(route_{id}, value)`.
    pub routes: Vec<(String, String)>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub based_on: Option<String>,
}

impl DraftForm {
    /// Sorts the pairs into the form's fields; an unknown or repeated name
    /// is a malformed form.
    pub fn read(pairs: Vec<(String, String)>) -> Result<DraftForm, AppError> {
        let mut form = DraftForm::default();
        for (name, value) in pairs {
            let slot = match name.as_str() {
                "draft_ar_limit" => &mut form.ar_limit,
                "draft_refund_review_limit" => &mut form.refund_review_limit,
                "from" => &mut form.from,
                "to" => &mut form.to,
                "based_on" => &mut form.based_on,
                route if route.starts_with("route_") => {
                    if form.routes.iter().any(|(n, _)| *n == name) {
                        return Err(AppError::BadForm(format!("{name} given twice")));
                    }
                    form.routes.push((name, value));
                    continue;
                }
                _ => return Err(AppError::BadForm(format!("unknown field {name}"))),
            };
            if slot.replace(value).is_some() {
                return Err(AppError::BadForm(format!("{name} given twice")));
            }
        }
        Ok(form)
    }

    /// The draft and the period in domain types, or the messages beside
    /// the fields.
    pub fn parse(&self) -> Result<(Draft, Option<Period>), FieldErrors> {
        let mut errors = FieldErrors::default();
        let mut limit = |field: &'static str, typed: &Option<String>| {
            typed
                .as_deref()
                .and_then(|text| errors.check(field, Money::parse(text)))
        };
        let ar_limit = limit("draft_ar_limit", &self.ar_limit);
        let refund_review_limit = limit("draft_refund_review_limit", &self.refund_review_limit);
        let mut routes = Vec::new();
        for (name, value) in &self.routes {
            let id = name["route_".len()..].parse::<LevelId>();
            match (id, CancellationRoute::parse(value)) {
                (Ok(id), Ok(route)) => routes.push((id, route)),
                _ => errors.add(
                    "routes",
                    "Choose a route for each level: Essentials, Check A/R or Sales call",
                ),
            }
        }
        let period = self.period(&mut errors);
        let draft = Draft {
            ar_limit,
            refund_review_limit,
            routes,
        };
        if errors.is_empty() {
            Ok((draft, period))
        } else {
            Err(errors)
        }
    }

    fn period(&self, errors: &mut FieldErrors) -> Option<Period> {
        if self.from.is_none() && self.to.is_none() {
            return None;
        }
        let mut day = |field: &'static str, typed: &Option<String>| {
            let text = typed.as_deref().unwrap_or_default().trim();
            let parsed = NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map_err(|_| "Enter a date like 2026-11-30");
            errors.check(field, parsed)
        };
        let from = day("from", &self.from);
        let to = day("to", &self.to);
        Some(Period {
            from: from?,
            to: to?,
        })
    }

    /// The policy version "Save this policy" was previewed against.
    pub fn based_on(&self) -> Result<String, FieldErrors> {
        self.based_on
            .clone()
            .filter(|v| !v.trim().is_empty())
            .ok_or_else(|| {
                FieldErrors::one(
                    FieldErrors::WHOLE_FORM,
                    "This form does not say which policy it was previewed against: preview the draft again",
                )
            })
    }
}
