//! JSON Schema of the public models (feature `schema`), the one description from which the
//! Python and TypeScript types are generated (`tools/codegen/`). Types with hand-written serde
//! get hand-written schemas here; the rest derive theirs.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_json::{Map, Value};

use crate::api::manifest::{CALL_OPTIONS, CLIENT_OPTIONS, ERROR_CLASSES, Operation, Output};
use crate::api::operations::{NAMESPACES, OPERATIONS};
use crate::models::*;

/// The schema bundle: `{"roots": {name: schema}, "$defs": {...}, "operations": [...],
/// "namespaces": [...], "client_options": [...], "call_options": [...], "errors": [...], "error_info": {...}}`: every public model, and the operation
/// manifest ([`crate::api::manifest`]). Request bodies carry `x-input: true` (generators make
/// them input types); the rest are responses.
pub fn models() -> Value {
    let mut generator = SchemaGenerator::default();
    let mut roots = Map::new();
    macro_rules! roots {
        ($($ty:ty),+ $(,)?) => {
            $(roots.insert(stringify!($ty).into(), generator.subschema_for::<$ty>().to_value());)+
        };
    }
    roots!(
        Profile,
        ProfileParams,
        InstallationMeta,
        TransactionParams,
        GrantAccessParams,
        RevokeAccessParams,
        RefundSaverParams,
        RefundSaverSettings,
        IntegrationIdentifiers,
        StripeValidationParams,
        PaddleValidationParams,
        Paywall,
        PaywallPage,
        PaywallUpdateParams,
        VirtualCurrencyTransactionParams,
        VirtualCurrencyTransactionResult,
        VirtualCurrencyBalances,
        VirtualCurrencyTransactionPage,
        WebhookEvent,
    );
    define_named(&mut generator);
    // The error wire shape: a schema of its own (with its own `$defs`), since bindings build
    // their error classes from it rather than a model.
    let error_info = SchemaGenerator::default().into_root_schema_for::<crate::models::error::ErrorInfo>().to_value();
    let defs: Map<String, Value> = generator.definitions().clone().into_iter().collect();
    for name in OPERATIONS.iter().flat_map(|op| models_named(op)) {
        // The manifest names models by their Rust types (all defined above); a name missing here
        // would leave every generator a dangling one.
        assert!(roots.contains_key(name) || defs.contains_key(name), "the manifest names {name}, which is not in the schema");
    }
    let namespaces: Vec<Value> = NAMESPACES.iter().map(|(name, doc)| serde_json::json!({ "name": name, "doc": doc })).collect();
    serde_json::json!({
        "roots": roots,
        "$defs": defs,
        "operations": OPERATIONS,
        "namespaces": namespaces,
        "client_options": CLIENT_OPTIONS,
        "call_options": CALL_OPTIONS,
        "errors": ERROR_CLASSES,
        "error_info": error_info,
    })
}

/// The models an operation's description names: its body, its output, its walk's items.
fn models_named(op: &Operation) -> impl Iterator<Item = &'static str> {
    let output = match op.output {
        Output::Model(model) => Some(model),
        Output::Nothing | Output::DeleteResults => None,
    };
    op.body.into_iter().chain(output).chain(op.walk.as_ref().map(|w| w.item))
}

macro_rules! inline_schema {
    ($ty:ty, $name:literal, $schema:tt) => {
        impl JsonSchema for $ty {
            fn inline_schema() -> bool {
                true
            }
            fn schema_name() -> Cow<'static, str> {
                $name.into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!($schema)
            }
        }
    };
}

inline_schema!(Timestamp, "Timestamp", { "type": "string", "format": "date-time" });
inline_schema!(Date, "Date", { "type": "string", "format": "date" });
inline_schema!(CountryCode, "CountryCode", { "type": "string", "minLength": 2, "maxLength": 2 });
inline_schema!(AttStatus, "AttStatus", { "type": "integer", "minimum": 0, "maximum": 3 });
inline_schema!(AttributeValue, "AttributeValue", { "anyOf": [{ "type": "string" }, { "type": "number" }] });

/// On the wire a list of `{key, value}` with unique keys; `x-as-map` tells generators to present
/// it as a map of key to value (inputs may also be given as that map).
impl JsonSchema for CustomAttributes {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "CustomAttributes".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "array", "items": generator.subschema_for::<CustomAttribute>(), "x-as-map": true })
    }
}

/// A PATCH field: optional, and `null` when sent clears the value (`x-patch`).
impl<T: JsonSchema> JsonSchema for Field<T> {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        format!("Field_{}", T::schema_name()).into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        json_schema!({ "anyOf": [generator.subschema_for::<T>(), { "type": "null" }], "x-patch": true })
    }
}

/// A webhook's `event_properties`, whose model depends on the event's `type`: `x-select` tells
/// generators to pick it by the parent's `by` field, from `cases` (a model name, `raw` for the
/// object as received, `none` for always null) or else `default`.
impl JsonSchema for WebhookProperties {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "WebhookProperties".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "anyOf": [
                generator.subschema_for::<EventProperties>(),
                generator.subschema_for::<AccessLevelUpdatedProperties>(),
                { "type": "object", "additionalProperties": true },
            ],
            "x-select": {
                "by": "type",
                "cases": { "access_level_updated": "AccessLevelUpdatedProperties", "unknown": "raw", "verification": "none" },
                "default": "EventProperties",
            },
        })
    }
}
