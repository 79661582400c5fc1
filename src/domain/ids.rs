//! Row ids as types of their own: a case id cannot be passed where a staff
//! id is meant, and a handler's path parameter says which row it names.

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),+ $(,)?) => {$(
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash,
            serde::Serialize, serde::Deserialize,
            diesel::AsExpression, diesel::FromSqlRow,
        )]
        #[diesel(sql_type = diesel::sql_types::Integer)]
        #[serde(transparent)]
        pub struct $name(i32);

        impl $name {
            /// The id as SQLite stores it (row ids are never negative,
            /// but nothing here depends on that).
            pub const fn new(raw: i32) -> Self {
                Self(raw)
            }

            pub const fn get(self) -> i32 {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                text.trim().parse().map(Self)
            }
        }
    )+};
}

/// Hands the list of id types, with their docs, to `$each` (a macro taking
/// `$(#[doc] Name),+`): the types are declared from it here, and
/// `db::sql_values` stores every one of them as INTEGER from the same list.
macro_rules! every_id_type {
    ($each:ident) => {
        $each!(
            /// A case (`cases.id`), shown to people as "Case {id}".
            CaseId,
            /// A staff member (`staff.id`).
            StaffId,
            /// A call-to-save task (`save_tasks.id`).
            SaveTaskId,
            /// A refund in the billing queue (`billing_items.id`).
            BillingItemId,
            /// A customer level (`customer_levels.id`).
            LevelId,
            /// A hosting server (`servers.id`).
            ServerId,
            /// A Slack outbox message (`outbox.id`).
            OutboxMessageId,
            /// A reason for leaving (`leave_reasons.id`).
            ReasonId,
        );
    };
}

pub(crate) use every_id_type;

every_id_type!(id_type);
