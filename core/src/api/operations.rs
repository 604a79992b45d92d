//! Every operation, gathered from the namespaces' declarations in the order languages present
//! them: the manifest's lists ([`OPERATIONS`], [`NAMESPACES`]) and [`Op`], an operation as a
//! value, which the dispatcher finds by name and runs ([`Op::visit`]).
//!
//! A new operation is declared in its namespace's file and appears here by itself; a new
//! namespace is one line below.

use super::analytics::AnalyticsOp;
use super::declare::Visit;
use super::legacy::LegacyOp;
use super::mail::MailOp;
use super::manifest::Operation;
use super::paywalls::PaywallsOp;
use super::profiles::ProfilesOp;
use super::purchases::{AccessLevelsOp, PurchasesOp};
use super::settings::{IntegrationsOp, RefundSaverOp};
use super::virtual_currency::VirtualCurrencyOp;
use super::web::WebOp;

macro_rules! namespaces {
    ($($variant:ident($ns:ident)),+ $(,)?) => {
        /// An operation: its namespace, then which of the namespace's.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub(crate) enum Op {
            $($variant($ns),)+
        }

        impl Op {
            /// Every operation, in the order languages present them.
            pub(crate) fn all() -> impl Iterator<Item = Op> {
                std::iter::empty()$(.chain($ns::ALL.iter().copied().map(Op::$variant)))+
            }

            pub(crate) const fn operation(self) -> &'static Operation {
                match self {
                    $(Op::$variant(op) => op.operation(),)+
                }
            }

            /// Runs `visitor` with the operation's type.
            pub(crate) async fn visit<V: Visit>(self, visitor: V) -> V::Output {
                match self {
                    $(Op::$variant(op) => op.visit(visitor).await,)+
                }
            }
        }

        /// The namespaces, in order, with a doc for each (for the client's attributes).
        pub const NAMESPACES: &[(&str, &str)] = &[$($ns::NAMESPACE,)+];

        /// How many operations there are.
        const COUNT: usize = 0 $(+ $ns::OPERATIONS.len())+;

        /// Every operation, in the order languages present them.
        pub const OPERATIONS: &[&Operation] = &concat::<COUNT>(&[$($ns::OPERATIONS,)+]);
    };
}

namespaces!(
    Profiles(ProfilesOp),
    Purchases(PurchasesOp),
    AccessLevels(AccessLevelsOp),
    RefundSaver(RefundSaverOp),
    Integrations(IntegrationsOp),
    Paywalls(PaywallsOp),
    VirtualCurrency(VirtualCurrencyOp),
    Web(WebOp),
    Analytics(AnalyticsOp),
    Mail(MailOp),
    Legacy(LegacyOp),
);

impl Op {
    /// The operation called `name` (`namespace.method`).
    pub(crate) fn find(name: &str) -> Option<Op> {
        Op::all().find(|op| op.operation().name == name)
    }
}

/// The operation called `name`.
pub fn find(name: &str) -> Option<&'static Operation> {
    Op::find(name).map(Op::operation)
}

/// The namespaces' lists of operations, one after another.
const fn concat<const N: usize>(lists: &[&[&'static Operation]]) -> [&'static Operation; N] {
    let mut all = [lists[0][0]; N];
    let (mut list, mut at) = (0, 0);
    while list < lists.len() {
        let mut i = 0;
        while i < lists[list].len() {
            all[at] = lists[list][i];
            (i, at) = (i + 1, at + 1);
        }
        list += 1;
    }
    all
}
