//! The reference screens (`/admin/servers`, `/admin/levels`) share one
//! implementation: a table of every item with a change form and "Retire"
//! per row, an add form below, and a refusal shown beside the form it
//! belongs to. Each screen says only what differs (`ReferenceScreen`).

use std::future::Future;
use std::ops::Deref;

use actix_web::{HttpResponse, web};
use askama::Template;

use crate::services::admin::reference::{self, ReferenceItem};
use crate::services::{Actor, FieldErrors, ServiceError};
use crate::state::AppState;
use crate::web::answer::with_flash;
use crate::web::errors::{AppError, Shown, render};
use crate::web::extract::Admins;
use crate::web::layout::Layout;
use crate::web::visit::{Visit, VisitBy};

use super::{EmptyForm, when};

/// What one reference screen adds to the shared page.
pub trait ReferenceScreen: ReferenceItem {
    /// Where the screen lives and where its forms post.
    const PATH: &'static str;
    /// The add form as typed.
    type AddForm: Default + Clone;
    /// A row's change form as typed.
    type RowForm: Clone;
    /// The page template, which derefs to the shared view.
    type Page: Template + Deref<Target = ReferenceView<Self>>;

    fn page(view: ReferenceView<Self>) -> Self::Page;

    /// "Add …": parses the form, runs the service, and says what was done.
    fn add(
        app: &AppState,
        actor: Actor,
        form: &Self::AddForm,
    ) -> impl Future<Output = Result<String, ServiceError>>;

    /// A row's change form: parses it, runs the service, says what was done.
    fn change(
        app: &AppState,
        actor: Actor,
        id: Self::Id,
        form: &Self::RowForm,
    ) -> impl Future<Output = Result<String, ServiceError>>;
}

/// One row of the table.
pub struct Line<T: ReferenceScreen> {
    pub row: T,
    pub retired: Option<String>,
    /// What was typed into this row's change form when it was refused.
    pub typed: Option<T::RowForm>,
    pub errors: FieldErrors,
}

impl<T: ReferenceScreen> Line<T>
where
    T::Id: PartialEq,
{
    /// The row, with what was typed and refused when `refused` names it.
    fn new(
        row: T,
        zone: chrono_tz::Tz,
        refused: Option<&(T::Id, T::RowForm, FieldErrors)>,
    ) -> Self {
        let refused = refused.filter(|(id, ..)| *id == row.id());
        Line {
            retired: row.retired_at().map(|at| when(at, zone)),
            typed: refused.map(|(_, typed, _)| typed.clone()),
            errors: refused.map(|(.., e)| e.clone()).unwrap_or_default(),
            row,
        }
    }
}

impl<T: ReferenceScreen> ReferenceView<T> {
    /// Where the screen's forms post (`admin/reference.html`).
    pub fn path(&self) -> &'static str {
        T::PATH
    }

    /// "In service", "In use": the badge of a row not retired.
    pub fn active_word(&self) -> String {
        let active = T::ACTIVE;
        active[..1].to_uppercase() + &active[1..]
    }

    /// "Retire server", "Retire level".
    pub fn retire_label(&self) -> String {
        format!("Retire {}", T::NOUN)
    }
}

/// Everything the shared part of a reference page shows.
pub struct ReferenceView<T: ReferenceScreen> {
    pub layout: Layout,
    pub notice: Option<String>,
    pub error: Option<String>,
    pub lines: Vec<Line<T>>,
    pub form: T::AddForm,
    pub errors: FieldErrors,
}

/// Which form a refusal belongs to: the add form, or one row's.
pub enum Target<T: ReferenceScreen> {
    Add(T::AddForm),
    Row(T::Id, T::RowForm),
    Page,
}

pub async fn reference_page<T: ReferenceScreen>(
    visit: &Visit,
    shown: Shown,
    target: Target<T>,
) -> Result<HttpResponse, AppError>
where
    T::Id: PartialEq,
{
    let rows = reference::list::<T>(&visit.state, visit.actor()).await?;
    let zone = visit.state.settings.timezone;
    let (form, form_errors, row_target) = match target {
        Target::Add(typed) => (typed, shown.errors, None),
        Target::Row(id, typed) => (
            T::AddForm::default(),
            FieldErrors::default(),
            Some((id, typed, shown.errors)),
        ),
        Target::Page => (T::AddForm::default(), FieldErrors::default(), None),
    };
    let lines = rows
        .into_iter()
        .map(|row| Line::new(row, zone, row_target.as_ref()))
        .collect();
    let view = ReferenceView {
        layout: visit.layout(),
        notice: visit.session.take_flash(),
        error: shown.message,
        lines,
        form,
        errors: form_errors,
    };
    render(shown.status, &T::page(view))
}

/// A 303 back to the screen with `notice`, or the screen again with the
/// refusal beside `target`'s form.
pub async fn after<T: ReferenceScreen, V>(
    visit: &Visit,
    result: Result<V, ServiceError>,
    notice: impl FnOnce(V) -> String,
    target: Target<T>,
) -> Result<HttpResponse, AppError>
where
    T::Id: PartialEq,
{
    with_flash(&visit.session, result, notice, T::PATH, |shown| {
        reference_page(visit, shown, target)
    })
    .await
}

/// `GET`: the screen.
pub async fn list<T: ReferenceScreen>(visit: VisitBy<Admins>) -> Result<HttpResponse, AppError>
where
    T::Id: PartialEq,
{
    reference_page::<T>(&visit, Shown::nothing(), Target::Page).await
}

/// "Retire": old cases keep the item, new cases cannot choose it.
pub async fn retire<T: ReferenceScreen>(
    visit: VisitBy<Admins>,
    path: web::Path<T::Id>,
    _form: web::Form<EmptyForm>,
) -> Result<HttpResponse, AppError>
where
    T::Id: PartialEq,
{
    let result = reference::retire::<T>(&visit.state, visit.actor(), path.into_inner()).await;
    let notice = |item: T| {
        let noun = T::NOUN;
        let capitalised = noun[..1].to_uppercase() + &noun[1..];
        format!(
            "{capitalised} {} was retired: old cases keep it, new cases cannot choose it.",
            item.name()
        )
    };
    after::<T, T>(&visit, result, notice, Target::Page).await
}

/// "Add …": a 303 with the notice, or the page again with the refusal
/// beside the add form.
pub async fn add<T: ReferenceScreen>(
    visit: VisitBy<Admins>,
    web::Form(form): web::Form<T::AddForm>,
) -> Result<HttpResponse, AppError>
where
    T::Id: PartialEq,
{
    let result = T::add(&visit.state, visit.actor(), &form).await;
    after(&visit, result, |notice| notice, Target::<T>::Add(form)).await
}

/// A row's change form; a row that does not exist is 404, whatever was typed.
pub async fn change<T: ReferenceScreen>(
    visit: VisitBy<Admins>,
    path: web::Path<T::Id>,
    web::Form(form): web::Form<T::RowForm>,
) -> Result<HttpResponse, AppError>
where
    T::Id: PartialEq,
{
    let id = path.into_inner();
    reference::find::<T>(&visit.state, visit.actor(), id).await?;
    let result = T::change(&visit.state, visit.actor(), id, &form).await;
    after(&visit, result, |notice| notice, Target::<T>::Row(id, form)).await
}
