//! Every response model (and every request model the bindings pass as JSON), of every API the
//! SDK covers, decodes any bytes
//! without panicking, and whatever decodes survives a serde_json round trip: a response model
//! unchanged, a request model with the same wire JSON (fields sent as headers, like
//! `ProfileParams::platform`, are not in the body).
//!
//! Input: byte 0 picks the model (`MODELS[byte % MODELS.len()]`, in the order of
//! `fuzz/decode_models.json`), the rest is the JSON text.
#![no_main]

use std::sync::LazyLock;

use adapty_server::models::DataEnvelope;
use adapty_server::{
    AccessLevel, AnalyticsChart, AnalyticsChartParams, AttributionParams, CohortParams, CohortReport, ConversionParams, CustomAttributes,
    FunnelParams, FunnelReport, GrantAccessParams, IntegrationIdentifiers, LegacyGrantParams, LegacyProfile, LegacyProfileParams,
    LegacyRevokeParams, LtvParams, LtvReport, MailProfileDeleteParams, MailProfileParams, MailTransactionEventParams, MetricData,
    NonSubscription, Offer, PaddleValidationParams, Paywall, PaywallPage, PaywallProduct, PaywallUpdateParams, PaywallViewParams,
    PlacementReport, PlacementsParams, Profile, ProfileParams, RefundSaverParams, RefundSaverSettings, RemoteConfig, RetentionParams,
    RetentionReport, RevokeAccessParams, StripeValidationParams, Subscription, Timestamp, TransactionParams, VirtualCurrencyBalances,
    VirtualCurrencyTransaction, VirtualCurrencyTransactionPage, VirtualCurrencyTransactionParams, VirtualCurrencyTransactionResult,
    WebPaywall, WebPaywallParams,
};
use libfuzzer_sys::fuzz_target;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Decodes `json` as `T` the way the transport does (`serde_json::from_slice`); when it decodes,
/// its JSON must decode again to an equal value that serializes to the same text.
fn check<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(json: &[u8]) {
    let Ok(value) = serde_json::from_slice::<T>(json) else { return };
    let text = serde_json::to_string(&value).expect("a decoded model serializes");
    let again: T = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{text} does not decode again: {e}"));
    assert_eq!(again, value, "{text} changes in a round trip");
    assert_eq!(serde_json::to_string(&again).expect("serializes"), text);
}

/// A request model: its body JSON decodes again and serializes to the same text.
fn check_wire<T: DeserializeOwned + Serialize>(json: &[u8]) {
    let Ok(value) = serde_json::from_slice::<T>(json) else { return };
    let text = serde_json::to_string(&value).expect("a decoded model serializes");
    let again: T = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{text} does not decode again: {e}"));
    assert_eq!(serde_json::to_string(&again).expect("serializes"), text, "the body changes in a round trip");
}

/// `DataEnvelope` has no `PartialEq`; compare what it holds.
fn check_envelope(json: &[u8]) {
    let Ok(value) = serde_json::from_slice::<DataEnvelope<Profile>>(json) else { return };
    let text = serde_json::to_string(&value).expect("a decoded envelope serializes");
    let again: DataEnvelope<Profile> = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{text} does not decode again: {e}"));
    assert_eq!(again.data, value.data, "{text} changes in a round trip");
}

/// Decodes and checks one model.
type Check = fn(&[u8]);

/// The models, in the order of the selector byte: the names in `fuzz/decode_models.json`, which
/// the seed generator (`fuzz/seeds.py`) reads too.
static MODELS: LazyLock<Vec<Check>> = LazyLock::new(|| {
    let names: Vec<String> = serde_json::from_str(include_str!("../decode_models.json")).expect("decode_models.json is a list of names");
    names.iter().map(|name| check_of(name).unwrap_or_else(|| panic!("decode_models.json names {name}, which has no check here"))).collect()
});

