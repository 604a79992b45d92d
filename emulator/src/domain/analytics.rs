//! The Export Analytics API's reports, computed from what the emulator recorded: every
//! subscription's transactions (`chains`), one-time purchases and refunds. Each report groups by
//! period in the request's time zone and gives Adapty's documented JSON shape and the rows of its
//! CSV. Which definitions are Adapty's and which are the emulator's: docs/EMULATOR.md, "Export
//! Analytics".
//!
//! Also the API's rate limit, 2 requests per second per key, kept in real time: the app's clock
//! may be frozen, and Adapty's limit is about how fast a client calls.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::time::{Duration, Instant};

use adapty_server::{
    AnalyticsChart, AnalyticsChartParams, CONVERSIONS, ChartId, CohortParams, CohortPeriodType, CohortValueField, CohortValueType,
    ConversionParams, Date, FunnelParams, FunnelValueKind, LtvParams, MetricData, MetricsFilters, PeriodUnit, PlacementType,
    RecommendedPeriod, RetentionParams, Rule, TransactionParams, ValidationError,
};
use chrono::{DateTime, Datelike, Days, Months, NaiveDate, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::domain::purchases::usd;
use crate::domain::webhook_events::is_trial;
use crate::state::app::Inner;
use crate::state::profile::StoredProfile;

/// Adapty's limit: requests per [`RATE_WINDOW`] per API key.
pub const RATE_LIMIT: usize = 2;
const RATE_WINDOW: Duration = Duration::from_secs(1);

/// What is left of revenue after the store's commission: the emulator records none, so it takes
/// the 15% of the App Store's Small Business Program and Google Play's subscriptions. No tax is
/// recorded either, so net revenue equals proceeds.
const PROCEEDS_SHARE: f64 = 0.85;

/// The segment of a report that is not segmented, or of a segmentation the emulator has no data
/// for (attribution, paywalls, audiences, ...).
const ALL: &str = "All";

/// Cohort days when a request gives none (Adapty's default `renewal_days`).
const DEFAULT_RENEWAL_DAYS: [u32; 12] = [0, 3, 7, 14, 28, 31, 61, 92, 183, 336, 550, 731];

/// A report as JSON and as the rows of its CSV.
pub struct Report {
    pub json: Value,
    pub header: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

/// Whether a request with `key` at `now` is within the rate limit, counting it if so; a refused
/// request does not count. The window rolls: it holds the last second's admitted requests.
pub fn admit(windows: &mut HashMap<String, VecDeque<Instant>>, key: &str, now: Instant) -> bool {
    let window = windows.entry(key.to_owned()).or_default();
    while window.front().is_some_and(|t| now.duration_since(*t) >= RATE_WINDOW) {
        window.pop_front();
    }
    if window.len() >= RATE_LIMIT {
        return false;
    }
    window.push_back(now);
    true
}

/// The days a report covers (both included) in the request's zone, cut into periods.
struct Frame {
    from: NaiveDate,
    to: NaiveDate,
    tz: Tz,
    unit: PeriodUnit,
    now: DateTime<Utc>,
    /// Each period's first day (the first one may start before `from`).
    periods: Vec<NaiveDate>,
}

impl Frame {
    fn new(field: &str, dates: &[Date], tz: Tz, unit: PeriodUnit, now: DateTime<Utc>) -> Result<Self, ValidationError> {
        let &[from, to] = dates else {
            return Err(ValidationError::new(field, Rule::Count, "must be [from, to], two dates"));
        };
        let (from, to) = (from.0, to.0);
        let mut periods = vec![start_of(unit, from)];
        while let Some(next) = periods.last().map(|p| next_start(unit, *p)).filter(|n| *n <= to) {
            periods.push(next);
        }
        Ok(Self { from, to, tz, unit, now, periods })
    }

    /// The period `at` falls in, if its day (in the zone) is one the report covers.
    fn index(&self, at: DateTime<Utc>) -> Option<usize> {
        let day = at.with_timezone(&self.tz).date_naive();
        if day < self.from || day > self.to {
            return None;
        }
        self.periods.binary_search(&start_of(self.unit, day)).ok()
    }

    /// The last moment of each period the report covers, or now when that is earlier: where a
    /// count of what is active is taken.
    fn samples(&self) -> Vec<DateTime<Utc>> {
        let last_day = self.to.checked_add_days(Days::new(1)).unwrap_or(self.to);
        self.periods
            .iter()
            .map(|p| (self.midnight(next_start(self.unit, *p).min(last_day)) - TimeDelta::milliseconds(1)).min(self.now))
            .collect()
    }

    /// The instant `day` starts in the zone (after a gap at midnight, the gap's end).
    fn midnight(&self, day: NaiveDate) -> DateTime<Utc> {
        let local = day.and_time(chrono::NaiveTime::MIN);
        let at = self.tz.from_local_datetime(&local).earliest().unwrap_or_else(|| self.tz.from_utc_datetime(&local));
        at.with_timezone(&Utc)
    }

    fn label(&self, i: usize) -> String {
        self.periods[i].to_string()
    }
}

/// The first day of the period of `unit` that holds `day` (weeks start on Monday).
fn start_of(unit: PeriodUnit, day: NaiveDate) -> NaiveDate {
    let first_of = |month: u32| NaiveDate::from_ymd_opt(day.year(), month, 1).unwrap_or(day);
    match unit {
        PeriodUnit::Day => day,
        PeriodUnit::Week => day - TimeDelta::days(i64::from(day.weekday().num_days_from_monday())),
        PeriodUnit::Month => first_of(day.month()),
        PeriodUnit::Quarter => first_of((day.month() - 1) / 3 * 3 + 1),
        PeriodUnit::Year => first_of(1),
    }
}

fn next_start(unit: PeriodUnit, start: NaiveDate) -> NaiveDate {
    let next = match unit {
        PeriodUnit::Day => start.checked_add_days(Days::new(1)),
        PeriodUnit::Week => start.checked_add_days(Days::new(7)),
        PeriodUnit::Month => start.checked_add_months(Months::new(1)),
        PeriodUnit::Quarter => start.checked_add_months(Months::new(3)),
        PeriodUnit::Year => start.checked_add_months(Months::new(12)),
    };
    next.unwrap_or(NaiveDate::MAX)
}

/// A transaction as the reports see it.
struct Payment<'a> {
    profile: Uuid,
    /// 0 for a free trial, then 1, 2, ... for a subscription's paid periods; 1 for a one-time
    /// purchase.
    stage: u32,
    store: &'a str,
    /// Lower case, as Adapty's filter examples write it.
    country: Option<String>,
    product: &'a str,
    duration: &'static str,
    at: DateTime<Utc>,
    /// A subscription's period end; none for a one-time purchase.
    ends: Option<DateTime<Utc>>,
    usd: f64,
    refunded_at: Option<DateTime<Utc>>,
    billing_issue_at: Option<DateTime<Utc>>,
    grace_ends: Option<DateTime<Utc>>,
}

impl Payment<'_> {
    fn trial(&self) -> bool {
        self.stage == 0
    }

    /// Paid for the period holding `at` and not refunded.
    fn active_at(&self, at: DateTime<Utc>) -> bool {
        self.refunded_at.is_none() && self.at <= at && self.ends.is_some_and(|e| at < e)
    }

    /// Its price normalized to a month (Adapty's MRR): a period's days over a month's average
    /// length, rounded to whole months from a month up (a weekly one is 0.23 months).
    fn monthly_usd(&self) -> f64 {
        let days = self.ends.map_or(0.0, |e| (e - self.at).num_seconds() as f64 / 86_400.0);
        let months = days / 30.4375;
        let months = if months >= 1.0 { months.round() } else { months };
        if months > 0.0 { self.usd / months } else { 0.0 }
    }

    fn segment(&self, by: Option<&str>) -> String {
        match by {
            Some("store") => self.store.to_owned(),
            Some("country") => self.country.clone().unwrap_or_else(|| "unknown".to_owned()),
            Some("store_product_id") => self.product.to_owned(),
            Some("duration") => self.duration.to_owned(),
            _ => ALL.to_owned(),
        }
    }
}

