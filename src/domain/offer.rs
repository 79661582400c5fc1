//! What the rep offered on a save call: the "Offer made" select on the
//! tasks page (SPEC §8).

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum OfferMade {
    NoOffer,
    Discount,
    Pause,
    Downgrade,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("Choose an offer from the list: No offer, Discount, Pause, Downgrade or Other")]
pub struct OfferMadeError;

impl OfferMade {
    pub const ALL: [OfferMade; 5] = [
        OfferMade::NoOffer,
        OfferMade::Discount,
        OfferMade::Pause,
        OfferMade::Downgrade,
        OfferMade::Other,
    ];

    pub fn parse(value: &str) -> Result<OfferMade, OfferMadeError> {
        OfferMade::ALL
            .into_iter()
            .find(|offer| offer.as_str() == value)
            .ok_or(OfferMadeError)
    }

    /// The form's value: a post without one (or an empty one) means "No offer".
    pub fn from_form(value: Option<&str>) -> Result<OfferMade, OfferMadeError> {
        match value.map(str::trim) {
            None | Some("") => Ok(OfferMade::NoOffer),
            Some(value) => OfferMade::parse(value),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            OfferMade::NoOffer => "no_offer",
            OfferMade::Discount => "discount",
            OfferMade::Pause => "pause",
            OfferMade::Downgrade => "downgrade",
            OfferMade::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            OfferMade::NoOffer => "No offer",
            OfferMade::Discount => "Discount",
            OfferMade::Pause => "Pause",
            OfferMade::Downgrade => "Downgrade",
            OfferMade::Other => "Other",
        }
    }
}

impl fmt::Display for OfferMade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_offer_is_no_offer_and_an_unknown_one_is_refused() {
        assert_eq!(OfferMade::from_form(None), Ok(OfferMade::NoOffer));
        assert_eq!(OfferMade::from_form(Some("")), Ok(OfferMade::NoOffer));
        assert_eq!(OfferMade::from_form(Some("pause")), Ok(OfferMade::Pause));
        assert_eq!(OfferMade::from_form(Some("bribe")), Err(OfferMadeError));
        for offer in OfferMade::ALL {
            assert_eq!(OfferMade::parse(offer.as_str()), Ok(offer));
        }
    }
}
