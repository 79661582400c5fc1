//! What the rep offered on a save call: the "Offer made" select on the
//! tasks page (SPEC §8).

use serde::{Deserialize, Serialize};

use super::code_enum::code_enum;

code_enum! {
    #[derive(PartialOrd, Ord, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    #[derive(diesel::AsExpression, diesel::FromSqlRow)]
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub enum OfferMade {
        NoOffer => "no_offer", "No offer";
        Discount => "discount", "Discount";
        Pause => "pause", "Pause";
        Downgrade => "downgrade", "Downgrade";
        Other => "other", "Other";
    }
    refused(_) -> OfferMadeError { OfferMadeError }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("Choose an offer from the list: No offer, Discount, Pause, Downgrade or Other")]
pub struct OfferMadeError;

impl OfferMade {
    /// The form's value: a post without one (or an empty one) means "No offer".
    pub fn from_form(value: Option<&str>) -> Result<OfferMade, OfferMadeError> {
        match value.map(str::trim) {
            None | Some("") => Ok(OfferMade::NoOffer),
            Some(value) => OfferMade::parse(value),
        }
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