/// The `duration` filter's label of a period of `days` (none: a one-time purchase).
fn duration(days: Option<i64>) -> &'static str {
    match days {
        None => "Lifetime",
        Some(0..=8) => "Weekly",
        Some(27..=32) => "Monthly",
        Some(58..=63) => "2 months",
        Some(88..=93) => "3 months",
        Some(178..=186) => "6 months",
        Some(360..=370) => "Annual",
        Some(_) => "Uncategorized",
    }
}

/// One subscription: its payments, oldest first.
struct Chain<'a> {
    payments: Vec<Payment<'a>>,
    renewal_cancelled_at: Option<DateTime<Utc>>,
}

impl Chain<'_> {
    fn stage(&self, n: u32) -> Option<&Payment<'_>> {
        self.payments.iter().find(|p| p.stage == n)
    }

    fn last_stage(&self) -> u32 {
        self.payments.iter().map(|p| p.stage).max().unwrap_or(0)
    }
}

/// Everything the filters admit, from every profile.
struct Ledger<'a> {
    chains: Vec<Chain<'a>>,
    one_time: Vec<Payment<'a>>,
    /// The app's profiles: its users, whose creation the emulator does not date.
    profiles: usize,
}

impl<'a> Ledger<'a> {
    fn new(state: &'a Inner, filters: &MetricsFilters) -> Self {
        let mut ledger = Ledger { chains: Vec::new(), one_time: Vec::new(), profiles: state.profiles.len() };
        for profile in state.profiles.values() {
            let country = profile_country(profile);
            // A transaction id counts once, as in the profile's revenue.
            let mut seen = HashSet::new();
            for (original, transactions) in &profile.chains {
                let mut sorted: Vec<&TransactionParams> = transactions.iter().filter(|t| seen.insert(&t.store_transaction_id)).collect();
                sorted.sort_by_key(|t| t.purchased_at);
                let mut paid = 0;
                let payments: Vec<Payment> = sorted
                    .into_iter()
                    .map(|t| {
                        paid += u32::from(!is_trial(t));
                        subscription_payment(profile, t, if is_trial(t) { 0 } else { paid })
                    })
                    .filter(|p| admits(filters, p))
                    .collect();
                let subscription = profile.subscriptions.iter().find(|s| s.store_original_transaction_id.as_deref() == Some(original));
                let renewal_cancelled_at = subscription.and_then(|s| s.renewal_cancelled_at).map(|t| t.0.to_utc());
                if !payments.is_empty() {
                    ledger.chains.push(Chain { payments, renewal_cancelled_at });
                }
            }
            for n in &profile.non_subscriptions {
                let (Some(id), Some(at)) = (&n.store_transaction_id, n.purchased_at) else { continue };
                let payment = Payment {
                    profile: profile.profile_id,
                    stage: 1,
                    store: n.store.as_str(),
                    country: country.clone(),
                    product: &n.store_product_id,
                    duration: duration(None),
                    at: at.0.to_utc(),
                    ends: None,
                    // The emulator keeps no price of a refunded one-time purchase (its revenue is
                    // 0) nor when it was refunded: it counts 0, and as no refund.
                    usd: profile.revenue.get(id).copied().unwrap_or(0.0),
                    refunded_at: None,
                    billing_issue_at: None,
                    grace_ends: None,
                };
                if seen.insert(id) && admits(filters, &payment) {
                    ledger.one_time.push(payment);
                }
            }
        }
        ledger
    }

    fn subscription_payments(&self) -> impl Iterator<Item = &Payment<'a>> {
        self.chains.iter().flat_map(|c| &c.payments)
    }

    fn payments(&self) -> impl Iterator<Item = &Payment<'a>> {
        self.subscription_payments().chain(&self.one_time)
    }

    /// Each profile's first payment: the emulator's stand-in for its install (it does not
    /// record when a profile was made).
    fn first_payments(&self) -> Vec<&Payment<'a>> {
        let mut first: HashMap<Uuid, &Payment> = HashMap::new();
        for p in self.payments() {
            let entry = first.entry(p.profile).or_insert(p);
            if p.at < entry.at {
                *entry = p;
            }
        }
        first.into_values().collect()
    }
}

fn subscription_payment<'a>(profile: &StoredProfile, t: &'a TransactionParams, stage: u32) -> Payment<'a> {
    let at = t.purchased_at.0.to_utc();
    let ends = t.expires_at.map(|e| e.0.to_utc());
    Payment {
        profile: profile.profile_id,
        stage,
        store: &t.store,
        country: Some(t.price.country.as_str().to_ascii_lowercase()),
        product: &t.store_product_id,
        duration: duration(Some(ends.map_or(0, |e| (e - at).num_days()))),
        at,
        ends,
        usd: usd(&t.price),
        refunded_at: t.refunded_at.map(|r| r.0.to_utc()),
        billing_issue_at: t.billing_issue_detected_at.map(|b| b.0.to_utc()),
        grace_ends: t.grace_period_expires_at.map(|g| g.0.to_utc()),
    }
}

