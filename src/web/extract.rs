//! Who is calling. Handlers take `Signed<Roles>`: a route cannot forget to
//! ask, and a role not listed is refused (deny by default).

use std::future::Future;
use std::marker::PhantomData;
use std::ops::Deref;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};

use crate::domain::Role;
use crate::services::account::current_user::signed_in_person;
use crate::state::AppState;

use super::client_address::client_address;
use super::current_user::CurrentUser;
use super::errors::AppError;
use super::session::TypedSession;

impl FromRequest for CurrentUser {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<CurrentUser, AppError>>>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            if let Some(user) = req.extensions().get::<CurrentUser>() {
                return Ok(user.clone());
            }
            let session = TypedSession::extract(&req)
                .await
                .map_err(|_| AppError::SignedOut)?;
            let staff_id = session.staff_id().ok_or(AppError::SignedOut)?;
            let state = req
                .app_data::<web::Data<AppState>>()
                .ok_or_else(|| AppError::Unexpected(anyhow::anyhow!("app state missing")))?;
            let Some(person) = signed_in_person(state, staff_id).await? else {
                session.sign_out();
                return Err(AppError::SignedOut);
            };
            let user = CurrentUser::from(person);
            req.extensions_mut().insert(user.clone());
            Ok(user)
        })
    }
}

/// The roles allowed on a route.
pub trait Roles {
    const ALLOWED: &'static [Role];
}

macro_rules! role_set {
    ($(#[$doc:meta])* $name:ident => [$($role:expr),+ $(,)?]) => {
        $(#[$doc])*
        pub struct $name;
        impl Roles for $name {
            const ALLOWED: &'static [Role] = &[$($role),+];
        }
    };
}

role_set!(
    /// Every signed-in role.
    Anyone => [Role::Agent, Role::SalesRep, Role::RetentionOwner, Role::Billing, Role::Admin]);
role_set!(Agents => [Role::Agent]);
role_set!(
    /// Who may list and search cases (SPEC §4 `GET /cases`).
    CaseListers => [Role::Agent, Role::RetentionOwner, Role::Billing, Role::Admin]);
role_set!(
    /// Who works save tasks.
    TaskWorkers => [Role::SalesRep, Role::RetentionOwner]);
role_set!(RetentionOwners => [Role::RetentionOwner]);
role_set!(BillingStaff => [Role::Billing]);
role_set!(Admins => [Role::Admin]);
role_set!(
    /// Who sees `/reports` (SPEC §9).
    ReportReaders => [Role::RetentionOwner, Role::Billing, Role::Admin]);
role_set!(
    /// Who may export cases as CSV.
    Exporters => [Role::Billing, Role::Admin]);

/// A signed-in person whose role is in `R`; anyone else gets 403.
pub struct Signed<R: Roles> {
    pub user: CurrentUser,
    _roles: PhantomData<R>,
}

impl<R: Roles> Deref for Signed<R> {
    type Target = CurrentUser;
    fn deref(&self) -> &CurrentUser {
        &self.user
    }
}

impl<R: Roles + 'static> FromRequest for Signed<R> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Signed<R>, AppError>>>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let user = CurrentUser::extract(&req).await?;
            if !R::ALLOWED.contains(&user.role) {
                let address = client_address(&req);
                tracing::warn!(username = %user.username, address = %address, path = %req.path(), "403: not part of the role");
                return Err(AppError::Forbidden);
            }
            Ok(Signed {
                user,
                _roles: PhantomData,
            })
        })
    }
}
