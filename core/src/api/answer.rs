//! How an operation's result is read from its response, by the result's type ([`Answer`]): a
//! profile from its `{"data": ...}` envelope, nothing from a bodiless success, most models from
//! the body as it is; a page from the endpoint's own shape (in its namespace's file).

use std::future::Future;
use std::sync::Arc;

use crate::models::error::Error;
use crate::models::{
    AnalyticsChart, CohortReport, DataEnvelope, FunnelReport, IntegrationIdentifiers, LegacyProfile, LtvReport, MetricData, Paywall,
    PlacementReport, Profile, RefundSaverSettings, RetentionReport, VirtualCurrencyBalances, VirtualCurrencyTransactionResult, WebPaywall,
};
use crate::transport::http::{Transport, send_empty, send_json};
use crate::transport::request::ApiRequest;

/// A result an operation returns: sends the request on the shared runtime and reads the response.
pub(crate) trait Answer: Sized {
    fn receive(transport: &Arc<Transport>, request: ApiRequest) -> impl Future<Output = Result<Self, Error>> + Send;
}

/// The body is ignored; the status says it all.
impl Answer for () {
    async fn receive(transport: &Arc<Transport>, request: ApiRequest) -> Result<(), Error> {
        send_empty(transport, request).await
    }
}

/// Every answer carrying a profile wraps it: `{"data": profile}`.
impl Answer for Profile {
    async fn receive(transport: &Arc<Transport>, request: ApiRequest) -> Result<Profile, Error> {
        send_json::<DataEnvelope<Profile>>(transport, request).await.map(|e| e.data)
    }
}

/// The legacy API wraps its profile the same way.
impl Answer for LegacyProfile {
    async fn receive(transport: &Arc<Transport>, request: ApiRequest) -> Result<LegacyProfile, Error> {
        send_json::<DataEnvelope<LegacyProfile>>(transport, request).await.map(|e| e.data)
    }
}

/// Models the response body is, as it is.
macro_rules! plain {
    ($($model:ty),+ $(,)?) => {
        $(impl Answer for $model {
            async fn receive(transport: &Arc<Transport>, request: ApiRequest) -> Result<$model, Error> {
                send_json(transport, request).await
            }
        })+
    };
}

plain!(
    RefundSaverSettings,
    IntegrationIdentifiers,
    Paywall,
    VirtualCurrencyTransactionResult,
    VirtualCurrencyBalances,
    WebPaywall,
    AnalyticsChart,
    MetricData,
    CohortReport,
    FunnelReport,
    LtvReport,
    RetentionReport,
    PlacementReport,
);
