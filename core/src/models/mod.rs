//! Request and response models of the API, defined once for every language, and their rules.
//!
//! Layer 1, the bottom: what the API speaks, without I/O. The models and the rules they check
//! (`validate()`), JSON read with the failing field named ([`json`]), the error taxonomy
//! (`error`), a client's configuration (`config`) and which profile a request is about
//! (`reference`). Nothing here imports another layer of the crate.

mod analytics;
mod attributes;
pub(crate) mod config;
mod datetime;
mod enums;
pub(crate) mod error;
mod field;
pub mod json;
mod legacy;
mod mail;
mod named;
pub(crate) mod options;
mod params;
mod paywalls;
mod profile;
mod purchases;
pub(crate) mod reference;
mod settings;
mod virtual_currency;
mod web;
pub(crate) mod webhooks;

pub(crate) use analytics::Report;
pub use analytics::{
    AnalyticsChart, AnalyticsChartParams, CONVERSIONS, CohortParams, CohortReport, CohortSegment, ConversionParams, CsvExport,
    FunnelParams, FunnelReport, FunnelSegment, FunnelStage, LtvMetric, LtvParams, LtvReport, LtvSegment, MetricData, MetricsFilters,
    PlacementFilters, PlacementReport, PlacementRow, PlacementsParams, RecommendedPeriod, RetentionParams, RetentionReport,
};
pub use attributes::{AttributeValue, CustomAttribute, CustomAttributes, MAX_CUSTOM_ATTRIBUTE_KEY_LEN, MAX_CUSTOM_ATTRIBUTES};
pub use datetime::Timestamp;
pub use enums::{
    AccountingType, CancellationReason, ChartId, CohortPeriodType, CohortValueField, CohortValueType, DateType, Environment,
    FunnelValueKind, Gender, OfferCategory, OfferType, PaywallState, PeriodUnit, PlacementType, Platform, ProductSet, PurchaseType,
    RefundPreference, Store, VirtualCurrencyTransactionType,
};
pub use field::Field;
pub use legacy::{
    LegacyAccess, LegacyGrantParams, LegacyNonSubscription, LegacyProfile, LegacyProfileParams, LegacyRevokeParams,
    MAX_LEGACY_ATTRIBUTE_VALUE_LEN, MAX_LEGACY_CUSTOM_ATTRIBUTES,
};
pub use mail::{MAIL_EVENT_TYPES, MailDeviceInfo, MailOffer, MailProfileDeleteParams, MailProfileParams, MailTransactionEventParams};
#[cfg(feature = "schema")]
pub(crate) use named::define_named;
pub(crate) use named::{Body, Model};
pub use options::{OWNED_HEADERS, RequestOptions};
pub use params::{AttStatus, CountryCode, Date, InstallationMeta, ProfileParams};
pub use paywalls::{
    DEFAULT_PAYWALL_PAGE_SIZE, MAX_PAYWALL_PAGE_SIZE, PageRequest, Paywall, PaywallPage, PaywallProduct, PaywallUpdateParams, ProductOffer,
    RemoteConfig, Screenshot,
};
pub use profile::{AccessLevel, DataEnvelope, NonSubscription, Offer, Profile, Subscription};
pub(crate) use profile::{has_active_access, null_as_default, null_as_empty};
pub use purchases::{GrantAccessParams, MAX_STORE_TRANSACTION_ID_LEN, Price, RevokeAccessParams, TransactionParams};
pub use settings::{
    IntegrationIdentifiers, PaddleValidationParams, RefundSaverParams, RefundSaverPreferences, RefundSaverSettings, StripeValidationParams,
};
pub use virtual_currency::{
    HistoryRequest, MAX_VC_ITEMS, MAX_VC_METADATA_KEYS, MAX_VC_PAGE_LIMIT, VirtualCurrencyBalance, VirtualCurrencyBalanceChange,
    VirtualCurrencyBalances, VirtualCurrencyItem, VirtualCurrencyTransaction, VirtualCurrencyTransactionPage,
    VirtualCurrencyTransactionParams, VirtualCurrencyTransactionResult,
};
pub use web::{
    ATTRIBUTION_STATUSES, AttributionParams, PaywallViewParams, WebPaywall, WebPaywallParams, WebPaywallProduct, WebProductOffer,
    WebRemoteConfig,
};
pub use webhooks::{
    AccessLevelUpdatedProperties, Attribution, EventProperties, PlayStorePurchaseToken, SharingProfile, WebhookEvent, WebhookEventType,
    WebhookProperties,
};
