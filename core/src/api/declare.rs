//! One declaration per operation: [`operations!`], written once per namespace in that
//! namespace's file, turns each declaration into everything the crate needs of it:
//!
//! - its manifest entry, a constant (`PROFILES_GET`): name, doc, endpoint, arguments, and the
//!   addressing, body and output its Rust types imply (a `&ProfileRef` parameter names one
//!   profile, a `&ProfileParams` one is the body, `-> Profile` returns that model);
//! - its typed async method on the namespace (`client.profiles().get(&profile)`): the function
//!   the declaration names builds the request (validation first, the endpoint from the entry,
//!   and a comment saying why its `Replay` is safe), and the output type reads the response;
//! - the same method on the blocking namespace, waiting on the shared runtime;
//! - its [`Call`]: how `ops::call` runs it from JSON arguments, each parameter read by its type
//!   ([`super::args::FromArgs`]).
//!
//! The declaration also gives the namespace itself: its doc, its async and blocking types, their
//! accessors on [`super::client::Client`] and `BlockingClient`, and an enum of its operations
//! that the `operations` module gathers into the list of every operation.

use std::future::Future;

use super::args::Args;
use super::client::Client;
use super::manifest::Addressing;
use crate::models::error::Error;

/// An operation as a Rust type: how it is run from a call's JSON arguments. Declarations
/// implement it; one that cannot be declared plainly (a bulk operation) implements it by hand.
pub(crate) trait Call {
    /// How it names its profile.
    const ADDRESSING: Addressing;
    /// Its body's model (the schema's name), if it takes one.
    const BODY: Option<&'static str>;
    /// What it returns.
    type Output: serde::Serialize + Send;

    /// Reads its arguments from `args` (already checked against its manifest entry) and runs it.
    fn call(client: &Client, args: Args<'_>) -> impl Future<Output = Result<Self::Output, Error>> + Send;
}

/// Something done with an operation known by its type: how the dispatcher runs an operation it
/// has by name (`Op::visit` picks the type).
pub(crate) trait Visit {
    type Output;

