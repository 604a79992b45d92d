//! Request and response models of the API, defined once for every language.

mod attributes;
mod datetime;
mod enums;
mod field;
mod params;
mod profile;

pub use attributes::{AttributeValue, CustomAttribute, CustomAttributes, MAX_CUSTOM_ATTRIBUTE_KEY_LEN, MAX_CUSTOM_ATTRIBUTES};
pub use datetime::Timestamp;
pub use enums::{CancellationReason, Environment, Gender, OfferCategory, OfferType, Platform, Store};
pub use field::Field;
pub use params::{AttStatus, CountryCode, Date, InstallationMeta, ProfileParams};
pub use profile::{AccessLevel, DataEnvelope, NonSubscription, Offer, Profile, Subscription};