/// The profile's store country, else its IP country, for one-time purchases (whose price the
/// emulator does not keep).
fn profile_country(profile: &StoredProfile) -> Option<String> {
    ["store_country", "ip_country"].iter().find_map(|k| profile.fields.get(*k)?.as_str()).map(str::to_ascii_lowercase)
}

/// Whether every filter the emulator has data for admits `p` (any of a filter's values, in any
/// case). Filters of data it does not record (attribution, offers) are ignored.
fn admits(filters: &MetricsFilters, p: &Payment) -> bool {
    let any = |list: &Option<Vec<String>>, value: Option<&str>| {
        list.as_ref().is_none_or(|l| value.is_some_and(|v| l.iter().any(|x| x.eq_ignore_ascii_case(v))))
    };
    any(&filters.store, Some(p.store))
        && any(&filters.country, p.country.as_deref())
        && any(&filters.store_product_id, Some(p.product))
        && any(&filters.duration, Some(p.duration))
}

/// One row of values per segment, one value per period, and the value over the whole report.
struct Grid {
    rows: BTreeMap<String, Vec<f64>>,
    value: f64,
}

impl Grid {
    fn scaled(&self, factor: f64) -> Grid {
        let rows = self.rows.iter().map(|(s, v)| (s.clone(), v.iter().map(|x| x * factor).collect())).collect();
        Grid { rows, value: self.value * factor }
    }

    /// Cell by cell `self / by` (0 where `by` is 0).
    fn over(&self, by: &Grid) -> Grid {
        let div = |a: f64, b: f64| if b == 0.0 { 0.0 } else { a / b };
        let rows = self
            .rows
            .iter()
            .map(|(s, v)| {
                let d = by.rows.get(s);
                (s.clone(), v.iter().enumerate().map(|(i, x)| div(*x, d.map_or(0.0, |d| d[i]))).collect())
            })
            .collect();
        Grid { rows, value: div(self.value, by.value) }
    }
}

/// Something that happened, for a report that counts or sums what happened in each period.
struct Event {
    at: DateTime<Utc>,
    segment: String,
    amount: f64,
    /// Counted once per period and segment (distinct payers), when given.
    who: Option<Uuid>,
}

/// A report's frame over the admitted data, split by `by`.
struct Scope<'a> {
    frame: Frame,
    ledger: &'a Ledger<'a>,
    by: Option<&'a str>,
}

impl Scope<'_> {
    fn event(&self, p: &Payment, at: DateTime<Utc>, amount: f64) -> Event {
        Event { at, segment: p.segment(self.by), amount, who: None }
    }

    /// The rows a report starts with: the one segment when it is not segmented.
    fn empty(&self) -> BTreeMap<String, Vec<f64>> {
        let segmented = matches!(self.by, Some("store" | "country" | "store_product_id" | "duration"));
        if segmented { BTreeMap::new() } else { BTreeMap::from([(ALL.to_owned(), vec![0.0; self.frame.periods.len()])]) }
    }

    /// Sums (or, with `who`, counts distinct) what happened in each period.
    fn flow(&self, events: impl IntoIterator<Item = Event>) -> Grid {
        let (mut rows, mut value) = (self.empty(), 0.0);
        let (mut cells, mut whole) = (HashSet::new(), HashSet::new());
        let n = self.frame.periods.len();
        for e in events {
            let Some(i) = self.frame.index(e.at) else { continue };
            let (cell, once) = match e.who {
                Some(who) => (cells.insert((e.segment.clone(), i, who)), whole.insert(who)),
                None => (true, true),
            };
            if cell {
                rows.entry(e.segment).or_insert_with(|| vec![0.0; n])[i] += e.amount;
            }
            if once {
                value += e.amount;
            }
        }
        Grid { rows, value }
    }

    /// What `sample` finds at the end of each period; the report's value is the last period's.
    fn stock(&self, sample: impl Fn(&Payment, DateTime<Utc>) -> f64) -> Grid {
        let mut rows = self.empty();
        let n = self.frame.periods.len();
        for (i, at) in self.frame.samples().into_iter().enumerate() {
            for p in self.ledger.subscription_payments() {
                let v = sample(p, at);
                if v != 0.0 {
                    rows.entry(p.segment(self.by)).or_insert_with(|| vec![0.0; n])[i] += v;
                }
            }
        }
        let value = rows.values().map(|r| r.last().copied().unwrap_or(0.0)).sum();
        Grid { rows, value }
    }

    /// Revenue: each payment on its day, each refund taken off on the refund's day.
    fn revenue(&self) -> Grid {
        let ledger = self.ledger;
        let sales = ledger.payments().map(|p| self.event(p, p.at, p.usd));
        let refunds = ledger.payments().filter_map(|p| Some(self.event(p, p.refunded_at?, -p.usd)));
        self.flow(sales.chain(refunds))
    }

    fn count(&self, events: impl Iterator<Item = (DateTime<Utc>, String)>) -> Grid {
        self.flow(events.map(|(at, segment)| Event { at, segment, amount: 1.0, who: None }))
    }

    /// Payments of `stage` (0: trials started, 1: subscriptions started), counted on their day.
    fn starts(&self, stage: u32) -> Grid {
        self.count(self.ledger.subscription_payments().filter(|p| p.stage == stage).map(|p| (p.at, p.segment(self.by))))
    }

    /// Renewals turned off, during a trial or a paid period.
    fn cancellations(&self, trial: bool) -> Grid {
        let cancelled = self.ledger.chains.iter().filter_map(|c| {
            let at = c.renewal_cancelled_at?;
            let current = c.payments.iter().rev().find(|p| p.at <= at).or(c.payments.first())?;
            (current.trial() == trial).then(|| (at, current.segment(self.by)))
        });
        self.count(cancelled)
    }

    /// Subscriptions (or trials) that ended unrenewed by now: at their last period's end, or a
    /// grace period's; a refunded one is a refund, not an expiry.
    fn expiries(&self, trial: bool) -> Grid {
        let now = self.frame.now;
        let expired = self.ledger.chains.iter().filter_map(|c| {
            let last = c.payments.last()?;
            let end = last.grace_ends.filter(|_| last.billing_issue_at.is_some()).max(last.ends)?;
            (last.refunded_at.is_none() && end <= now && last.trial() == trial).then(|| (end, last.segment(self.by)))
        });
        self.count(expired)
    }

    fn billing_issues(&self, in_grace: bool) -> Grid {
        let issues = self.ledger.subscription_payments().filter(|p| !in_grace || p.grace_ends.is_some());
        self.count(issues.filter_map(|p| Some((p.billing_issue_at?, p.segment(self.by)))))
    }

    fn refunds(&self, money: bool) -> Grid {
        let refunded = self.ledger.payments().filter(|p| p.usd > 0.0);
        self.flow(refunded.filter_map(|p| Some(self.event(p, p.refunded_at?, if money { p.usd } else { 1.0 }))))
    }

    /// Distinct payers in each period (a refunded payment's payer too, as Adapty's ARPPU counts).
    fn payers(&self) -> Grid {
        let paying = self.ledger.payments().filter(|p| p.usd > 0.0);
        self.flow(paying.map(|p| Event { at: p.at, segment: p.segment(self.by), amount: 1.0, who: Some(p.profile) }))
    }

    /// Every period and segment of `like` with the app's number of users.
    fn users(&self, like: &Grid) -> Grid {
        let users = self.ledger.profiles as f64;
        Grid { rows: like.rows.iter().map(|(s, v)| (s.clone(), vec![users; v.len()])).collect(), value: users }
    }

    fn grid(&self, chart: ChartId) -> Grid {
        let active = |trial: bool| move |p: &Payment, at| f64::from(u8::from(p.trial() == trial && p.active_at(at)));
        let mrr = || self.stock(|p, at| if !p.trial() && p.active_at(at) { p.monthly_usd() } else { 0.0 });
        match chart {
            ChartId::Revenue => self.revenue(),
            ChartId::Mrr => mrr(),
            ChartId::Arr => mrr().scaled(12.0),
            ChartId::Arppu => self.revenue().over(&self.payers()),
            ChartId::Arpu => {
                let revenue = self.revenue();
                revenue.over(&self.users(&revenue))
            }
            ChartId::SubscriptionsActive => self.stock(active(false)),
            ChartId::TrialsActive => self.stock(active(true)),
            ChartId::SubscriptionsNew => self.starts(1),
            ChartId::TrialsNew => self.starts(0),
            ChartId::SubscriptionsRenewalCancelled => self.cancellations(false),
            ChartId::TrialsRenewalCancelled => self.cancellations(true),
            ChartId::SubscriptionsExpired => self.expiries(false),
            ChartId::TrialsExpired => self.expiries(true),
            ChartId::GracePeriod => self.billing_issues(true),
            ChartId::BillingIssue => self.billing_issues(false),
            ChartId::RefundEvents => self.refunds(false),
            ChartId::RefundMoney => self.refunds(true),
            ChartId::NonSubscriptions => self.count(self.ledger.one_time.iter().map(|p| (p.at, p.segment(self.by)))),
            ChartId::Installs => self.count(self.ledger.first_payments().into_iter().map(|p| (p.at, p.segment(self.by)))),
        }
    }
}

