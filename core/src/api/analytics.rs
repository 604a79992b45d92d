//! The Export Analytics API: the dashboard's charts, cohorts, conversions, funnel, LTV,
//! retention and placements, as JSON or as CSV written to a file. Its own host
//! (`api-admin.adapty.io`), the secret key, and Adapty's limit of 2 requests per second per key,
//! which the transport keeps to (`transport::limit`). Each report has a CSV twin that streams the
//! body to a file instead of holding it.

use std::path::Path;
use std::sync::Arc;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::answer::Answer;
use super::declare::operations;
use super::manifest::{Operation, Param, text};
use crate::models::config::{Api, Config};
use crate::models::error::{Error, Rule, ValidationError};
use crate::models::{
    AnalyticsChart, AnalyticsChartParams, CohortParams, CohortReport, ConversionParams, CsvExport, FunnelParams, FunnelReport, LtvParams,
    LtvReport, MetricData, PlacementReport, PlacementsParams, Report, RetentionParams, RetentionReport,
};
use crate::transport::http::{Transport, send_saved};
use crate::transport::request::{ApiRequest, MediaType, Replay};

/// The CSV twins' argument: where the file goes.
const PATH: Param = Param { required: true, ..text("path", "The file to write the CSV to (replaced once complete).") };

operations! {
    /// The Export Analytics API: the dashboard's charts and reports, as JSON or CSV files. Uses
    /// the secret key; requests are spaced to Adapty's 2 per second per key.
    analytics => analytics: Analytics, BlockingAnalytics, AnalyticsOp;

    /// One chart of the dashboard's Analytics (revenue, MRR, active subscriptions, trials,
    /// refunds, installs, ...), by period, optionally split by a segment.
    ANALYTICS_CHART chart {
        endpoint: Post "/api/v1/client-api/metrics/analytics/",
        call: fn chart(params: &AnalyticsChartParams) -> AnalyticsChart = json_report,
    }

    /// A chart as CSV, written to `path`.
    ANALYTICS_CHART_CSV chartCsv {
        endpoint: Post "/api/v1/client-api/metrics/analytics/",
        params: [PATH],
        call: fn chart_csv(params: &AnalyticsChartParams, path: &str) -> CsvExport = csv_report,
    }

    /// Cohorts: each period's new payers, and what they paid in each later period.
    ANALYTICS_COHORTS cohorts {
        endpoint: Post "/api/v1/client-api/metrics/cohort/",
        call: fn cohorts(params: &CohortParams) -> CohortReport = json_report,
    }

    /// Cohorts as CSV, written to `path`.
    ANALYTICS_COHORTS_CSV cohortsCsv {
        endpoint: Post "/api/v1/client-api/metrics/cohort/",
        params: [PATH],
        call: fn cohorts_csv(params: &CohortParams, path: &str) -> CsvExport = csv_report,
    }

    /// A conversion rate between two periods (install, trial, paid, renewals).
    ANALYTICS_CONVERSION conversion {
        endpoint: Post "/api/v1/client-api/metrics/conversion/",
        call: fn conversion(params: &ConversionParams) -> MetricData = json_report,
    }

    /// A conversion as CSV, written to `path`.
    ANALYTICS_CONVERSION_CSV conversionCsv {
        endpoint: Post "/api/v1/client-api/metrics/conversion/",
        params: [PATH],
        call: fn conversion_csv(params: &ConversionParams, path: &str) -> CsvExport = csv_report,
    }

    /// The funnel from install through paywall, trial and payments, with the drop-off at each
    /// stage.
    ANALYTICS_FUNNEL funnel {
        endpoint: Post "/api/v1/client-api/metrics/funnel/",
        call: fn funnel(params: &FunnelParams) -> FunnelReport = json_report,
    }

    /// The funnel as CSV, written to `path`.
    ANALYTICS_FUNNEL_CSV funnelCsv {
        endpoint: Post "/api/v1/client-api/metrics/funnel/",
        params: [PATH],
        call: fn funnel_csv(params: &FunnelParams, path: &str) -> CsvExport = csv_report,
    }

    /// Lifetime value per cohort, in revenue, proceeds and net revenue.
    ANALYTICS_LTV ltv {
        endpoint: Post "/api/v1/client-api/metrics/ltv/",
        call: fn ltv(params: &LtvParams) -> LtvReport = json_report,
    }

    /// LTV as CSV, written to `path`.
    ANALYTICS_LTV_CSV ltvCsv {
        endpoint: Post "/api/v1/client-api/metrics/ltv/",
        params: [PATH],
        call: fn ltv_csv(params: &LtvParams, path: &str) -> CsvExport = csv_report,
    }

    /// Subscription retention by period.
    ANALYTICS_RETENTION retention {
        endpoint: Post "/api/v1/client-api/metrics/retention/",
        call: fn retention(params: &RetentionParams) -> RetentionReport = json_report,
    }

    /// Retention as CSV, written to `path`.
    ANALYTICS_RETENTION_CSV retentionCsv {
        endpoint: Post "/api/v1/client-api/metrics/retention/",
        params: [PATH],
        call: fn retention_csv(params: &RetentionParams, path: &str) -> CsvExport = csv_report,
    }

    /// The placements, with the audience, A/B test and paywall (or onboarding) each shows.
    ANALYTICS_PLACEMENTS placements {
        endpoint: Post "/api/v1/client-api/exports/placements/",
        call: fn placements(params: &PlacementsParams) -> PlacementReport = json_report,
    }

    /// The placements as CSV, written to `path`.
    ANALYTICS_PLACEMENTS_CSV placementsCsv {
        endpoint: Post "/api/v1/client-api/exports/placements/",
        params: [PATH],
        call: fn placements_csv(params: &PlacementsParams, path: &str) -> CsvExport = csv_report,
    }
}

/// A report's request; `format` added to the body where the endpoint takes it (every one but
/// the placements, which negotiate by `Accept`).
fn report<B: Report + Serialize + DeserializeOwned>(op: &Operation, params: &B, format: &str) -> Result<ApiRequest, Error> {
    params.validate()?;
    let negotiates = op.http.path.ends_with("/placements/");
    let format = (!negotiates).then(|| ("format", Value::String(format.to_owned())));
    // A read sent as POST: safe to repeat.
    ApiRequest::of(&op.http, Replay::Idempotent).api(Api::Analytics).body_with(params, format)
}

fn json_report<B: Report + Serialize + DeserializeOwned>(op: &Operation, _: &Config, params: &B) -> Result<ApiRequest, Error> {
    report(op, params, "json")
}

fn csv_report<B: Report + Serialize + DeserializeOwned>(op: &Operation, _: &Config, params: &B, path: &str) -> Result<ApiRequest, Error> {
    if path.trim().is_empty() {
        return Err(ValidationError::new("path", Rule::Required, "give the file to write the CSV to").into());
    }
    if cfg!(target_arch = "wasm32") {
        return Err(Error::Usage { message: "CSV exports write files, which the WebAssembly build has not; use the JSON report".into() });
    }
    Ok(report(op, params, "csv")?.media_type(MediaType::Csv).save_to(Path::new(path)))
}

/// A CSV export: what the transport wrote, and where.
impl Answer for CsvExport {
    async fn receive(transport: &Arc<Transport>, request: ApiRequest) -> Result<CsvExport, Error> {
        let path = request.save_to.as_ref().map(|p| p.display().to_string()).unwrap_or_default();
        let saved = send_saved(transport, request).await?;
        Ok(CsvExport { path, bytes: saved.bytes, lines: saved.lines })
    }
}
