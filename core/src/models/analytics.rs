//! The Export Analytics API's models: what each report takes (its filters, period and
//! segmentation) and what it returns, as the dashboard's charts show it. The points of a chart
//! have no documented shape, so they stay JSON; the report around them is typed, and fields
//! Adapty adds later are kept in `extra`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::enums::{
    AccountingType, ChartId, CohortPeriodType, CohortValueField, CohortValueType, DateType, FunnelValueKind, PeriodUnit, PlacementType,
};
use super::params::Date;
use crate::models::error::{Rule, ValidationError};

macro_rules! filters {
    ($($(#[$m:meta])* $field:ident),+ $(,)?) => {
        /// Which data a report covers. Every filter but `date` is a list of values, any of which
        /// matches.
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
        pub struct MetricsFilters {
            /// The period, `[from, to]` (both days included).
            pub date: Vec<Date>,
            /// A period to compare with, `[from, to]`, earlier than `date`.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub compare_date: Option<Vec<Date>>,
            $($(#[$m])* #[serde(default, skip_serializing_if = "Option::is_none")] pub $field: Option<Vec<String>>,)+
        }
    };
}

filters!(
    /// `app_store`, `play_store`, `stripe`, or custom stores' ids.
    store,
    /// ISO 3166-1 alpha-2 codes.
    country,
    store_product_id,
    /// `Weekly`, `Monthly`, `2 months`, `3 months`, `6 months`, `Annual`, `Lifetime`, `Uncategorized`.
    duration,
    /// `adjust`, `airbridge`, `apple_search_ads`, `appsflyer`, `branch`, `custom`.
    attribution_source,
    /// `organic`, `non-organic`, `unknown`.
    attribution_status,
    attribution_channel,
    attribution_campaign,
    attribution_adgroup,
    attribution_adset,
    attribution_creative,
    /// `no_offer`, `introductory`, `promotional`, `offer_code`, `win_back`, `retention`.
    offer_category,
    /// `free_trial`, `pay_as_you_go`, `pay_up_front`.
    offer_type,
    offer_id,
);

impl MetricsFilters {
    /// The filters of the period `from` to `to` (both included).
    pub fn between(from: Date, to: Date) -> Self {
        Self { date: vec![from, to], ..Self::default() }
    }

    pub fn validate(&self) -> Result<(), ValidationError> {
        period("filters.date", &self.date)?;
        if let Some(compare) = &self.compare_date {
            period("filters.compare_date", compare)?;
        }
        Ok(())
    }
}

/// A `[from, to]` period: two dates, the first not after the second.
fn period(field: &str, dates: &[Date]) -> Result<(), ValidationError> {
    match dates {
        [from, to] if from.0 <= to.0 => Ok(()),
        [_, _] => Err(ValidationError::new(field, Rule::Range, "the first date is after the second")),
        _ => Err(ValidationError::new(field, Rule::Count, format!("must be [from, to], two dates, got {}", dates.len()))),
    }
}

/// A report's body: checks its filters and its own rules.
pub(crate) trait Report {
    fn filters(&self) -> Option<&MetricsFilters>;

    fn rules(&self) -> Result<(), ValidationError> {
        Ok(())
    }

    fn validate(&self) -> Result<(), ValidationError> {
        if let Some(filters) = self.filters() {
            filters.validate()?;
        }
        self.rules()
    }
}

/// One chart of the dashboard's Analytics (`retrieveAnalyticsData`).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(extend("x-input" = true)))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnalyticsChartParams {
    /// The chart: `revenue`, `mrr`, `arr`, `arppu`, `arpu`, `subscriptions_active`, `trials_new`,
    /// `refund_money`, `installs`, ...
    pub chart_id: ChartId,
    /// Which data the chart covers: `date` (`[from, to]`) and optional filters.
    pub filters: MetricsFilters,
    /// `day`, `week`, `month` (default), `quarter` or `year`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_unit: Option<PeriodUnit>,
    /// Which date is a user's start: `purchase_date` (default) or `profile_install_date`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_type: Option<DateType>,
    /// What to split the chart by: `country`, `store`, `store_product_id`, `attribution_*`,
    /// `paywall_id`, `placement_id`, `duration`, `period`, ... (which ones depends on the chart).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segmentation: Option<String>,
}

impl Report for AnalyticsChartParams {
    fn filters(&self) -> Option<&MetricsFilters> {
        Some(&self.filters)
    }
}

/// Cohorts: what each month's (or week's) new payers paid in each later period.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(extend("x-input" = true)))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CohortParams {
    /// Which data the report covers: `date` (`[from, to]`) and optional filters.
    pub filters: MetricsFilters,
    /// `day`, `week`, `month` (default), `quarter` or `year`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_unit: Option<PeriodUnit>,
    /// Default `renewals`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_type: Option<CohortPeriodType>,
    /// Default `absolute`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_type: Option<CohortValueType>,
    /// Default `revenue`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_field: Option<CohortValueField>,
    /// Default `revenue`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accounting_type: Option<AccountingType>,
    /// The days to report with `period_type` `days`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renewal_days: Option<Vec<u32>>,
    /// 3, 6, 9, 12, 18 or 24 (default 12).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prediction_months: Option<u32>,
}

impl Report for CohortParams {
    fn filters(&self) -> Option<&MetricsFilters> {
        Some(&self.filters)
    }

    fn rules(&self) -> Result<(), ValidationError> {
        match self.prediction_months {
            Some(m) if ![3, 6, 9, 12, 18, 24].contains(&m) => {
                Err(ValidationError::new("prediction_months", Rule::Enum, format!("{m} is not one of 3, 6, 9, 12, 18, 24")))
            }
            _ => Ok(()),
        }
    }
}

/// The conversions the dashboard reports, as `(from_period, to_period)`: install (none) to trial
/// (`0`) or paid (`1`), trial to paid, each paid period to the next, and paid to 6, 12 or 24
/// months and more.
pub const CONVERSIONS: &[(Option<&str>, &str)] = &[
    (None, "0"),
    (None, "1"),
    (Some("0"), "1"),
    (Some("1"), "2"),
    (Some("2"), "3"),
    (Some("3"), "4"),
    (Some("4"), "5"),
    (Some("1"), "6+"),
    (Some("1"), "12+"),
    (Some("1"), "24+"),
];

/// A conversion rate between two periods of a user's life (`retrieveConversionData`).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(extend("x-input" = true)))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConversionParams {
    /// Which data the report covers: `date` (`[from, to]`) and optional filters.
    pub filters: MetricsFilters,
    /// `null` (install), `0` (trial), `1`...`4` (paid periods); sent even when null.
    #[serde(default)]
    pub from_period: Option<String>,
    /// `0`...`5`, `6+`, `12+` or `24+`.
    pub to_period: String,
    /// `day`, `week`, `month`, `quarter` or `year`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_unit: Option<PeriodUnit>,
    /// Which date is a user's start: `purchase_date` (default) or `profile_install_date`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_type: Option<DateType>,
    /// What to split the report by: `country`, `store`, `store_product_id`, `duration`, `attribution_*`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segmentation: Option<String>,
}

impl Report for ConversionParams {
    fn filters(&self) -> Option<&MetricsFilters> {
        Some(&self.filters)
    }

    fn rules(&self) -> Result<(), ValidationError> {
        let pair = (self.from_period.as_deref(), self.to_period.as_str());
        if CONVERSIONS.contains(&pair) {
            return Ok(());
        }
        let known: Vec<String> = CONVERSIONS.iter().map(|(f, t)| format!("{} -> {t}", f.unwrap_or("null"))).collect();
        let message = format!("{} -> {} is not a conversion Adapty reports ({})", pair.0.unwrap_or("null"), pair.1, known.join(", "));
        Err(ValidationError::new("to_period", Rule::Enum, message))
    }
}

/// The funnel from install to paywall, trial, payment and renewals (`retrieveFunnelData`).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(extend("x-input" = true)))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunnelParams {
    /// Which data the report covers: `date` (`[from, to]`) and optional filters.
    pub filters: MetricsFilters,
    /// `day`, `week`, `month`, `quarter` or `year`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_unit: Option<PeriodUnit>,
    /// `absolute`, `relative` or `both`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_value_as: Option<FunnelValueKind>,
    /// What to split the report by: `country`, `store`, `store_product_id`, `duration`, `attribution_*`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segmentation: Option<String>,
}