/// A chart's title, unit, how its points add up, and what it counts (the dashboard's HTML).
fn chart_meta(chart: ChartId) -> (&'static str, &'static str, &'static str, &'static str) {
    match chart {
        ChartId::Revenue => {
            ("Revenue", "USD", "sum", "Payments of subscriptions and one-time purchases, minus refunds on the refund's day.")
        }
        ChartId::Mrr => ("MRR", "USD", "last", "Active paid subscriptions' prices normalized to a month."),
        ChartId::Arr => ("ARR", "USD", "last", "MRR times 12."),
        ChartId::Arppu => ("ARPPU", "USD", "avg", "Revenue over the users who paid in the period."),
        ChartId::Arpu => ("ARPU", "USD", "avg", "Revenue over the app's users."),
        ChartId::SubscriptionsActive => ("Active subscriptions", "", "last", "Paid subscriptions active at the period's end."),
        ChartId::SubscriptionsNew => ("New subscriptions", "", "sum", "First paid periods of subscriptions (trial conversions too)."),
        ChartId::SubscriptionsRenewalCancelled => {
            ("Subscriptions renewal cancelled", "", "sum", "Paid subscriptions whose renewal was turned off.")
        }
        ChartId::SubscriptionsExpired => ("Expired subscriptions", "", "sum", "Paid subscriptions that ended without renewing."),
        ChartId::TrialsActive => ("Active trials", "", "last", "Free trials active at the period's end."),
        ChartId::TrialsNew => ("New trials", "", "sum", "Free trials started."),
        ChartId::TrialsRenewalCancelled => ("Trials renewal cancelled", "", "sum", "Free trials whose renewal was turned off."),
        ChartId::TrialsExpired => ("Expired trials", "", "sum", "Free trials that ended without converting."),
        ChartId::GracePeriod => ("Grace period", "", "sum", "Subscriptions that entered a grace period."),
        ChartId::BillingIssue => ("Billing issue", "", "sum", "Subscriptions with a billing issue detected."),
        ChartId::RefundEvents => ("Refund events", "", "sum", "Purchases refunded, on the refund's day."),
        ChartId::RefundMoney => ("Refund money", "USD", "sum", "Money refunded, on the refund's day."),
        ChartId::NonSubscriptions => ("Non-subscriptions", "", "sum", "One-time purchases."),
        ChartId::Installs => ("Installs", "", "sum", "Users, on the day of their first purchase (the emulator does not date installs)."),
    }
}

/// Money rounded to cents (counts are whole already); `+ 0.0` turns -0.0 into 0.0.
fn cents(x: f64) -> f64 {
    (x * 100.0).round() / 100.0 + 0.0
}

/// The zone, period unit and ledger a metrics report needs.
fn scope<'a>(
    frame_of: (&str, &[Date]),
    tz: Tz,
    unit: Option<PeriodUnit>,
    ledger: &'a Ledger<'a>,
    by: Option<&'a str>,
    now: DateTime<Utc>,
) -> Result<Scope<'a>, ValidationError> {
    let frame = Frame::new(frame_of.0, frame_of.1, tz, unit.unwrap_or(PeriodUnit::Month), now)?;
    Ok(Scope { frame, ledger, by })
}

fn now(state: &Inner) -> DateTime<Utc> {
    state.now().0.to_utc()
}

