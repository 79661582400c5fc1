//! Who is calling. Handlers take `Signed<Roles>`: a route cannot forget to
//! ask, and a role not listed is refused (deny by default).

use std::future::Future;
use std::marker::PhantomData;
use std::ops::Deref;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};

use crate::db::models::staff::StaffRow;
use crate::domain::Role;
use crate::services::ServiceError;
use crate::services::case_actions::Actor;
use crate::state::AppState;

use super::errors::AppError;
use super::session::TypedSession;

/// The signed-in staff member, checked against the database on every request
/// (a departed person's live session stops working at once).
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: i32,
    pub username: String,
    pub full_name: String,
    pub role: Role,
}

impl CurrentUser {
    /// The person as the services know them.
    pub fn actor(&self) -> Actor {
        Actor {
            id: self.id,
            role: self.role,
        }
    }
}

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
            let row = state
                .db
                .read(move |conn| StaffRow::find(conn, staff_id).map_err(ServiceError::from))
                .await;
            let row = match row {
                Ok(row) => row,
                Err(ServiceError::NotFound) => {
                    session.sign_out();
                    return Err(AppError::SignedOut);
                }
                Err(other) => return Err(other.into()),
            };
            if row.departed_at.is_some() {
                session.sign_out();
                return Err(AppError::SignedOut);
            }
            let role = Role::parse(&row.role).map_err(|_| {
                AppError::Unexpected(anyhow::anyhow!(
                    "unknown role {:?} in the database",
                    row.role
                ))
            })?;
            let user = CurrentUser {
                id: row.id,
                username: row.username,
                full_name: row.full_name,
                role,
            };
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
                let address = super::client_address::client_address(&req);
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