impl Report for FunnelParams {
    fn filters(&self) -> Option<&MetricsFilters> {
        Some(&self.filters)
    }
}

/// Lifetime value by cohort (`retrieveLTVData`).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(extend("x-input" = true)))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LtvParams {
    /// Which data the report covers: `date` (`[from, to]`) and optional filters.
    pub filters: MetricsFilters,
    /// `day`, `week`, `month`, `quarter` or `year`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_unit: Option<PeriodUnit>,
    /// Periods as `renewals` or `days`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_type: Option<CohortPeriodType>,
    /// What to split the report by: `country`, `store`, `store_product_id`, `duration`, `attribution_*`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segmentation: Option<String>,
}

impl Report for LtvParams {
    fn filters(&self) -> Option<&MetricsFilters> {
        Some(&self.filters)
    }
}

/// Subscription retention by period (`retrieveRetentionData`).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(extend("x-input" = true)))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RetentionParams {
    /// Which data the report covers: `date` (`[from, to]`) and optional filters.
    pub filters: MetricsFilters,
    /// `day`, `week`, `month`, `quarter` or `year`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_unit: Option<PeriodUnit>,
    /// What to split the report by: `country`, `store`, `store_product_id`, `duration`, `attribution_*`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segmentation: Option<String>,
    /// Count trials as the first period (default false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub use_trial: Option<bool>,
}