/// `retrieveAnalyticsData`: one chart, per period and segment; money charts in each accounting
/// type, the others under the chart's id.
pub fn chart(state: &Inner, params: &AnalyticsChartParams, tz: Tz) -> Result<Report, ValidationError> {
    params.filters.validate()?;
    let ledger = Ledger::new(state, &params.filters);
    let by = params.segmentation.as_deref();
    let main = scope(("filters.date", &params.filters.date), tz, params.period_unit, &ledger, by, now(state))?;
    let compare = match &params.filters.compare_date {
        Some(dates) => {
            Some(scope(("filters.compare_date", dates), tz, params.period_unit, &ledger, by, now(state))?.grid(params.chart_id).value)
        }
        None => None,
    };
    let grid = main.grid(params.chart_id);
    let (title, unit, aggregation, description) = chart_meta(params.chart_id);
    let accountings: Vec<(String, f64)> = if unit == "USD" {
        vec![("revenue".into(), 1.0), ("proceeds".into(), PROCEEDS_SHARE), ("net_revenue".into(), PROCEEDS_SHARE)]
    } else {
        vec![(params.chart_id.as_str().to_owned(), 1.0)]
    };
    let mut data = BTreeMap::new();
    let mut rows = Vec::new();
    for (accounting, factor) in accountings {
        let grid = grid.scaled(factor);
        rows.extend(points(&main.frame, &grid).map(|(date, segment, value)| vec![accounting.clone(), date, segment, value.to_string()]));
        let metric = MetricData {
            data: points(&main.frame, &grid)
                .map(|(date, segment, value)| json!({ "date": date, "segment": segment, "value": value }))
                .collect(),
            value: Some(cents(grid.value)),
            value_from: None,
            value_to: None,
            compare_value_from: None,
            compare_value_to: compare.map(|c| cents(c * factor)),
            title: Some(accounting.clone()),
            metric_type: Some("multi".into()),
            default_aggregation: Some(aggregation.into()),
            description: Some(format!("<div>{description}</div>")),
            metric_name: Some(title.into()),
            is_json: Some(true),
            unit: Some(unit.into()).filter(|u: &String| !u.is_empty()),
            recommended_period: None,
            extra: Map::new(),
        };
        data.insert(accounting, metric);
    }
    let mut json = serde_json::to_value(AnalyticsChart { data, extra: Map::new() }).unwrap_or_default();
    // A count has no unit: the key is left out (the spec's `unit` is a string, never null).
    for metric in json["data"].as_object_mut().into_iter().flat_map(|m| m.values_mut()) {
        if let Some(fields) = metric.as_object_mut().filter(|f| f.get("unit").is_some_and(Value::is_null)) {
            fields.remove("unit");
        }
    }
    Ok(Report { json, header: vec!["metric", "date", "segment", "value"], rows })
}

/// A grid's points, `(period start, segment, value in cents)`, segment by segment.
fn points<'g>(frame: &'g Frame, grid: &'g Grid) -> impl Iterator<Item = (String, String, f64)> + 'g {
    grid.rows
        .iter()
        .flat_map(move |(segment, values)| values.iter().enumerate().map(move |(i, v)| (frame.label(i), segment.clone(), cents(*v))))
}

/// Subscriptions grouped by the period their first paid payment (with `from_trial`, their first
/// payment) falls in; those starting outside the report are left out.
fn cohorts<'l>(scope: &Scope<'l>, from_trial: bool) -> BTreeMap<usize, Vec<&'l Chain<'l>>> {
    let mut cohorts: BTreeMap<usize, Vec<&Chain>> = BTreeMap::new();
    for chain in &scope.ledger.chains {
        let start = chain.payments.iter().find(|p| from_trial || !p.trial());
        if let Some(i) = start.and_then(|p| scope.frame.index(p.at)) {
            cohorts.entry(i).or_default().push(chain);
        }
    }
    cohorts
}

/// What a cohort's subscriptions paid in one period of their life.
struct Cell {
    period: u32,
    subscriptions: usize,
    subscribers: usize,
    revenue: f64,
    /// Some subscription is in this period now.
    current: bool,
}

/// A cohort's periods: by renewals, the paid periods 1, 2, ...; by days, the payments made by
/// each of `days` after the first paid payment (after the one before).
fn cells<'l>(chains: &[&'l Chain<'l>], days: Option<&[u32]>, now: DateTime<Utc>) -> Vec<Cell> {
    let cell = |period: u32, of: &dyn Fn(&'l Chain<'l>) -> Vec<&'l Payment<'l>>| {
        let payments: Vec<Vec<&Payment>> = chains.iter().map(|c| of(c)).filter(|p| !p.is_empty()).collect();
        let subscribers: HashSet<Uuid> = payments.iter().flatten().map(|p| p.profile).collect();
        Cell {
            period,
            subscriptions: payments.len(),
            subscribers: subscribers.len(),
            revenue: payments.iter().flatten().filter(|p| p.refunded_at.is_none()).map(|p| p.usd).sum(),
            current: payments.iter().flatten().any(|p| p.active_at(now)),
        }
    };
    match days {
        None => {
            let last = chains.iter().map(|c| c.last_stage()).max().unwrap_or(0);
            (1..=last).map(|n| cell(n, &|c: &'l Chain<'l>| c.stage(n).into_iter().collect())).collect()
        }
        Some(days) => (0..days.len())
            .map(|i| {
                let within = |c: &'l Chain<'l>| {
                    let Some(first) = c.stage(1) else { return Vec::new() };
                    let by = |d: u32| first.at + TimeDelta::days(i64::from(d));
                    let after = i.checked_sub(1).map(|j| by(days[j]));
                    c.payments.iter().filter(|p| !p.trial() && p.at <= by(days[i]) && after.is_none_or(|a| p.at > a)).collect()
                };
                cell(i as u32 + 1, &within)
            })
            .collect(),
    }
}

/// `retrieveCohortData`: per cohort and in total, what each period brought.
pub fn cohort(state: &Inner, params: &CohortParams, tz: Tz) -> Result<Report, ValidationError> {
    params.filters.validate()?;
    let ledger = Ledger::new(state, &params.filters);
    let scope = scope(("filters.date", &params.filters.date), tz, params.period_unit, &ledger, None, now(state))?;
    let days = match params.period_type {
        Some(CohortPeriodType::Days) => Some(params.renewal_days.clone().unwrap_or_else(|| DEFAULT_RENEWAL_DAYS.to_vec())),
        _ => None,
    };
    let field = params.value_field.unwrap_or(CohortValueField::Revenue);
    let relative = params.value_type == Some(CohortValueType::Relative);
    let groups = cohorts(&scope, false);
    let all: Vec<&Chain> = groups.values().flatten().copied().collect();
    let segments = std::iter::once(("total", scope.frame.from, all))
        .chain(groups.into_iter().map(|(i, chains)| ("single", scope.frame.periods[i], chains)));
    let (mut data, mut rows) = (Vec::new(), Vec::new());
    for (kind, start, chains) in segments {
        let cells = cells(&chains, days.as_deref(), scope.frame.now);
        for c in &cells {
            let value = cohort_value(field, relative, c, cells.first());
            rows.push(vec![start.to_string(), kind.into(), c.period.to_string(), cents(value).to_string()]);
        }
        data.push(cohort_segment(kind, start, &chains, &cells));
    }
    Ok(Report { json: json!({ "data": data }), header: vec!["segment_start_date", "type", "period", "value"], rows })
}

