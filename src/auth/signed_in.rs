//! The sessions and signed-in people this app read lately, kept in memory
//! so that a page's only trip to the database is for its own data.
//!
//! A session ended in the database must never be served from here. Two
//! rules keep it so:
//! - whatever ends sessions or a person (sign-out, departure, a password
//!   change or reset, "Sign out other sessions"), or changes a session or
//!   what a page shows of a person, calls [`SignedInCache::forget`] after
//!   its transaction commits and before it answers
//!   (`services::account::sessions::ending` does both);
//! - a row read from the database is kept only if nothing was forgotten
//!   since the read began ([`SignedInCache::read_started`]): a read that
//!   raced an ending may hold a row the ending already deleted.
//!
//! One generation for the whole app rather than one per person: a read
//! does not know whose session it is until it has read it, and endings are
//! rare enough that a read now and then going uncached costs nothing.

use std::num::NonZeroUsize;
use std::sync::{Mutex, MutexGuard};

use lru::LruCache;

use crate::domain::{Role, StaffId};

/// How many sessions are kept (a few hundred bytes each); the least
/// recently used one is read again from the database when it is next used.
const SESSIONS: NonZeroUsize = NonZeroUsize::new(10_000).expect("not zero");
/// How many people are kept.
const PEOPLE: NonZeroUsize = NonZeroUsize::new(2_000).expect("not zero");

/// The signed-in staff member as every page needs them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedInPerson {
    pub id: StaffId,
    pub username: String,
    pub full_name: String,
    pub role: Role,
}

/// A session as its row holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveSession {
    pub staff_id: Option<StaffId>,
    /// The session's values, as JSON.
    pub state: String,
    pub idle_expires_at: i64,
    pub absolute_expires_at: i64,
}

impl LiveSession {
    /// Neither the idle nor the absolute timeout has passed at `now`.
    pub fn is_live(&self, now: i64) -> bool {
        now < self.idle_expires_at && now < self.absolute_expires_at
    }
}

/// What an ending makes stale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Forget {
    /// One session (by its stored id), signed out or changed.
    Session(String),
    /// Every session of one person (a password change or reset, "Sign out
    /// other sessions"); the person stays.
    SessionsOf(StaffId),
    /// The person and all their sessions (departure).
    Person(StaffId),
}

/// The generation seen when a database read began.
#[derive(Debug, Clone, Copy)]
pub struct ReadStarted(u64);

pub struct SignedInCache {
    inner: Mutex<Inner>,
}

struct Inner {
    /// Moves on at every `forget`.
    generation: u64,
    /// By stored session id (a hash of the cookie's key).
    sessions: LruCache<String, LiveSession>,
    people: LruCache<StaffId, SignedInPerson>,
}

impl Default for SignedInCache {
    fn default() -> Self {
        SignedInCache::with_capacity(SESSIONS, PEOPLE)
    }
}

