//! Typed access to the session: who is signed in, and the CSRF token.

use actix_session::{Session, SessionExt};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use rand::Rng;
use rand::distributions::Alphanumeric;
use std::future::{Ready, ready};

use crate::domain::StaffId;

use super::session_store::{ADDRESS_KEY, PUBLIC_ID_KEY, STAFF_ID_KEY};

const CSRF_KEY: &str = "csrf";
const FLASH_KEY: &str = "flash";

pub struct TypedSession(Session);

impl TypedSession {
    pub fn staff_id(&self) -> Option<StaffId> {
        self.0.get::<StaffId>(STAFF_ID_KEY).ok().flatten()
    }

    /// Signs in under a new session id and a new CSRF token (against
    /// fixation: nothing a stranger saw before the sign-in works after it).
    pub fn sign_in(
        &self,
        staff_id: StaffId,
        address: &str,
    ) -> Result<(), actix_session::SessionInsertError> {
        self.0.renew();
        self.0.remove(CSRF_KEY);
        self.0.insert(STAFF_ID_KEY, staff_id)?;
        self.0.insert(PUBLIC_ID_KEY, new_token())?;
        self.0.insert(ADDRESS_KEY, address)
    }

    /// What the person's own sessions page calls this session.
    pub fn public_id(&self) -> Option<String> {
        self.0.get::<String>(PUBLIC_ID_KEY).ok().flatten()
    }

    /// After a password change has ended every other session: this one
    /// continues under a new id.
    pub fn renew(&self) {
        self.0.renew();
    }

    pub fn sign_out(&self) {
        self.0.purge();
    }

    /// The synchronizer token of this session, created on first use. Stable
    /// for the session, so concurrent requests never race to replace it.
    pub fn csrf_token(&self) -> String {
        if let Ok(Some(token)) = self.0.get::<String>(CSRF_KEY) {
            return token;
        }
        let token = new_token();
        // Inserting a plain string cannot fail to serialize.
        let _ = self.0.insert(CSRF_KEY, &token);
        token
    }

    /// A one-line notice for the next page shown ("Riley was marked as departed").
    pub fn set_flash(&self, message: &str) {
        // Inserting a plain string cannot fail to serialize.
        let _ = self.0.insert(FLASH_KEY, message);
    }

    /// The notice set by the previous action, once.
    pub fn take_flash(&self) -> Option<String> {
        // Removing marks the session changed even when there was nothing to
        // remove, and a changed session is written back: ask first, so a
        // page without a notice costs no write.
        if !self.0.contains_key(FLASH_KEY) {
            return None;
        }
        self.0.remove_as::<String>(FLASH_KEY).and_then(Result::ok)
    }

    pub fn expected_csrf_token(session: &Session) -> Option<String> {
        session.get::<String>(CSRF_KEY).ok().flatten()
    }
}

pub fn new_token() -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(43)
        .map(char::from)
        .collect()
}

impl FromRequest for TypedSession {
    type Error = actix_web::Error;
    type Future = Ready<Result<TypedSession, actix_web::Error>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        ready(Ok(TypedSession(req.get_session())))
    }
}
