//! Password hashing: argon2id with the parameters of SPEC §7, off the async
//! workers and behind a semaphore so a login flood cannot take every core or
//! allocate 19 MiB per request without bound.

use std::sync::Arc;

use anyhow::Context;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

/// A password as typed. Its Debug output is redacted so it never reaches a log.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub fn new(text: String) -> Password {
        Password(text)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(redacted)")
    }
}

pub const MIN_PASSWORD_LENGTH: usize = 12;

fn argon2() -> Argon2<'static> {
    let params = Params::new(19_456, 2, 1, None).expect("the SPEC §7 argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes synchronously; for the CLI and seeding.
pub fn hash_blocking(password: &Password) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.expose().as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))
}

fn verify_blocking(password: &Password, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|hash| {
            argon2()
                .verify_password(password.expose().as_bytes(), &hash)
                .is_ok()
        })
        .unwrap_or(false)
}

#[derive(Clone)]
pub struct Passwords {
    permits: Arc<Semaphore>,
    /// Checked when the username is unknown, so timing does not tell.
    dummy_hash: Arc<str>,
}

impl Passwords {
    pub fn new() -> anyhow::Result<Passwords> {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let dummy = hash_blocking(&Password::new("not anybody's password".to_owned()))?;
        Ok(Passwords {
            permits: Arc::new(Semaphore::new(cores)),
            dummy_hash: dummy.into(),
        })
    }

    pub async fn hash(&self, password: Password) -> anyhow::Result<String> {
        let _permit = self
            .permits
            .acquire()
            .await
            .context("password hasher closed")?;
        actix_web::web::block(move || hash_blocking(&password))
            .await
            .context("the blocking thread pool is gone")?
    }

    /// True when `password` matches `stored`; with no stored hash, spends the
    /// same time on a dummy hash and returns false.
    pub async fn verify(&self, password: Password, stored: Option<String>) -> anyhow::Result<bool> {
        let _permit = self
            .permits
            .acquire()
            .await
            .context("password hasher closed")?;
        let dummy = self.dummy_hash.clone();
        actix_web::web::block(move || match stored {
            Some(hash) => verify_blocking(&password, &hash),
            None => {
                verify_blocking(&password, &dummy);
                false
            }
        })
        .await
        .context("the blocking thread pool is gone")
    }
}
