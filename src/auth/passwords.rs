//! Password hashing: argon2id with the parameters of SPEC §7, off the async
//! workers and behind a semaphore so a login flood cannot take every core or
//! allocate 19 MiB per request without bound.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use argon2::password_hash::{
    Output, ParamsString, PasswordHash, Salt, SaltString, rand_core::OsRng,
};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use tokio::sync::Semaphore;

use crate::domain::{Password, TypedPassword};

fn argon2() -> Argon2<'static> {
    let params = Params::new(19_456, 2, 1, None).expect("the SPEC §7 argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Argon2's working memory (19 MiB per hash), mapped from the OS for one
/// hash and unmapped right after. Left to the allocator, each hash's blocks
/// would stay with the thread that ran it: a login flood would leave the
/// server holding hundreds of megabytes, and the idle server tens.
struct WorkingMemory {
    blocks: std::ptr::NonNull<Block>,
    count: usize,
}

impl WorkingMemory {
    fn map(count: usize) -> anyhow::Result<WorkingMemory> {
        let len = count
            .checked_mul(std::mem::size_of::<Block>())
            .context("argon2's working memory does not fit in an address")?;
        // SAFETY: a fresh anonymous private mapping, owned by the value
        // returned; failure is checked before use.
        let address = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                // Populated in one call: cheaper than a page fault per 4 KiB.
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_POPULATE,
                -1,
                0,
            )
        };
        if address == libc::MAP_FAILED {
            anyhow::bail!(
                "mapping argon2's working memory: {}",
                std::io::Error::last_os_error()
            );
        }
        let blocks = std::ptr::NonNull::new(address.cast::<Block>())
            .context("mapping argon2's working memory returned null")?;
        Ok(WorkingMemory { blocks, count })
    }
}

impl AsMut<[Block]> for WorkingMemory {
    fn as_mut(&mut self) -> &mut [Block] {
        // SAFETY: the mapping holds `count` blocks, is page-aligned (more
        // than a Block's alignment), zero-filled (a valid Block) and borrowed
        // mutably through `self` only.
        unsafe { std::slice::from_raw_parts_mut(self.blocks.as_ptr(), self.count) }
    }
}

impl Drop for WorkingMemory {
    fn drop(&mut self) {
        let len = self.count * std::mem::size_of::<Block>();
        // SAFETY: unmaps exactly the mapping made in `map`, used no more.
        unsafe {
            libc::munmap(self.blocks.as_ptr().cast(), len);
        }
    }
}

/// The raw argon2 hash of `password` with `salt`, into `out`.
fn hash_into(
    argon: &Argon2<'_>,
    password: &[u8],
    salt: &Salt<'_>,
    out: &mut [u8],
) -> anyhow::Result<()> {
    let mut salt_bytes = [0u8; 64];
    let salt = salt
        .decode_b64(&mut salt_bytes)
        .map_err(|e| anyhow::anyhow!("decoding a salt: {e}"))?;
    let mut memory = WorkingMemory::map(argon.params().block_count())?;
    argon
        .hash_password_into_with_memory(password, salt, out, &mut memory)
        .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))
}

/// Hashes synchronously; for the CLI and seeding.
pub fn hash_blocking(password: &Password) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    let argon = argon2();
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    hash_into(
        &argon,
        password.expose().as_bytes(),
        &salt.as_salt(),
        &mut out,
    )?;
    let hash = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(argon.params())
            .map_err(|e| anyhow::anyhow!("encoding argon2 parameters: {e}"))?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).map_err(|e| anyhow::anyhow!("argon2 output: {e}"))?),
    };
    Ok(hash.to_string())
}

/// True when `password` hashes to `stored` (a PHC string, with its own
/// algorithm, version and parameters); false for anything unreadable.
fn verify_blocking(password: &TypedPassword, stored: &str) -> bool {
    let check = || -> anyhow::Result<bool> {
        let hash = PasswordHash::new(stored).map_err(|e| anyhow::anyhow!("{e}"))?;
        let (Some(expected), Some(salt)) = (hash.hash, hash.salt) else {
            return Ok(false);
        };
        let algorithm = Algorithm::try_from(hash.algorithm).map_err(|e| anyhow::anyhow!("{e}"))?;
        let version = hash
            .version
            .map(Version::try_from)
            .transpose()
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .unwrap_or_default();
        let params = Params::try_from(&hash).map_err(|e| anyhow::anyhow!("{e}"))?;
        // A stored hash names its own cost; one edited to ask for gigabytes
        // or hours is refused before anything is allocated.
        anyhow::ensure!(within_caps(&params), "a stored hash asks for too much work");
        let argon = Argon2::new(algorithm, version, params);
        let mut out = vec![0u8; expected.len()];
        hash_into(&argon, password.expose().as_bytes(), &salt, &mut out)?;
        // Output's equality is constant-time.
        Ok(Output::new(&out).map_err(|e| anyhow::anyhow!("{e}"))? == expected)
    };
    check().unwrap_or(false)
}

/// The most a stored hash may ask for: a few times SPEC §7's cost, room
/// for stronger parameters later, far from an allocation that hurts.
const MAX_MEMORY_KIB: u32 = 4 * 19_456;
const MAX_ITERATIONS: u32 = 10;
const MAX_LANES: u32 = 4;

fn within_caps(params: &Params) -> bool {
    params.m_cost() <= MAX_MEMORY_KIB
        && params.t_cost() <= MAX_ITERATIONS
        && params.p_cost() <= MAX_LANES
}

/// What checking a typed password found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Matches,
    DoesNotMatch,
    /// Every core was busy hashing for longer than the wait allowed: the
    /// password was not checked (the person is told to try again shortly).
    Busy,
}

#[derive(Clone)]
pub struct Passwords {
    permits: Arc<Semaphore>,
    /// The longest a sign-in waits for a core before it is told to retry.
    wait: Duration,
    /// Checked when the username is unknown, so timing does not tell.
    dummy_hash: Arc<str>,
}

impl Passwords {
    pub fn new(wait: Duration) -> anyhow::Result<Passwords> {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let dummy = hash_blocking(&Password::exempt("not anybody's password"))?;
        Ok(Passwords {
            permits: Arc::new(Semaphore::new(cores)),
            wait,
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

    /// Whether `password` matches `stored`; with no stored hash, spends the
    /// same time on a dummy hash and says it does not match. Waits at most
    /// the configured time for a core, so a flood of sign-ins cannot queue
    /// an office's real ones behind it for minutes.
    pub async fn verify(
        &self,
        password: TypedPassword,
        stored: Option<String>,
    ) -> anyhow::Result<Verdict> {
        let Ok(permit) = tokio::time::timeout(self.wait, self.permits.acquire()).await else {
            return Ok(Verdict::Busy);
        };
        let _permit = permit.context("password hasher closed")?;
        let dummy = self.dummy_hash.clone();
        let matches = actix_web::web::block(move || match stored {
            Some(hash) => verify_blocking(&password, &hash),
            None => {
                verify_blocking(&password, &dummy);
                false
            }
        })
        .await
        .context("the blocking thread pool is gone")?;
        Ok(if matches {
            Verdict::Matches
        } else {
            Verdict::DoesNotMatch
        })
    }
}