/// The value a cohort's CSV shows for a period: `value_field`, absolute or as a percentage of
/// the first period's.
fn cohort_value(field: CohortValueField, relative: bool, cell: &Cell, first: Option<&Cell>) -> f64 {
    let of = |c: &Cell| match field {
        CohortValueField::Subscriptions => c.subscriptions as f64,
        CohortValueField::Subscribers => c.subscribers as f64,
        CohortValueField::Revenue => c.revenue,
        CohortValueField::Arppu | CohortValueField::Arpu | CohortValueField::Arpas => per(c.revenue, c.subscribers),
    };
    match (relative, first.map(of)) {
        (true, Some(base)) if base != 0.0 => of(cell) / base * 100.0,
        (true, _) => 0.0,
        (false, _) => of(cell),
    }
}

fn per(amount: f64, count: usize) -> f64 {
    if count == 0 { 0.0 } else { amount / count as f64 }
}

/// A cohort as Adapty's `data` item: totals in each accounting type, then a value per period.
/// Its users are its payers (the emulator does not date installs), so ARPU, ARPAS and ARPPU
/// coincide.
fn cohort_segment(kind: &str, start: NaiveDate, chains: &[&Chain], cells: &[Cell]) -> Value {
    let payers = chains.iter().map(|c| c.payments[0].profile).collect::<BTreeSet<_>>().len();
    let revenue: f64 = cells.iter().map(|c| c.revenue).sum();
    let mut segment = json!({
        "segment_start_date": start.to_string(),
        "type": kind,
        "title": if kind == "total" { "Total".to_owned() } else { start.to_string() },
        "total_installs": payers,
        "total_subscriptions": chains.len(),
        "total_paid_subscribers": payers,
        "predict": null,
    });
    let first = cells.first();
    let values: Vec<Value> = cells
        .iter()
        .map(|c| {
            let relative = |x: fn(&Cell) -> f64| first.map_or(0.0, |f| if x(f) == 0.0 { 0.0 } else { cents(x(c) / x(f) * 100.0) });
            let mut v = json!({
                "period": c.period,
                "installs": payers,
                "subscriptions": c.subscriptions,
                "subscriptions_relative": relative(|c| c.subscriptions as f64),
                "subscribers": c.subscribers,
                "subscribers_relative": relative(|c| c.subscribers as f64),
                "currently_active_period": c.current,
            });
            money(&mut v, "", "_usd", c.revenue, c.subscribers);
            // A share of revenue is the same share of proceeds and of net revenue.
            let revenue_relative = relative(|c| c.revenue);
            for (name, _) in accountings() {
                v[format!("{name}_relative")] = json!(revenue_relative);
            }
            v
        })
        .collect();
    money(&mut segment, "total_", "_usd", revenue, payers);
    segment["values"] = json!(values);
    segment
}

