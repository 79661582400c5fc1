//! The two cookies besides the session's, both signed with the session
//! key so that nobody can make up their values:
//!
//! - the sign-in form's CSRF token (a double submit: the same token in the
//!   cookie and in the form), so that a stranger's browser gets no session
//!   row just for opening the sign-in page;
//! - the browser's id, set at sign-in, under which a case typed while the
//!   sign-in expired is parked, so that it is given back to that browser only.

use actix_web::HttpRequest;
use actix_web::cookie::{Cookie, CookieJar, Key, SameSite};

use super::session::new_token;

/// How long a browser is remembered for a parked form: a day beyond the
/// longest session.
const BROWSER_MAX_AGE_HOURS: i64 = 36;

fn name(base: &'static str, secure: bool) -> String {
    if secure {
        format!("__Host-{base}")
    } else {
        base.to_owned()
    }
}

fn signed_value(req: &HttpRequest, key: &Key, cookie_name: &str) -> Option<String> {
    let cookie = req.cookie(cookie_name)?;
    let mut jar = CookieJar::new();
    jar.add_original(cookie);
    jar.signed(key)
        .get(cookie_name)
        .map(|c| c.value().to_owned())
}

fn signed_cookie(key: &Key, cookie_name: String, value: String, secure: bool) -> Cookie<'static> {
    let mut cookie = Cookie::build(cookie_name, value)
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .finish();
    let mut jar = CookieJar::new();
    jar.signed_mut(key).add(cookie.clone());
    if let Some(signed) = jar.get(cookie.name()) {
        cookie.set_value(signed.value().to_owned());
    }
    cookie
}

/// The sign-in form's token this browser holds, if its cookie is genuine.
pub fn login_token(req: &HttpRequest, key: &Key, secure: bool) -> Option<String> {
    signed_value(req, key, &name("rd_login", secure))
}

/// The browser's sign-in form token, or a new one with the cookie to set.
pub fn login_token_or_new(
    req: &HttpRequest,
    key: &Key,
    secure: bool,
) -> (String, Option<Cookie<'static>>) {
    match login_token(req, key, secure) {
        Some(token) => (token, None),
        None => {
            let token = new_token();
            let cookie = signed_cookie(key, name("rd_login", secure), token.clone(), secure);
            (token, Some(cookie))
        }
    }
}

/// The id this browser was given at sign-in, if its cookie is genuine.
pub fn browser_id(req: &HttpRequest, key: &Key, secure: bool) -> Option<String> {
    signed_value(req, key, &name("rd_browser", secure))
}

/// The browser's id (kept when it has one), as a cookie to set at sign-in.
pub fn browser_cookie(req: &HttpRequest, key: &Key, secure: bool) -> Cookie<'static> {
    let id = browser_id(req, key, secure).unwrap_or_else(new_token);
    let mut cookie = signed_cookie(key, name("rd_browser", secure), id, secure);
    cookie.set_max_age(actix_web::cookie::time::Duration::hours(
        BROWSER_MAX_AGE_HOURS,
    ));
    cookie
}
