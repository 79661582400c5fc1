//! Domain types: parsed at the edge, valid by construction.
//!
//! Each type has a `parse` constructor whose error's Display is the message
//! shown next to the form field. Import them from here (`domain::Money`);
//! the file layout underneath is not part of the API.

mod account_id;
mod billing_status;
pub mod case_log;
mod code_enum;
mod customer_name;
mod event_kind;
mod free_text;
mod ids;
mod money;
mod offer;
mod password;
mod reference;
pub mod reports;
mod request_kind;
mod review_state;
mod role;
mod route;
mod save_outcome;
mod search_text;
pub mod service_levels;
mod slack_member_id;
mod status;
mod step;
mod text_type;
mod username;
mod working_time;

pub use account_id::{AccountId, AccountIdError};
pub use billing_status::BillingStatus;
pub use customer_name::{CustomerName, CustomerNameError};
pub use event_kind::EventKind;
pub use free_text::has_control_characters;
pub(crate) use ids::every_id_type;
pub use ids::{
    BillingItemId, CaseId, LevelId, OutboxMessageId, ReasonId, SaveTaskId, ServerId, StaffId,
};
pub use money::{Money, MoneyError, RefundAmount, RefundAmountError};
pub use offer::{OfferMade, OfferMadeError};
pub use password::{MIN_PASSWORD_LENGTH, Password, PasswordError, TypedPassword};
pub use reference::{
    ExitSurveyUrl, ExitSurveyUrlError, LevelName, Rank, RankError, ReasonName, ReferenceNameError,
    ServerName,
};
pub use request_kind::{RequestKind, RequestKindError};
pub use review_state::ReviewState;
pub use role::{Role, RoleError};
pub use route::{CancellationRoute, CancellationRouteError};
pub use save_outcome::{SaveOutcome, SaveOutcomeError};
pub use search_text::{SEARCH_MAX_CHARS, SearchText, SearchTextError};
pub use service_levels::{
    AlarmKind, Deadline, Deadlines, DueTrack, ServiceLevels, ServiceLevelsForm,
};
pub use slack_member_id::{SlackMemberId, SlackMemberIdError};
pub use status::{CancellationStatus, CaseState, RefundStatus, StatusError, Tracks};
pub use step::{Step, StepError};
pub use username::{FullName, FullNameError, Username, UsernameError};
pub use working_time::{
    BeyondHorizon, HORIZON_DAYS, WorkingDays, WorkingHours, WorkingHoursError, WorkingHoursErrors,
    WorkingHoursField, WorkingHoursForm,
};