impl Report for RetentionParams {
    fn filters(&self) -> Option<&MetricsFilters> {
        Some(&self.filters)
    }
}

/// The placements, with the audience, A/B test and paywall (or onboarding) each shows
/// (`retrievePlacementInfo`).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(extend("x-input" = true)))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlacementsParams {
    /// Which placements: `{"placement_type": "paywall"}` or `"onboarding"`.
    pub filters: PlacementFilters,
}

/// Which placements to list.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlacementFilters {
    pub placement_type: PlacementType,
}

impl Report for PlacementsParams {
    fn filters(&self) -> Option<&MetricsFilters> {
        None
    }
}

/// A chart: one [`MetricData`] per accounting type (`revenue`, `proceeds`, `net_revenue`) or,
/// for counts, one entry.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnalyticsChart {
    #[serde(default)]
    pub data: std::collections::BTreeMap<String, MetricData>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One metric over the period: its total (`value`) and its points (`data`, as the dashboard
/// plots them).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricData {
    /// The points, by period (and segment); their shape is not documented.
    #[serde(default, deserialize_with = "super::profile::null_as_empty")]
    pub data: Vec<Value>,
    #[serde(default)]
    pub value: Option<f64>,
    #[serde(default)]
    pub value_from: Option<f64>,
    #[serde(default)]
    pub value_to: Option<f64>,
    #[serde(default)]
    pub compare_value_from: Option<f64>,
    #[serde(default)]
    pub compare_value_to: Option<f64>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(rename = "type", default)]
    pub metric_type: Option<String>,
    #[serde(default)]
    pub default_aggregation: Option<String>,
    /// HTML.
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub metric_name: Option<String>,
    #[serde(default)]
    pub is_json: Option<bool>,
    /// `USD`, `percent`, ...
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub recommended_period: Option<RecommendedPeriod>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The period the dashboard suggests for a metric.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecommendedPeriod {
    pub date_from: String,
    pub date_to: String,
    pub period_unit: String,
}