impl SignedInCache {
    pub fn with_capacity(sessions: NonZeroUsize, people: NonZeroUsize) -> Self {
        SignedInCache {
            inner: Mutex::new(Inner {
                generation: 0,
                sessions: LruCache::new(sessions),
                people: LruCache::new(people),
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // Nothing here panics while holding the lock; a poisoned lock still
        // holds consistent maps.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Call before reading what [`keep_session`](Self::keep_session) or
    /// [`keep_person`](Self::keep_person) may then keep.
    pub fn read_started(&self) -> ReadStarted {
        ReadStarted(self.lock().generation)
    }

    /// The session kept under `id`, if it is still live at `now`.
    pub fn session(&self, id: &str, now: i64) -> Option<LiveSession> {
        let mut inner = self.lock();
        match inner.sessions.get(id) {
            Some(session) if session.is_live(now) => Some(session.clone()),
            Some(_) => {
                inner.sessions.pop(id);
                None
            }
            None => None,
        }
    }

    pub fn person(&self, id: StaffId) -> Option<SignedInPerson> {
        self.lock().people.get(&id).cloned()
    }

    /// Keeps a session read from the database, with its person when the same
    /// read found them, unless something was forgotten since the read began.
    pub fn keep_session(
        &self,
        read: ReadStarted,
        id: String,
        session: LiveSession,
        person: Option<SignedInPerson>,
    ) -> bool {
        let mut inner = self.lock();
        if inner.generation != read.0 {
            return false;
        }
        inner.sessions.put(id, session);
        if let Some(person) = person {
            inner.people.put(person.id, person);
        }
        true
    }

    /// Keeps a person read from the database, unless something was
    /// forgotten since the read began.
    pub fn keep_person(&self, read: ReadStarted, person: SignedInPerson) -> bool {
        let mut inner = self.lock();
        if inner.generation != read.0 {
            return false;
        }
        inner.people.put(person.id, person);
        true
    }

    /// When the session's idle timeout was last written, if it is kept.
    pub fn idle_expiry(&self, id: &str) -> Option<i64> {
        self.lock().sessions.peek(id).map(|s| s.idle_expires_at)
    }

    /// The session's idle timeout was moved to `idle_expires_at` in the
    /// database. Only a kept session is changed (an ended one is not brought
    /// back), and never backwards: the database keeps the later one too.
    pub fn extended(&self, id: &str, idle_expires_at: i64) {
        if let Some(session) = self.lock().sessions.peek_mut(id) {
            session.idle_expires_at = session.idle_expires_at.max(idle_expires_at);
        }
    }

    /// Drops what an ending made stale, and makes every read begun before
    /// now unkeepable.
    pub fn forget(&self, what: &Forget) {
        let mut inner = self.lock();
        inner.generation += 1;
        let staff_id = match what {
            Forget::Session(id) => {
                inner.sessions.pop(id);
                return;
            }
            Forget::SessionsOf(staff_id) => *staff_id,
            Forget::Person(staff_id) => {
                inner.people.pop(staff_id);
                *staff_id
            }
        };
        let theirs: Vec<String> = inner
            .sessions
            .iter()
            .filter(|(_, session)| session.staff_id == Some(staff_id))
            .map(|(id, _)| id.clone())
            .collect();
        for id in theirs {
            inner.sessions.pop(&id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(staff: i32) -> LiveSession {
        LiveSession {
            staff_id: Some(StaffId::new(staff)),
            state: "{}".to_owned(),
            idle_expires_at: 100,
            absolute_expires_at: 200,
        }
    }

    fn person(staff: i32) -> SignedInPerson {
        SignedInPerson {
            id: StaffId::new(staff),
            username: format!("user{staff}"),
            full_name: format!("User {staff}"),
            role: Role::Agent,
        }
    }

    #[test]
    fn a_read_that_raced_an_ending_is_not_kept() {
        let cache = SignedInCache::default();
        let read = cache.read_started();
        cache.forget(&Forget::Session("s1".to_owned()));
        assert!(!cache.keep_session(read, "s1".to_owned(), session(1), Some(person(1))));
        assert_eq!(cache.session("s1", 0), None);
        assert_eq!(cache.person(StaffId::new(1)), None);
        assert!(!cache.keep_person(read, person(1)));
        assert_eq!(cache.person(StaffId::new(1)), None);
    }

    #[test]
    fn a_read_after_the_ending_is_kept() {
        let cache = SignedInCache::default();
        cache.forget(&Forget::Person(StaffId::new(1)));
        let read = cache.read_started();
        assert!(cache.keep_session(read, "s1".to_owned(), session(1), Some(person(1))));
        assert_eq!(cache.session("s1", 0), Some(session(1)));
        assert_eq!(cache.person(StaffId::new(1)), Some(person(1)));
    }

    #[test]
    fn an_expired_session_is_not_served() {
        let cache = SignedInCache::default();
        let read = cache.read_started();
        cache.keep_session(read, "s1".to_owned(), session(1), None);
        assert_eq!(cache.session("s1", 99), Some(session(1)));
        assert_eq!(cache.session("s1", 100), None, "idle timeout");
        let mut long_idle = session(1);
        long_idle.idle_expires_at = 1_000;
        cache.keep_session(cache.read_started(), "s1".to_owned(), long_idle, None);
        assert_eq!(cache.session("s1", 200), None, "absolute timeout");
    }

    #[test]
    fn forgetting_a_persons_sessions_leaves_everyone_else() {
        let cache = SignedInCache::default();
        for (id, staff) in [("a1", 1), ("a2", 1), ("b1", 2)] {
            let read = cache.read_started();
            cache.keep_session(read, id.to_owned(), session(staff), Some(person(staff)));
        }
        cache.forget(&Forget::SessionsOf(StaffId::new(1)));
        assert_eq!(cache.session("a1", 0), None);
        assert_eq!(cache.session("a2", 0), None);
        assert_eq!(cache.session("b1", 0), Some(session(2)));
        assert_eq!(
            cache.person(StaffId::new(1)),
            Some(person(1)),
            "the person stays"
        );
        cache.forget(&Forget::Person(StaffId::new(2)));
        assert_eq!(cache.session("b1", 0), None);
        assert_eq!(cache.person(StaffId::new(2)), None);
    }

    #[test]
    fn an_extension_never_brings_back_or_shortens_a_session() {
        let cache = SignedInCache::default();
        cache.extended("gone", 500);
        assert_eq!(cache.idle_expiry("gone"), None);
        cache.keep_session(cache.read_started(), "s1".to_owned(), session(1), None);
        cache.extended("s1", 150);
        cache.extended("s1", 120);
        assert_eq!(cache.idle_expiry("s1"), Some(150));
    }

    #[test]
    fn the_least_recently_used_session_makes_room() {
        let two = NonZeroUsize::new(2).unwrap();
        let cache = SignedInCache::with_capacity(two, two);
        for id in ["s1", "s2"] {
            cache.keep_session(cache.read_started(), id.to_owned(), session(1), None);
        }
        cache.session("s1", 0);
        cache.keep_session(cache.read_started(), "s3".to_owned(), session(1), None);
        assert_eq!(cache.session("s2", 0), None);
        assert!(cache.session("s1", 0).is_some() && cache.session("s3", 0).is_some());
    }
}