/// The check of the model `name`.
fn check_of(name: &str) -> Option<Check> {
    Some(match name {
        "DataEnvelope<Profile>" => check_envelope,
        "Profile" => check::<Profile>,
        "AccessLevel" => check::<AccessLevel>,
        "Subscription" => check::<Subscription>,
        "NonSubscription" => check::<NonSubscription>,
        "Offer" => check::<Offer>,
        "CustomAttributes" => check::<CustomAttributes>,
        "Paywall" => check::<Paywall>,
        "Vec<Paywall>" => check::<Vec<Paywall>>,
        "PaywallPage" => check::<PaywallPage>,
        "PaywallProduct" => check::<PaywallProduct>,
        "RemoteConfig" => check::<RemoteConfig>,
        "RefundSaverSettings" => check::<RefundSaverSettings>,
        "IntegrationIdentifiers" => check::<IntegrationIdentifiers>,
        "VirtualCurrencyTransactionResult" => check::<VirtualCurrencyTransactionResult>,
        "VirtualCurrencyBalances" => check::<VirtualCurrencyBalances>,
        "VirtualCurrencyTransaction" => check::<VirtualCurrencyTransaction>,
        "Vec<VirtualCurrencyTransaction>" => check::<Vec<VirtualCurrencyTransaction>>,
        "VirtualCurrencyTransactionPage" => check::<VirtualCurrencyTransactionPage>,
        "Timestamp" => check::<Timestamp>,
        "ProfileParams" => check_wire::<ProfileParams>,
        "TransactionParams" => check_wire::<TransactionParams>,
        "GrantAccessParams" => check_wire::<GrantAccessParams>,
        "RevokeAccessParams" => check_wire::<RevokeAccessParams>,
        "RefundSaverParams" => check_wire::<RefundSaverParams>,
        "StripeValidationParams" => check_wire::<StripeValidationParams>,
        "PaddleValidationParams" => check_wire::<PaddleValidationParams>,
        "PaywallUpdateParams" => check_wire::<PaywallUpdateParams>,
        "VirtualCurrencyTransactionParams" => check_wire::<VirtualCurrencyTransactionParams>,
        "WebPaywall" => check::<WebPaywall>,
        "LegacyProfile" => check::<LegacyProfile>,
        "AnalyticsChart" => check::<AnalyticsChart>,
        "MetricData" => check::<MetricData>,
        "CohortReport" => check::<CohortReport>,
        "FunnelReport" => check::<FunnelReport>,
        "LtvReport" => check::<LtvReport>,
        "RetentionReport" => check::<RetentionReport>,
        "PlacementReport" => check::<PlacementReport>,
        "WebPaywallParams" => check_wire::<WebPaywallParams>,
        "PaywallViewParams" => check_wire::<PaywallViewParams>,
        "AttributionParams" => check_wire::<AttributionParams>,
        "LegacyProfileParams" => check_wire::<LegacyProfileParams>,
        "LegacyGrantParams" => check_wire::<LegacyGrantParams>,
        "LegacyRevokeParams" => check_wire::<LegacyRevokeParams>,
        "MailProfileParams" => check_wire::<MailProfileParams>,
        "MailProfileDeleteParams" => check_wire::<MailProfileDeleteParams>,
        "MailTransactionEventParams" => check_wire::<MailTransactionEventParams>,
        "AnalyticsChartParams" => check_wire::<AnalyticsChartParams>,
        "CohortParams" => check_wire::<CohortParams>,
        "ConversionParams" => check_wire::<ConversionParams>,
        "FunnelParams" => check_wire::<FunnelParams>,
        "LtvParams" => check_wire::<LtvParams>,
        "RetentionParams" => check_wire::<RetentionParams>,
        "PlacementsParams" => check_wire::<PlacementsParams>,
        _ => return None,
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, json)) = data.split_first() else { return };
    let check = MODELS[selector as usize % MODELS.len()];
    check(json);
});
