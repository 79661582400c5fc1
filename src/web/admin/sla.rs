//! `/admin/sla`: the service levels (SPEC §11), saved as a whole each time.

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::Weekday;
use serde::Deserialize;

use crate::domain::{ServiceLevels, ServiceLevelsForm, WorkingDays, WorkingHoursForm};
use crate::services::FieldErrors;
use crate::services::admin::service_levels::{current, save};
use crate::web::answer::with_flash;
use crate::web::errors::{AppError, Shown, render};
use crate::web::extract::Admins;
use crate::web::layout::Layout;
use crate::web::visit::{Visit, VisitBy};

/// The form's day checkboxes: field name, label, day.
const DAYS: [(&str, &str, Weekday); 7] = [
    ("monday", "Monday", Weekday::Mon),
    ("tuesday", "Tuesday", Weekday::Tue),
    ("wednesday", "Wednesday", Weekday::Wed),
    ("thursday", "Thursday", Weekday::Thu),
    ("friday", "Friday", Weekday::Fri),
    ("saturday", "Saturday", Weekday::Sat),
    ("sunday", "Sunday", Weekday::Sun),
];

#[derive(Template)]
#[template(path = "admin/sla.html")]
struct SlaPage {
    layout: Layout,
    notice: Option<String>,
    error: Option<String>,
    form: SlaForm,
    errors: FieldErrors,
    zone: String,
}

impl SlaPage {
    /// (name, label, ticked) for each day, Monday first.
    fn days(&self) -> Vec<(&'static str, &'static str, bool)> {
        let ticked = self.form.working_days();
        DAYS.iter()
            .map(|(name, label, day)| (*name, *label, ticked.contains(*day)))
            .collect()
    }
}

async fn sla_page(
    visit: &Visit,
    shown: Shown,
    typed: Option<SlaForm>,
) -> Result<HttpResponse, AppError> {
    let form = match typed {
        Some(form) => form,
        None => SlaForm::from(&current(&visit.state, visit.actor()).await?),
    };
    let page = SlaPage {
        layout: visit.layout(),
        notice: visit.session.take_flash(),
        error: shown.message,
        form,
        errors: shown.errors,
        zone: visit.state.settings.timezone.name().to_owned(),
    };
    render(shown.status, &page)
}

pub async fn show(visit: VisitBy<Admins>) -> Result<HttpResponse, AppError> {
    sla_page(&visit, Shown::nothing(), None).await
}

/// The form as posted: a ticked day is present, an unticked one absent.
#[derive(Deserialize, Clone, Default)]
#[serde(deny_unknown_fields)]
pub struct SlaForm {
    #[serde(default)]
    pub save_call_hours: String,
    #[serde(default)]
    pub refund_hours: String,
    #[serde(default)]
    pub review_refund_hours: String,
    #[serde(default)]
    pub warn_hours: String,
    pub monday: Option<String>,
    pub tuesday: Option<String>,
    pub wednesday: Option<String>,
    pub thursday: Option<String>,
    pub friday: Option<String>,
    pub saturday: Option<String>,
    pub sunday: Option<String>,
    #[serde(default)]
    pub day_starts: String,
    #[serde(default)]
    pub day_ends: String,
    #[serde(default)]
    pub holidays: String,
}

impl SlaForm {
    fn working_days(&self) -> WorkingDays {
        let ticked = [
            &self.monday,
            &self.tuesday,
            &self.wednesday,
            &self.thursday,
            &self.friday,
            &self.saturday,
            &self.sunday,
        ];
        DAYS.iter()
            .zip(ticked)
            .filter(|(_, value)| value.is_some())
            .map(|((_, _, day), _)| *day)
            .collect()
    }

    fn parsed(&self) -> ServiceLevelsForm<'_> {
        ServiceLevelsForm {
            save_call_hours: &self.save_call_hours,
            refund_hours: &self.refund_hours,
            review_refund_hours: &self.review_refund_hours,
            warn_hours: &self.warn_hours,
            hours: WorkingHoursForm {
                working_days: self.working_days(),
                day_starts: &self.day_starts,
                day_ends: &self.day_ends,
                holidays: &self.holidays,
            },
        }
    }
}

impl From<&ServiceLevels> for SlaForm {
    fn from(levels: &ServiceLevels) -> SlaForm {
        let days = levels.hours.working_days();
        let tick = |day: Weekday| days.contains(day).then(|| "on".to_owned());
        SlaForm {
            save_call_hours: levels.save_call_hours.to_string(),
            refund_hours: levels.refund_hours.to_string(),
            review_refund_hours: levels.review_refund_hours.to_string(),
            warn_hours: levels.warn_hours.to_string(),
            monday: tick(Weekday::Mon),
            tuesday: tick(Weekday::Tue),
            wednesday: tick(Weekday::Wed),
            thursday: tick(Weekday::Thu),
            friday: tick(Weekday::Fri),
            saturday: tick(Weekday::Sat),
            sunday: tick(Weekday::Sun),
            day_starts: levels.hours.day_starts_text(),
            day_ends: levels.hours.day_ends_text(),
            holidays: levels.hours.holidays_text(),
        }
    }
}

pub async fn save_levels(
    visit: VisitBy<Admins>,
    web::Form(form): web::Form<SlaForm>,
) -> Result<HttpResponse, AppError> {
    let result = save(&visit.state, visit.actor(), &form.parsed()).await;
    let notice = |_: ServiceLevels| {
        "Service levels saved: new save tasks and refunds get their due times from them.".to_owned()
    };
    with_flash(&visit.session, result, notice, "/admin/sla", |shown| {
        sla_page(&visit, shown, Some(form))
    })
    .await
}