    fn visit<C: Call>(self) -> impl Future<Output = Self::Output> + Send;
}

/// One namespace's operations, each declared once:
///
/// ```text
/// operations! {
///     /// The namespace's doc (every language's).
///     profiles => profiles: Profiles, BlockingProfiles, ProfilesOp;
///
///     /// The operation's doc (every language's, and the Rust methods').
///     PROFILES_GET get {
///         endpoint: Get PROFILE_PATH,
///         call: fn get(profile: &ProfileRef) -> Profile = get_request,
///     }
/// }
/// ```
///
/// The header names the namespace as the API writes it (`accessLevels`), its Rust accessor
/// (`access_levels`), its async and blocking types and the enum of its operations. Each
/// operation gives its manifest constant, its method as the API writes it (also the name of its
/// [`Call`] type, in a module named as the accessor: `profiles::get`), and in braces: `endpoint` (method and path), optionally `path_param`, `params` (the manifest's
/// [`super::manifest::Param`]s) and `walk` (method, item model, doc), then `call`: the Rust
/// method (parameters and output; `&T` and `Option<&T>` parameters) and the function building
/// its request, `fn(&Operation, &Config, parameters...) -> Result<ApiRequest, Error>`; or
/// `custom Type` for an operation whose methods and [`Call`] are written by hand.
macro_rules! operations {
    (
        $(#[doc = $ns_doc:literal])*
        $ns:ident => $accessor:ident: $Ns:ident, $Blocking:ident, $Enum:ident;
        $(
            $(#[doc = $doc:literal])*
            $CONST:ident $method:ident { $($body:tt)* }
        )*
    ) => {
        $(#[doc = $ns_doc])*
        ///
        #[doc = concat!("Get it from [`Client::", stringify!($accessor), "`](crate::api::client::Client::", stringify!($accessor), ").")]
        pub struct $Ns<'a> {
            transport: &'a ::std::sync::Arc<$crate::transport::http::Transport>,
        }

        impl<'a> $Ns<'a> {
            fn of(client: &'a $crate::api::client::Client) -> Self {
                Self { transport: client.transport() }
            }
        }

        #[doc = concat!("The blocking twin of [`", stringify!($Ns), "`]: the same methods, each waiting on the shared runtime.")]
        pub struct $Blocking {
            client: $crate::api::client::Client,
        }

        impl $crate::api::client::Client {
            $(#[doc = $ns_doc])*
            pub fn $accessor(&self) -> $Ns<'_> {
                $Ns::of(self)
            }
        }

        impl $crate::api::client::BlockingClient {
            $(#[doc = $ns_doc])*
            pub fn $accessor(&self) -> $Blocking {
                $Blocking { client: self.async_client().clone() }
            }
        }

        /// The namespace's manifest entries (and its operations as types, for the dispatcher).
        pub mod $accessor {
            use super::*;

            $(
                $crate::api::declare::operations!(@entry [$ns $Ns $Blocking] [$($doc)*] $CONST $method { $($body)* });
            )*
        }

        /// The namespace's operations, named as the API names them.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[allow(non_camel_case_types)]
        pub(crate) enum $Enum {
            $($method,)*
        }

        impl $Enum {
            /// The namespace and its doc, as the manifest lists them.
            pub(crate) const NAMESPACE: (&'static str, &'static str) = (stringify!($ns), concat!($($ns_doc),*).trim_ascii());
            pub(crate) const ALL: &'static [$Enum] = &[$($Enum::$method,)*];
            pub(crate) const OPERATIONS: &'static [&'static $crate::api::manifest::Operation] = &[$(&$accessor::$CONST,)*];

            pub(crate) const fn operation(self) -> &'static $crate::api::manifest::Operation {
                match self {
                    $($Enum::$method => &$accessor::$CONST,)*
                }
            }

            pub(crate) async fn visit<V: $crate::api::declare::Visit>(self, visitor: V) -> V::Output {
                match self {
                    $($Enum::$method => visitor.visit::<$accessor::$method>().await,)*
                }
            }
        }
    };

    (@entry [$ns:ident $Ns:ident $Blocking:ident] [$($doc:literal)*] $CONST:ident $method:ident {
        endpoint: $http:ident $path:expr,
        $(path_param: $path_param:expr,)?
        $(params: [$($param:expr),* $(,)?],)?
        $(walk: $walk:ident($item:ty) $walk_doc:literal,)?
        call: $($call:tt)*
    }) => {
        $(#[doc = $doc])*
        pub const $CONST: $crate::api::manifest::Operation = $crate::api::manifest::Operation {
            name: concat!(stringify!($ns), ".", stringify!($method)),
            namespace: stringify!($ns),
            method: stringify!($method),
            doc: concat!($($doc),*).trim_ascii(),
            http: $crate::api::manifest::Http { method: $crate::api::manifest::HttpMethod::$http, path: $path },
            profile: <$method as $crate::api::declare::Call>::ADDRESSING,
            path_param: $crate::api::declare::operations!(@option $($path_param)?),
            params: &[$($($param),*)?],
            body: <$method as $crate::api::declare::Call>::BODY,
            output: <<$method as $crate::api::declare::Call>::Output as $crate::api::manifest::Returns>::OUTPUT,
            walk: $crate::api::declare::operations!(@option $($crate::api::manifest::Walk {
                method: stringify!($walk),
                item: <$item as $crate::models::Model>::NAME,
                doc: $walk_doc,
            })?),
        };

        $crate::api::declare::operations!(@call [$ns $Ns $Blocking] [$($doc)*] $method $CONST $($call)*);
    };

    (@call [$ns:ident $Ns:ident $Blocking:ident] [$($doc:literal)*] $method:ident $CONST:ident
        fn $rust:ident($($arg:ident: $arg_ty:ty),* $(,)?) -> $output:ty = $request:path $(,)?
    ) => {
        #[doc = concat!("`", stringify!($ns), ".", stringify!($method), "` as a type, for the dispatcher.")]
        #[allow(non_camel_case_types)]
        pub(crate) enum $method {}

        impl $crate::api::declare::Call for $method {
            const ADDRESSING: $crate::api::manifest::Addressing =
                $crate::api::args::addressing(&[$(<$arg_ty as $crate::api::args::Arg>::ADDRESSING),*]);
            const BODY: Option<&'static str> = $crate::api::args::body(&[$(<$arg_ty as $crate::api::args::Arg>::BODY),*]);
            type Output = $output;

            async fn call(
                client: &$crate::api::client::Client,
                args: $crate::api::args::Args<'_>,
            ) -> Result<$output, $crate::models::error::Error> {
                $(let $arg: <$arg_ty as $crate::api::args::Arg>::Owned =
                    $crate::api::args::FromArgs::from_args(args, stringify!($arg))?;)*
                $Ns::of(client).$rust($($crate::api::args::Arg::lend(&$arg)),*).await
            }
        }

        impl $Ns<'_> {
            $(#[doc = $doc])*
            pub async fn $rust(&self, $($arg: $arg_ty),*) -> Result<$output, $crate::models::error::Error> {
                let request = $request(&$CONST, self.transport.config(), $($arg),*)?.operation($CONST.name);
                <$output as $crate::api::answer::Answer>::receive(self.transport, request).await
            }
        }

        impl $Blocking {
            $(#[doc = $doc])*
            pub fn $rust(&self, $($arg: $arg_ty),*) -> Result<$output, $crate::models::error::Error> {
                let client = self.client.clone();
                $(let $arg = $crate::api::args::Arg::own(&$arg);)*
                $crate::transport::runtime::block_on(async move {
                    $Ns::of(&client).$rust($($crate::api::args::Arg::lend(&$arg)),*).await
                })
            }
        }
    };

    (@call [$ns:ident $Ns:ident $Blocking:ident] [$($doc:literal)*] $method:ident $CONST:ident custom $custom:ty $(,)?) => {
        #[doc = concat!("`", stringify!($ns), ".", stringify!($method), "`, written by hand, for the dispatcher.")]
        #[allow(non_camel_case_types)]
        pub(crate) type $method = $custom;
    };

    (@option) => { None };
    (@option $value:expr) => { Some($value) };
}

pub(crate) use operations;
