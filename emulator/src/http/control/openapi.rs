//! The control plane's description as an OpenAPI 3.1 document: a path item per path, an
//! operation per route (its id, summary and description, parameters, body, answers and, as
//! `x-helpers`, the helper methods for it), and the bodies' JSON Schemas (2020-12, which OpenAPI
//! 3.1 uses as is) under `components/schemas`.
//!
//! What a request sends is described as the emulator reads it (a field with a default may be left
//! out), what it answers as the emulator writes it (every field there). A type that reads and
//! writes differently (`Fault`) has both: its answer's schema is named `{name}Answer`.

use std::collections::BTreeSet;

use schemars::SchemaGenerator;
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

use crate::http::control::description::{Body, Content, Place, Route};

const SCHEMAS: &str = "/components/schemas";

/// Schemas of what requests send and of what answers carry.
struct Generators {
    read: SchemaGenerator,
    written: SchemaGenerator,
}

/// The document describing `routes`.
pub fn document(routes: &[Route]) -> Value {
    let settings = SchemaSettings::draft2020_12().with(|s| {
        s.definitions_path = SCHEMAS.into();
        s.meta_schema = None;
    });
    let mut generators =
        Generators { read: settings.clone().for_deserialize().into_generator(), written: settings.for_serialize().into_generator() };
    let mut paths = Map::new();
    for route in routes {
        let item = paths.entry(route.path).or_insert_with(|| json!({}));
        item[route.method.as_str().to_lowercase()] = operation(route, &mut generators);
    }
    let mut schemas = generators.read.take_definitions(true);
    let mut written = generators.written.take_definitions(true);
    let twofold: BTreeSet<String> =
        written.iter().filter(|(name, s)| schemas.get(*name).is_some_and(|r| r != *s)).map(|(n, _)| n.clone()).collect();
    for op in paths.values_mut().flat_map(|item| item.as_object_mut().into_iter().flat_map(|ops| ops.values_mut())) {
        rename_refs(&mut op["responses"], &twofold);
    }
    for (name, mut schema) in std::mem::take(&mut written) {
        rename_refs(&mut schema, &twofold);
        let name = if twofold.contains(&name) { format!("{name}Answer") } else { name };
        schemas.insert(name, schema);
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "adapty-emulator control plane",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The emulator's own routes under `/__emulator/`: not part of Adapty's API, never in the journal, \
                            never faulted (docs/EMULATOR.md, \"Control plane\"). A route marked with the `appKey` security \
                            scheme addresses one app: the app of its `Authorization: Api-Key KEY` (not checked), or of \
                            `x-emulator-tenant`, or else the default app. A route that takes a JSON body refuses one it \
                            cannot read with 400 (not JSON), 415 (not sent as `application/json`) or 422 (not of the \
                            schema) and a plain-text reason, unless its answers say otherwise.",
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "parameters": {
                "Tenant": {
                    "name": "x-emulator-tenant",
                    "in": "header",
                    "required": false,
                    "description": "Addresses an app by its id (`GET /__emulator/tenants`) instead of its key, as the web UI \
                                    does; an id that names no app is answered 404 with `{\"error\"}`.",
                    "schema": { "type": "string" },
                },
            },
            "securitySchemes": {
                "appKey": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "Authorization",
                    "description": "`Api-Key KEY`: the app this key addresses (with `--accept-any-key`, every key is an \
                                    app of its own). The control plane checks no key.",
                },
            },
        },
    })
}

/// Points the references to `names` at their answers' schemas (`{name}Answer`).
fn rename_refs(value: &mut Value, names: &BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get_mut("$ref") {
                if let Some(name) = target.strip_prefix(&format!("#{SCHEMAS}/")).filter(|n| names.contains(*n)) {
                    *target = format!("#{SCHEMAS}/{name}Answer");
                }
            }
            map.values_mut().for_each(|v| rename_refs(v, names));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rename_refs(v, names)),
        _ => {}
    }
}

/// One route as an OpenAPI operation.
fn operation(route: &Route, generators: &mut Generators) -> Value {
    let (summary, rest) = split_summary(route.doc);
    let mut op = json!({ "operationId": route.id, "summary": summary });
    if !rest.is_empty() {
        op["description"] = json!(route.doc);
    }
    let mut parameters: Vec<Value> = route
        .params
        .iter()
        .map(|p| {
            let place = match p.place {
                Place::Path => "path",
                Place::Query => "query",
            };
            json!({ "name": p.name, "in": place, "required": p.place == Place::Path, "description": p.doc, "schema": (p.schema)(&mut generators.read) })
        })
        .collect();
    if route.app {
        parameters.push(json!({ "$ref": "#/components/parameters/Tenant" }));
        op["security"] = json!([{}, { "appKey": [] }]);
    }
    if !parameters.is_empty() {
        op["parameters"] = json!(parameters);
    }
    if let Body::Json(schema) = route.body {
        op["requestBody"] = json!({ "required": true, "content": { "application/json": { "schema": schema(&mut generators.read) } } });
    }
    let mut responses = Map::new();
    for answer in route.answers {
        let mut response = json!({ "description": answer.doc });
        match answer.content {
            Content::Empty => {}
            Content::Json(schema) => response["content"] = json!({ "application/json": { "schema": schema(&mut generators.written) } }),
            Content::File(media) => response["content"] = json!({ media: { "schema": { "type": "string" } } }),
            Content::Redirect(to) => response["headers"] = json!({ "Location": { "schema": { "type": "string", "const": to } } }),
        }
        responses.insert(answer.status.to_string(), response);
    }
    op["responses"] = Value::Object(responses);
    if !route.helpers.is_empty() {
        op["x-helpers"] = serde_json::to_value(route.helpers).unwrap_or_default();
    }
    op
}

/// The doc's first sentence, and the rest.
fn split_summary(doc: &str) -> (&str, &str) {
    match doc.find(". ") {
        Some(end) => (&doc[..=end], doc[end + 2..].trim_start()),
        None => (doc, ""),
    }
}
