//! Proptest strategies for the procedure's inputs, shared by the
//! procedure's own properties and the replay's, so both draw requests,
//! routes, amounts and limits the same way.

use proptest::prelude::*;

use crate::domain::{CancellationRoute, RequestKind};

pub fn any_route() -> impl Strategy<Value = CancellationRoute> {
    proptest::sample::select(CancellationRoute::ALL.to_vec())
}

pub fn any_request() -> impl Strategy<Value = RequestKind> {
    proptest::sample::select(RequestKind::ALL.to_vec())
}

/// Cents spread over ±$10,000,000.00, and as often within `spread` cents of
/// $1,000.00 and of $500.00, where the seeded limits sit.
pub fn any_cents_near_the_limits(spread: i64) -> impl Strategy<Value = i64> {
    prop_oneof![
        -1_000_000_000_i64..=1_000_000_000,
        100_000 - spread..=100_000 + spread,
        50_000 - spread..=50_000 + spread,
    ]
}

/// What a case's facts are drawn around: its request and route, its A/R
/// balance in cents, and a refund in cents that is always positive, the
/// amounts spread as `any_cents_near_the_limits(spread)` spreads them.
pub fn any_request_route_and_amounts(
    spread: i64,
) -> impl Strategy<Value = (RequestKind, CancellationRoute, i64, i64)> {
    (
        any_request(),
        any_route(),
        any_cents_near_the_limits(spread),
        any_cents_near_the_limits(spread).prop_map(|c| c.abs().max(1)),
    )
}

/// A limit in cents: one of the seeded ones, or anything up to $20,000.00.
pub fn any_limit() -> impl Strategy<Value = i64> {
    prop_oneof![Just(100_000_i64), Just(50_000), 0_i64..=2_000_000]
}