/// Adapty's accounting types and the share of revenue each keeps.
fn accountings() -> [(&'static str, f64); 3] {
    [("revenue", 1.0), ("proceeds", PROCEEDS_SHARE), ("net_revenue", PROCEEDS_SHARE)]
}

/// Writes `revenue` in each accounting type (`revenue_usd`, `proceeds_usd`, `net_revenue_usd`)
/// and per user (`arpu`, `appu`, `anrpu`, and the same for `pas` and `ppu`) into `into`.
fn money(into: &mut Value, prefix: &str, suffix: &str, revenue: f64, users: usize) {
    for ((name, share), short) in accountings().into_iter().zip(["r", "p", "nr"]) {
        into[format!("{prefix}{name}{suffix}")] = json!(cents(revenue * share));
        for per_what in ["pu", "pas", "ppu"] {
            into[format!("{prefix}a{short}{per_what}{suffix}")] = json!(cents(per(revenue * share, users)));
        }
    }
}

/// A stage of a user's life as `from_period`/`to_period` name it: `None` install, `0` trial,
/// `1`... paid periods, `N+` paying after N months.
#[derive(Clone, Copy)]
enum Stage {
    Install,
    Period(u32),
    Months(u32),
}

fn stage(text: Option<&str>) -> Option<Stage> {
    match text {
        None => Some(Stage::Install),
        Some(t) => match t.strip_suffix('+') {
            Some(months) => months.parse().ok().map(Stage::Months),
            None => t.parse().ok().map(Stage::Period),
        },
    }
}

fn stage_name(s: Stage) -> String {
    match s {
        Stage::Install => "install".into(),
        Stage::Period(0) => "trial".into(),
        Stage::Period(1) => "paid".into(),
        Stage::Period(n) => format!("period_{n}"),
        Stage::Months(m) => format!("{m}_months"),
    }
}

/// Whether a subscription reached `to`.
fn reached(chain: &Chain, to: Stage) -> bool {
    match to {
        Stage::Install => true,
        Stage::Period(n) => chain.stage(n).is_some(),
        Stage::Months(m) => chain.stage(1).is_some_and(|first| {
            let after = first.at.checked_add_months(Months::new(m)).unwrap_or(DateTime::<Utc>::MAX_UTC);
            chain.payments.iter().any(|p| !p.trial() && p.at >= after)
        }),
    }
}

/// `retrieveConversionData`: of those who reached `from_period` in each period, the share that
/// went on to `to_period` (by now).
pub fn conversion(state: &Inner, params: &ConversionParams, tz: Tz) -> Result<Report, ValidationError> {
    params.filters.validate()?;
    let pair = (params.from_period.as_deref(), params.to_period.as_str());
    let (Some(from), Some(to), true) = (stage(pair.0), stage(Some(pair.1)), CONVERSIONS.contains(&pair)) else {
        let known: Vec<String> = CONVERSIONS.iter().map(|(f, t)| format!("{} -> {t}", f.unwrap_or("null"))).collect();
        let message = format!("{} -> {} is not a conversion Adapty reports ({})", pair.0.unwrap_or("null"), pair.1, known.join(", "));
        return Err(ValidationError::new("to_period", Rule::Enum, message));
    };
    let ledger = Ledger::new(state, &params.filters);
    let scope = scope(("filters.date", &params.filters.date), tz, params.period_unit, &ledger, params.segmentation.as_deref(), now(state))?;
    let (base, converted) = conversion_events(&scope, from, to);
    let (base, converted) = (scope.flow(base), scope.flow(converted));
    let rate = converted.over(&base).scaled(100.0);
    let mut data = Vec::new();
    let mut rows = Vec::new();
    for (segment, values) in &rate.rows {
        for (i, v) in values.iter().enumerate() {
            let (b, c) = (base.rows.get(segment).map_or(0.0, |r| r[i]), converted.rows.get(segment).map_or(0.0, |r| r[i]));
            data.push(json!({ "date": scope.frame.label(i), "segment": segment, "value": cents(*v), "value_from": b, "value_to": c }));
            rows.push(vec![scope.frame.label(i), segment.clone(), cents(*v).to_string(), b.to_string(), c.to_string()]);
        }
    }
    let (from_name, to_name) = (stage_name(from), stage_name(to));
    let metric = MetricData {
        data,
        value: Some(cents(rate.value)),
        value_from: Some(base.value),
        value_to: Some(converted.value),
        compare_value_from: None,
        compare_value_to: None,
        title: Some(format!("Conversion rate from {from_name} to {to_name}").replace('_', " ")),
        metric_type: Some("multi".into()),
        default_aggregation: Some("sum".into()),
        description: Some("<div>Of those who reached the first stage in the period, the share that reached the second.</div>".into()),
        metric_name: Some(format!("from_{from_name}_to_{to_name}_conversion")),
        is_json: Some(true),
        unit: Some("percent".into()),
        // The spec's conversion answer always has one (Adapty's example: the app's whole history
        // by month); the emulator suggests the period asked for.
        recommended_period: Some(RecommendedPeriod {
            date_from: scope.frame.from.to_string(),
            date_to: scope.frame.to.to_string(),
            period_unit: scope.frame.unit.to_string(),
        }),
        extra: Map::new(),
    };
    let json = serde_json::to_value(metric).unwrap_or_default();
    Ok(Report { json, header: vec!["date", "segment", "value", "value_from", "value_to"], rows })
}

/// Who reached `from` (on the day they did) and, of them, who went on to `to`: users (by their
/// first payment) from install, subscriptions otherwise.
fn conversion_events(scope: &Scope, from: Stage, to: Stage) -> (Vec<Event>, Vec<Event>) {
    let (mut base, mut converted) = (Vec::new(), Vec::new());
    let mut add = |p: &Payment, yes: bool| {
        base.push(scope.event(p, p.at, 1.0));
        if yes {
            converted.push(scope.event(p, p.at, 1.0));
        }
    };
    match from {
        Stage::Install => {
            for first in scope.ledger.first_payments() {
                let mine = |p: &&Payment| p.profile == first.profile;
                // To a trial (`0`) or to paying (`1`, a one-time purchase too).
                let yes = match to {
                    Stage::Period(0) => scope.ledger.subscription_payments().filter(mine).any(Payment::trial),
                    _ => scope.ledger.payments().filter(mine).any(|p| !p.trial()),
                };
                add(first, yes);
            }
        }
        // `N+` is only ever a `to_period` (CONVERSIONS).
        Stage::Months(_) => {}
        Stage::Period(n) => {
            for chain in &scope.ledger.chains {
                if let Some(p) = chain.stage(n) {
                    add(p, reached(chain, to));
                }
            }
        }
    }
    (base, converted)
}

/// `retrieveFunnelData`: of the users whose first purchase falls in the report, how many reached
/// a trial, a first payment and each renewal, and the drop-off after each stage.
pub fn funnel(state: &Inner, params: &FunnelParams, tz: Tz) -> Result<Report, ValidationError> {
    params.filters.validate()?;
    let ledger = Ledger::new(state, &params.filters);
    let scope = scope(("filters.date", &params.filters.date), tz, params.period_unit, &ledger, None, now(state))?;
    let users: HashSet<Uuid> =
        ledger.first_payments().into_iter().filter(|p| scope.frame.index(p.at).is_some()).map(|p| p.profile).collect();
    let last = ledger.chains.iter().map(Chain::last_stage).max().unwrap_or(0).max(1);
    // The Web API's paywall views (the SDKs' are not played): the installs that saw a paywall
    // within the range.
    let saw_paywall = users
        .iter()
        .filter(|id| {
            let views = state.profiles.get(id).map_or(&[][..], |p| &p.paywall_views[..]);
            views.iter().any(|v| scope.frame.index(v.visited_at.0.with_timezone(&Utc)).is_some())
        })
        .count();
    let mut stages = vec![(-2_i64, "Install".to_owned(), users.len()), (-1, "Paywall displayed".to_owned(), saw_paywall)];
    for n in 0..=last {
        let reached: HashSet<Uuid> = ledger
            .chains
            .iter()
            .filter(|c| users.contains(&c.payments[0].profile) && c.stage(n).is_some())
            .map(|c| c.payments[0].profile)
            .collect();
        let title = match n {
            0 => "Trial".to_owned(),
            1 => "Paid".to_owned(),
            n => format!("Renewal {}", n - 1),
        };
        stages.push((i64::from(n), title, reached.len()));
    }
    let installs = users.len() as f64;
    let pct = |a: f64, b: f64| if b == 0.0 { 0.0 } else { cents(a / b * 100.0) };
    let show = params.show_value_as.unwrap_or(FunnelValueKind::Absolute);
    let (mut values, mut rows) = (Vec::new(), Vec::new());
    for (i, (period, title, count)) in stages.iter().enumerate() {
        let count = *count as f64;
        let previous = if i == 0 { count } else { stages[i - 1].2 as f64 };
        let next = stages.get(i + 1).map_or(0.0, |s| s.2 as f64);
        values.push(json!({
            "period": period,
            "title": title,
            "value": count,
            "value_relative": pct(count, installs),
            "relative_changes": pct(count, previous),
            "following_changes": { "title": "Drop off", "value": count - next, "value_relative": pct(count - next, count) },
            "churn_reason_title": "",
            "churn_reasons": [],
            "values": [],
        }));
        let shown = match show {
            FunnelValueKind::Relative => pct(count, installs).to_string(),
            FunnelValueKind::Absolute | FunnelValueKind::Both => count.to_string(),
        };
        rows.push(vec![period.to_string(), title.clone(), shown, pct(count, installs).to_string()]);
    }
    let json = json!({ "data": [{ "title": "Total", "type": "total", "values": values }] });
    Ok(Report { json, header: vec!["period", "title", "value", "value_relative"], rows })
}

/// `retrieveLTVData`: per cohort of first payments and in total, the revenue its payers brought
/// by each period so far, per payer.
pub fn ltv(state: &Inner, params: &LtvParams, tz: Tz) -> Result<Report, ValidationError> {
    params.filters.validate()?;
    let ledger = Ledger::new(state, &params.filters);
    let scope = scope(("filters.date", &params.filters.date), tz, params.period_unit, &ledger, None, now(state))?;
    let days = (params.period_type == Some(CohortPeriodType::Days)).then_some(&DEFAULT_RENEWAL_DAYS[..]);
    let groups = cohorts(&scope, false);
    let all: Vec<&Chain> = groups.values().flatten().copied().collect();
    let segments: Vec<(String, &str, Vec<&Chain>)> = std::iter::once(("Total".to_owned(), "total", all))
        .chain(groups.into_iter().map(|(i, chains)| (scope.frame.label(i), "single", chains)))
        .collect();
    let mut json = Map::new();
    let mut rows = Vec::new();
    for (accounting, share) in accountings() {
        let mut data = Vec::new();
        for (title, kind, chains) in &segments {
            let size = chains.iter().map(|c| c.payments[0].profile).collect::<HashSet<_>>().len();
            let mut paid = 0.0;
            let values: Vec<Value> = cells(chains, days, scope.frame.now)
                .iter()
                .map(|c| {
                    paid += c.revenue * share;
                    rows.push(vec![accounting.to_owned(), title.clone(), c.period.to_string(), cents(per(paid, size)).to_string()]);
                    json!({ "period": c.period, "value": cents(per(paid, size)) })
                })
                .collect();
            data.push(json!({ "title": title, "type": kind, "value": cents(per(paid, size)), "values": values, "cohort_size": size }));
        }
        let value = data.first().map_or(json!(0.0), |d| d["value"].clone());
        let description = "<div>LTV is the revenue of a cohort's payers by each period, divided by their number.</div>";
        json.insert(accounting.into(), json!({ "data": data, "description": description, "value": value, "unit": "USD", "title": "LTV" }));
    }
    Ok(Report { json: Value::Object(json), header: vec!["accounting", "segment", "period", "value"], rows })
}

/// `retrieveRetentionData`: per cohort of first payments (with `use_trial`, of trials too), how
/// many subscriptions reached each period, and their share of the first.
pub fn retention(state: &Inner, params: &RetentionParams, tz: Tz) -> Result<Report, ValidationError> {
    params.filters.validate()?;
    let ledger = Ledger::new(state, &params.filters);
    let scope = scope(("filters.date", &params.filters.date), tz, params.period_unit, &ledger, None, now(state))?;
    let use_trial = params.use_trial.unwrap_or(false);
    let groups = cohorts(&scope, use_trial);
    let all: Vec<&Chain> = groups.values().flatten().copied().collect();
    let segments = std::iter::once(("Total".to_owned(), "total", all))
        .chain(groups.into_iter().map(|(i, chains)| (scope.frame.label(i), "single", chains)));
    let (mut data, mut rows) = (Vec::new(), Vec::new());
    for (title, kind, chains) in segments {
        let last = chains.iter().map(|c| c.last_stage()).max().unwrap_or(0);
        let first = u32::from(!use_trial);
        let count = |n: u32| chains.iter().filter(|c| c.stage(n).is_some()).count() as f64;
        let start = count(first);
        let values: Vec<Value> = (first..=last)
            .map(|n| {
                let relative = if start == 0.0 { 0.0 } else { cents(count(n) / start * 100.0) };
                rows.push(vec![title.clone(), n.to_string(), count(n).to_string(), relative.to_string()]);
                json!({ "period": n, "value": count(n), "value_relative": relative })
            })
            .collect();
        data.push(json!({ "title": title, "type": kind, "values": values }));
    }
    let json = json!({
        "data": data,
        "title": "Subscription retention",
        "metric_name": "Subscription retention",
        "description": "Absolute value is the number of subscriptions that reached the period; relative, their share of the first.",
        "value_type": null,
    });
    Ok(Report { json, header: vec!["segment", "period", "value", "value_relative"], rows })
}

/// `retrievePlacementInfo`: the catalog's placements (every one a paywall's; there are no
/// onboardings), each to its one audience, the paywall's title as its name.
pub fn placements(state: &Inner, kind: PlacementType) -> Report {
    let name_field = match kind {
        PlacementType::Paywall => "paywall_name",
        PlacementType::Onboarding => "onboarding_name",
    };
    let header =
        vec!["developer_id", "placement_name", "audience_name", "segment_name", "cross_placement_ab_test_name", "ab_test_name", name_field];
    let title = |id: &str| state.catalog.paywalls.iter().find(|p| p.paywall_id == id).map_or("", |p| p.title.as_str());
    let shown: Vec<_> = match kind {
        PlacementType::Paywall => state.catalog.config.placements.iter().collect(),
        PlacementType::Onboarding => Vec::new(),
    };
    let data: Vec<Value> = shown
        .iter()
        .map(|p| {
            let mut row = json!({
                "developer_id": p.developer_id, "placement_name": p.name, "audience_name": p.audience_name,
                "segment_name": p.audience_name, "cross_placement_ab_test_name": null, "ab_test_name": p.ab_test_name,
            });
            row[name_field] = json!(title(&p.paywall_id));
            row
        })
        .collect();
    let rows = shown
        .iter()
        .map(|p| {
            let ab_test = p.ab_test_name.clone().unwrap_or_default();
            let (audience, name) = (p.audience_name.clone(), p.name.clone());
            vec![p.developer_id.clone(), name, audience.clone(), audience, String::new(), ab_test, title(&p.paywall_id).to_owned()]
        })
        .collect();
    Report { json: json!({ "data": data }), header, rows }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn periods_start_on_their_calendar_boundary() {
        assert_eq!(start_of(PeriodUnit::Week, day("2031-03-06")), day("2031-03-03"));
        assert_eq!(start_of(PeriodUnit::Quarter, day("2031-08-20")), day("2031-07-01"));
        assert_eq!(start_of(PeriodUnit::Year, day("2031-08-20")), day("2031-01-01"));
        let frame = Frame::new("d", &[Date(day("2031-01-15")), Date(day("2031-03-02"))], Tz::UTC, PeriodUnit::Month, Utc::now()).unwrap();
        assert_eq!(frame.periods, [day("2031-01-01"), day("2031-02-01"), day("2031-03-01")]);
    }

    #[test]
    fn the_rate_window_rolls() {
        let mut windows = HashMap::new();
        let t0 = Instant::now();
        let at = |ms| t0 + Duration::from_millis(ms);
        assert!(admit(&mut windows, "k", at(0)));
        assert!(admit(&mut windows, "k", at(550)));
        assert!(!admit(&mut windows, "k", at(900)), "a third within a second");
        assert!(admit(&mut windows, "other", at(900)), "per key");
        assert!(admit(&mut windows, "k", at(1100)), "the first has left the window");
    }

    #[test]
    fn durations() {
        assert_eq!(duration(Some(31)), "Monthly");
        assert_eq!(duration(Some(7)), "Weekly");
        assert_eq!(duration(None), "Lifetime");
    }
}
