//! What a signed-in person's handler works with, as one parameter: the app,
//! the person (their role checked as `Signed<R>` checks it) and their
//! session. The page helpers behind the handlers take `&Visit`, whatever
//! the route's roles.

use std::future::Future;
use std::marker::PhantomData;
use std::ops::Deref;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};

use crate::services::Actor;
use crate::state::AppState;

use super::current_user::CurrentUser;
use super::errors::AppError;
use super::extract::{Roles, Signed};
use super::layout::Layout;
use super::session::TypedSession;

/// A signed-in person's request, with what every page of theirs needs.
pub struct Visit {
    pub state: web::Data<AppState>,
    pub user: CurrentUser,
    pub session: TypedSession,
}

impl Visit {
    /// The person as the services know them.
    pub fn actor(&self) -> Actor {
        self.user.actor()
    }

    /// The page frame: the person, their role's links, the CSRF token.
    pub fn layout(&self) -> Layout {
        Layout::signed_in(&self.user, &self.session)
    }
}

/// A `Visit` by someone whose role is in `R`; anyone else gets 403 and a
/// signed-out caller is sent to sign in, exactly as with `Signed<R>`.
pub struct VisitBy<R: Roles> {
    visit: Visit,
    _roles: PhantomData<R>,
}

impl<R: Roles> Deref for VisitBy<R> {
    type Target = Visit;
    fn deref(&self) -> &Visit {
        &self.visit
    }
}

impl<R: Roles + 'static> FromRequest for VisitBy<R> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<VisitBy<R>, AppError>>>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let signed = Signed::<R>::extract(&req).await?;
            let session = TypedSession::extract(&req)
                .await
                .map_err(|_| AppError::SignedOut)?;
            let state = req
                .app_data::<web::Data<AppState>>()
                .cloned()
                .ok_or_else(|| AppError::Unexpected(anyhow::anyhow!("app state missing")))?;
            Ok(VisitBy {
                visit: Visit {
                    state,
                    user: signed.user,
                    session,
                },
                _roles: PhantomData,
            })
        })
    }
}
