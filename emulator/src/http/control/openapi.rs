//! The control plane's description as an OpenAPI 3.1 document: a path item per path, an
//! operation per route (its id, summary and description, parameters, body, answers and, as
//! `x-helpers`, the helper methods for it), and the bodies' JSON Schemas (2020-12, which OpenAPI
//! 3.1 uses as is) under `components/schemas`.

use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

use crate::http::control::description::{Body, Content, Place, Route};

/// The document describing `routes`.
pub fn document(routes: &[Route]) -> Value {
    let mut generator = SchemaSettings::draft2020_12()
        .with(|s| {
            s.definitions_path = "/components/schemas".into();
            s.meta_schema = None;
        })
        .for_deserialize()
        .into_generator();
    let mut paths = Map::new();
    for route in routes {
        let item = paths.entry(route.path).or_insert_with(|| json!({}));
        item[route.method.as_str().to_lowercase()] = operation(route, &mut generator);
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
            "schemas": generator.take_definitions(true),
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

/// One route as an OpenAPI operation.
fn operation(route: &Route, generator: &mut schemars::SchemaGenerator) -> Value {
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
            json!({ "name": p.name, "in": place, "required": p.place == Place::Path, "description": p.doc, "schema": (p.schema)(generator) })
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
        op["requestBody"] = json!({ "required": true, "content": { "application/json": { "schema": schema(generator) } } });
    }
    let mut responses = Map::new();
    for answer in route.answers {
        let mut response = json!({ "description": answer.doc });
        match answer.content {
            Content::Empty => {}
            Content::Json(schema) => response["content"] = json!({ "application/json": { "schema": schema(generator) } }),
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
