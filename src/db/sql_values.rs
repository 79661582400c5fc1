//! How domain types are stored: ids as INTEGER, money as integer cents
//! (BIGINT), statuses and kinds as their TEXT codes. A stored value that
//! does not parse is a deserialization error naming the value, never a
//! default: a bad row must not show as `$0.00` or as another status.

use diesel::deserialize::{self, FromSql};
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::{BigInt, Integer, Text};
use diesel::sqlite::{Sqlite, SqliteValue};

use crate::domain::{
    BillingItemId, BillingStatus, CancellationRoute, CancellationStatus, CaseId, EventKind,
    LevelId, Money, OfferMade, OutboxMessageId, ReasonId, RefundStatus, RequestKind, ReviewState,
    Role, SaveOutcome, SaveTaskId, ServerId, StaffId, every_id_type,
};

macro_rules! integer_ids {
    ($($(#[$doc:meta])* $id:ident),+ $(,)?) => {$(
        impl FromSql<Integer, Sqlite> for $id {
            fn from_sql(value: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
                <i32 as FromSql<Integer, Sqlite>>::from_sql(value).map(<$id>::new)
            }
        }

        impl ToSql<Integer, Sqlite> for $id {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
                out.set_value(self.get());
                Ok(IsNull::No)
            }
        }
    )+};
}

every_id_type!(integer_ids);

macro_rules! text_codes {
    ($($code:ty),+ $(,)?) => {$(
        impl FromSql<Text, Sqlite> for $code {
            fn from_sql(value: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
                let text = <String as FromSql<Text, Sqlite>>::from_sql(value)?;
                <$code>::parse(&text).map_err(|_| {
                    format!("{:?} is not a stored {}", text, stringify!($code)).into()
                })
            }
        }

        impl ToSql<Text, Sqlite> for $code {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
                out.set_value(self.as_str());
                Ok(IsNull::No)
            }
        }
    )+};
}

text_codes!(
    BillingStatus,
    CancellationRoute,
    CancellationStatus,
    EventKind,
    OfferMade,
    RefundStatus,
    RequestKind,
    ReviewState,
    Role,
    SaveOutcome,
);

impl FromSql<BigInt, Sqlite> for Money {
    fn from_sql(value: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
        let cents = <i64 as FromSql<BigInt, Sqlite>>::from_sql(value)?;
        Money::from_cents(cents)
            .ok_or_else(|| format!("{cents} cents is out of the range of an amount").into())
    }
}

impl ToSql<BigInt, Sqlite> for Money {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
        out.set_value(self.to_cents());
        Ok(IsNull::No)
    }
}