/// A cohort report: the total, then one segment per cohort.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CohortReport {
    #[serde(default, deserialize_with = "super::profile::null_as_empty")]
    pub data: Vec<CohortSegment>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One cohort (`type` `single`) or the total (`total`), with a value per period.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CohortSegment {
    #[serde(default)]
    pub segment_start_date: Option<String>,
    #[serde(rename = "type", default)]
    pub segment_type: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub total_installs: Option<f64>,
    #[serde(default)]
    pub total_subscriptions: Option<f64>,
    #[serde(default)]
    pub total_paid_subscribers: Option<f64>,
    #[serde(default)]
    pub total_revenue_usd: Option<f64>,
    #[serde(default)]
    pub total_proceeds_usd: Option<f64>,
    #[serde(default)]
    pub total_net_revenue_usd: Option<f64>,
    /// One entry per period (`period` 1, 2, ...): revenue, subscribers, ARPU and the like.
    #[serde(default, deserialize_with = "super::profile::null_as_empty")]
    pub values: Vec<Map<String, Value>>,
    /// The other totals (ARPAS, ARPPU, ... in each accounting) and the prediction.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A funnel report: per segment, its stages.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunnelReport {
    #[serde(default, deserialize_with = "super::profile::null_as_empty")]
    pub data: Vec<FunnelSegment>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunnelSegment {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(rename = "type", default)]
    pub segment_type: Option<String>,
    #[serde(default, deserialize_with = "super::profile::null_as_empty")]
    pub values: Vec<FunnelStage>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A stage of the funnel: `period` -2 is install, -1 paywall shown, 0 trial, 1 paid, ...
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunnelStage {
    pub period: i64,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub value: Option<f64>,
    #[serde(default)]
    pub value_relative: Option<f64>,
    #[serde(default)]
    pub relative_changes: Option<f64>,
    /// The drop-off after this stage.
    #[serde(default)]
    pub following_changes: Option<Map<String, Value>>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// LTV in each accounting.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LtvReport {
    pub revenue: LtvMetric,
    #[serde(default)]
    pub proceeds: Option<LtvMetric>,
    #[serde(default)]
    pub net_revenue: Option<LtvMetric>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LtvMetric {
    #[serde(default, deserialize_with = "super::profile::null_as_empty")]
    pub data: Vec<LtvSegment>,
    #[serde(default)]
    pub value: Option<f64>,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One cohort's LTV (or the total's), with a value per period.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LtvSegment {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(rename = "type", default)]
    pub segment_type: Option<String>,
    #[serde(default)]
    pub value: Option<f64>,
    #[serde(default)]
    pub cohort_size: Option<f64>,
    #[serde(default, deserialize_with = "super::profile::null_as_empty")]
    pub values: Vec<Value>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Retention by period.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RetentionReport {
    #[serde(default, deserialize_with = "super::profile::null_as_empty")]
    pub data: Vec<Value>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub metric_name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub value_type: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The placements report.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlacementReport {
    #[serde(default, deserialize_with = "super::profile::null_as_empty")]
    pub data: Vec<PlacementRow>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A placement and what it shows to one audience.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlacementRow {
    /// The placement's id.
    pub developer_id: String,
    #[serde(default)]
    pub placement_name: Option<String>,
    #[serde(default)]
    pub audience_name: Option<String>,
    /// The audience's id.
    #[serde(default)]
    pub segment_name: Option<String>,
    #[serde(default)]
    pub cross_placement_ab_test_name: Option<String>,
    #[serde(default)]
    pub ab_test_name: Option<String>,
    #[serde(default)]
    pub paywall_name: Option<String>,
    #[serde(default)]
    pub onboarding_name: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A CSV export written to a file: where, and how much.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CsvExport {
    /// The file, as given.
    pub path: String,
    pub bytes: u64,
    /// Lines written, the header line included.
    pub lines: u64,
}
