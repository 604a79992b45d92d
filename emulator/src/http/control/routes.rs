//! The control plane, described once: every route under `/__emulator/`, what it does, takes and
//! answers, its handler, and the helper methods the Python and Node packages have for it.
//!
//! The router registers these routes and no others (`http/router`), the OpenAPI document
//! at `GET /__emulator/openapi.json` is made from them (`http/control/openapi`), the
//! helpers are generated from that document (`tools/codegen/emulator_helpers.py`), the web UI
//! calls routes by their ids from it, and the fuzz target requests every path of it.

use std::sync::OnceLock;

use axum::extract::DefaultBodyLimit;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use axum::routing::on;

use crate::domain::clock::{ClockView, Move};
use crate::domain::setup::{PaywallSeed, ProfileList, Seed};
use crate::domain::webhooks::Trigger;
use crate::http::control::bodies::{
    ClockMoved, ConfigPatch, ControlError, Faults, Health, Inspection, OpenApiDocument, PaywallCount, Seeded, SnapshotDocument, Tenants,
    Triggered,
};
use crate::http::control::description::{Answer, Arg, Body, Content, Helper, Method, Param, Place, Returns, Route, SchemaOf, Target, of};
use crate::http::control::{handlers, openapi};
use crate::http::ui;
use crate::state::catalog::Config;
use crate::state::chaos::{Chaos, Settings as ChaosSettings};
use crate::state::journal::{Fault, JournalEntry};
use crate::state::webhooks::Delivery;

/// The largest snapshot `PUT /__emulator/snapshot` reads.
const SNAPSHOT_LIMIT: usize = 512 << 20;

const fn json(status: u16, doc: &'static str, schema: SchemaOf) -> Answer {
    Answer { status, doc, content: Content::Json(schema) }
}

const fn done(status: u16) -> Answer {
    Answer { status, doc: "Done.", content: Content::Empty }
}

const REFUSED: Answer = json(400, "The request is wrong; `error` says why, and nothing changed.", of::<ControlError>);

const fn arg(name: &'static str, to: Target) -> Arg {
    Arg { name, to, keyword: false, default: None }
}

const fn keyword(name: &'static str, to: Target) -> Arg {
    Arg { name, to, keyword: true, default: None }
}

const fn with_default(arg: Arg, default: &'static str) -> Arg {
    Arg { default: Some(default), ..arg }
}

const fn helper(name: &'static str, doc: &'static str, args: &'static [Arg], returns: Returns) -> Helper {
    Helper { name, doc, args, returns }
}

const LIMIT: Param =
    Param { name: "limit", place: Place::Query, schema: of::<usize>, doc: "At most this many (the journal's latest, the first profiles)." };

/// Every route of the control plane, in the order of docs/EMULATOR.md's table.
pub static ROUTES: &[Route] = &[
    Route {
        id: "health",
        method: Method::Get,
        path: "/__emulator/health",
        doc: "Whether the emulator serves.",
        app: false,
        params: &[],
        body: Body::Empty,
        answers: &[json(200, "It serves.", of::<Health>)],
        helpers: &[],
        handler: |m| on(m, handlers::health),
    },
    Route {
        id: "list_tenants",
        method: Method::Get,
        path: "/__emulator/tenants",
        doc: "Every app, the default one first, by id and the last four characters of its key (never the key): with \
              `--accept-any-key` each distinct key is an app of its own. The header `x-emulator-tenant: ID` addresses one by id.",
        app: false,
        params: &[],
        body: Body::Empty,
        answers: &[json(200, "The apps.", of::<Tenants>)],
        helpers: &[helper("_tenants", "Every app of the emulator, and whether each key is an app of its own.", &[], Returns::Answer)],
        handler: |m| on(m, handlers::tenants),
    },
    Route {
        id: "reset",
        method: Method::Post,
        path: "/__emulator/reset",
        doc: "Starts the app over: forgets its profiles, journal, faults and webhook deliveries, restores the default catalog \
              (and the webhook the flags set) and the wall clock's time; with `--import`, returns to the imported state.",
        app: true,
        params: &[],
        body: Body::Empty,
        answers: &[done(204)],
        helpers: &[helper(
            "reset",
            "Forgets the app's profiles, journal, faults and webhooks; restores its catalog and clock.",
            &[],
            Returns::Nothing,
        )],
        handler: |m| on(m, handlers::reset),
    },
    Route {
        id: "export_snapshot",
        method: Method::Get,
        path: "/__emulator/snapshot",
        doc: "The app's whole state as stable, diff-friendly JSON that reads back to the same state.",
        app: true,
        params: &[],
        body: Body::Empty,
        answers: &[json(200, "The snapshot.", of::<SnapshotDocument>)],
        helpers: &[helper("snapshot", "The app's whole state.", &[], Returns::Answer)],
        handler: |m| on(m, handlers::export_snapshot),
    },
    Route {
        id: "import_snapshot",
        method: Method::Put,
        path: "/__emulator/snapshot",
        doc: "Replaces the app's whole state with a snapshot; its pending webhook deliveries go out again.",
        app: true,
        params: &[],
        body: Body::Json(of::<SnapshotDocument>),
        answers: &[done(204), json(400, "Not a snapshot (the error says where); nothing changed.", of::<ControlError>)],
        helpers: &[helper(
            "restore",
            "Replaces the app's whole state with a snapshot (an object, or its JSON text).",
            &[arg("snapshot", Target::Document)],
            Returns::Nothing,
        )],
        handler: |m| on(m, handlers::import_snapshot).layer(DefaultBodyLimit::max(SNAPSHOT_LIMIT)),
    },
    Route {
        id: "get_clock",
        method: Method::Get,
        path: "/__emulator/clock",
        doc: "The app's clock: its time, how far ahead of the wall clock it is, whether it is frozen.",
        app: true,
        params: &[],
        body: Body::Empty,
        answers: &[json(200, "The clock.", of::<ClockView>)],
        helpers: &[helper("now", "The app's time.", &[], Returns::Field("now"))],
        handler: |m| on(m, handlers::get_clock),
    },
    Route {
        id: "move_clock",
        method: Method::Post,
        path: "/__emulator/clock",
        doc: "Moves the app's clock forward (by seconds or to a date) and/or freezes it, and runs what the time passed \
              brings, in order: renewals, expiries, grace periods ending, access levels starting and ending, each with its \
              webhooks. Backwards is refused.",
        app: true,
        params: &[],
        body: Body::Json(of::<Move>),
        answers: &[json(200, "The clock, and what happened meanwhile.", of::<ClockMoved>), REFUSED],
        helpers: &[
            helper(
                "set_time",
                "Moves the clock forward to `when`, frozen there if asked; returns what happened meanwhile, in order.",
                &[arg("when", Target::Field("now")), keyword("freeze", Target::Field("freeze"))],
                Returns::Field("happened"),
            ),
            helper(
                "freeze",
                "Stops the clock where it is (false runs it again).",
                &[with_default(arg("frozen", Target::Field("freeze")), "true")],
                Returns::Nothing,
            ),
            helper(
                "_advance",
                "Moves the clock forward by `seconds`; returns what happened meanwhile, in order.",
                &[arg("seconds", Target::Field("advance_seconds"))],
                Returns::Field("happened"),
            ),
        ],
        handler: |m| on(m, handlers::move_clock),
    },
    Route {
        id: "list_journal",
        method: Method::Get,
        path: "/__emulator/journal",
        doc: "The API requests the app received, oldest first, with the `authorization` header redacted.",
        app: true,
        params: &[LIMIT],
        body: Body::Empty,
        answers: &[json(200, "The journal.", of::<Vec<JournalEntry>>)],
        helpers: &[helper("journal", "The requests the app received, oldest first (the key redacted).", &[], Returns::Answer)],
        handler: |m| on(m, handlers::list_journal),
    },
    Route {
        id: "clear_journal",
        method: Method::Delete,
        path: "/__emulator/journal",
        doc: "Empties the journal.",
        app: true,
        params: &[],
        body: Body::Empty,
        answers: &[done(204)],
        helpers: &[helper("clear_journal", "Empties the journal.", &[], Returns::Nothing)],
        handler: |m| on(m, handlers::clear_journal),
    },
    Route {
        id: "add_faults",
        method: Method::Post,
        path: "/__emulator/faults",
        doc: "Plans failures for the next API requests that match: an answer instead of the API's, a delay, a broken \
              connection, or a change made and then answered with an error (docs/EMULATOR.md, \"Control plane\").",
        app: true,
        params: &[],
        body: Body::Json(of::<Faults>),
        answers: &[done(204), REFUSED],
        helpers: &[helper("fault", "Plans failures for the next matching requests.", &[arg("faults", Target::Each)], Returns::Nothing)],
        handler: |m| on(m, handlers::add_faults),
    },
    Route {
        id: "list_faults",
        method: Method::Get,
        path: "/__emulator/faults",
        doc: "The faults with requests left to meet.",
        app: true,
        params: &[],
        body: Body::Empty,
        answers: &[json(200, "The pending faults.", of::<Vec<Fault>>)],
        helpers: &[],
        handler: |m| on(m, handlers::list_faults),
    },
    Route {
        id: "clear_faults",
        method: Method::Delete,
        path: "/__emulator/faults",
        doc: "Forgets every pending fault.",
        app: true,
        params: &[],
        body: Body::Empty,
        answers: &[done(204)],
        helpers: &[helper("clear_faults", "Forgets every pending fault.", &[], Returns::Nothing)],
        handler: |m| on(m, handlers::clear_faults),
    },
    Route {
        id: "set_chaos",
        method: Method::Post,
        path: "/__emulator/chaos",
        doc: "Turns on faults drawn at random for every API request, from a seed and a rate per kind (docs/EMULATOR.md, \
              \"Chaos\"); a planned fault that matches takes precedence.",
        app: true,
        params: &[],
        body: Body::Json(of::<ChaosSettings>),
        answers: &[done(204), REFUSED],
        helpers: &[],
        handler: |m| on(m, handlers::set_chaos),
    },
    Route {
        id: "get_chaos",
        method: Method::Get,
        path: "/__emulator/chaos",
        doc: "Chaos's settings with the requests it has seen and the faults it has injected by kind; `null` when off.",
        app: true,
        params: &[],
        body: Body::Empty,
        answers: &[json(200, "Chaos, or `null`.", of::<Option<Chaos>>)],
        helpers: &[],
        handler: |m| on(m, handlers::get_chaos),
    },
    Route {
        id: "clear_chaos",
        method: Method::Delete,
        path: "/__emulator/chaos",
        doc: "Turns chaos off.",
        app: true,
        params: &[],
        body: Body::Empty,
        answers: &[done(204)],
        helpers: &[],
        handler: |m| on(m, handlers::clear_chaos),
    },
    Route {
        id: "seed_profiles",
        method: Method::Post,
        path: "/__emulator/profiles",
        doc: "Creates profiles at once: `count` generated ones (anonymous, or with customer user ids `{prefix}{n}`) and/or \
              the listed ones, with access levels held for life and virtual currency balances. At most 1,000,000 generated.",
        app: true,
        params: &[],
        body: Body::Json(of::<Seed>),
        answers: &[json(200, "The profiles' ids, in order.", of::<Seeded>), REFUSED],
        helpers: &[helper(
            "seed",
            "Creates profiles at once (the listed ones, and/or `count` generated ones); returns their profile ids.",
            &[
                with_default(arg("profiles", Target::Field("profiles")), "[]"),
                with_default(keyword("count", Target::Field("count")), "0"),
                keyword("customer_user_id_prefix", Target::Field("customer_user_id_prefix")),
            ],
            Returns::Field("profile_ids"),
        )],
        handler: |m| on(m, handlers::seed_profiles),
    },
    Route {
        id: "list_profiles",
        method: Method::Get,
        path: "/__emulator/profiles",
        doc: "Every stored profile's ids, sorted by customer user id, to check many outcomes at once.",
        app: true,
        params: &[
            Param {
                name: "search",
                place: Place::Query,
                schema: of::<String>,
                doc: "Only profiles whose ids contain this (case-insensitive).",
            },
            LIMIT,
        ],
        body: Body::Empty,
        answers: &[json(200, "The profiles' ids, and how many match.", of::<ProfileList>)],
        helpers: &[helper("profiles", "Every profile's `profile_id` and `customer_user_id`.", &[], Returns::Field("profiles"))],
        handler: |m| on(m, handlers::list_profiles),
    },
    Route {
        id: "inspect_profile",
        method: Method::Get,
        path: "/__emulator/profiles/{id}",
        doc: "What the emulator stores about a profile, including what the API does not return.",
        app: true,
        params: &[Param { name: "id", place: Place::Path, schema: of::<String>, doc: "The profile's id or customer user id." }],
        body: Body::Empty,
        answers: &[
            json(200, "The profile as the API returns it, and as stored.", of::<Inspection>),
            Answer { status: 404, doc: "No profile has this id.", content: Content::Empty },
        ],
        helpers: &[helper(
            "stored_profile",
            "All the emulator keeps about a profile (by profile id or customer user id).",
            &[arg("ident", Target::Path("id"))],
            Returns::Field("stored"),
        )],
        handler: |m| on(m, handlers::inspect_profile),
    },
    Route {
        id: "get_config",
        method: Method::Get,
        path: "/__emulator/config",
        doc: "The catalog's settings: access levels, products, virtual currencies and their switches, the webhook integration.",
        app: true,
        params: &[],
        body: Body::Empty,
        answers: &[json(200, "The settings.", of::<Config>)],
        helpers: &[],
        handler: |m| on(m, handlers::get_config),
    },
    Route {
        id: "set_config",
        method: Method::Post,
        path: "/__emulator/config",
        doc: "Changes the catalog's settings given, as the dashboard does; saving a webhook endpoint (its URL or its header) \
              sends the verification request.",
        app: true,
        params: &[],
        body: Body::Json(of::<ConfigPatch>),
        answers: &[json(200, "The whole settings.", of::<Config>), REFUSED],
        helpers: &[helper(
            "configure",
            "Changes the catalog's settings (access levels, products, webhook URL, ...); returns them all.",
            &[arg("settings", Target::Body)],
            Returns::Answer,
        )],
        handler: |m| on(m, handlers::set_config),
    },
    Route {
        id: "seed_paywalls",
        method: Method::Post,
        path: "/__emulator/paywalls",
        doc: "Adds generated live paywalls titled \"Paywall N\" (or, with `replace`, makes them the only ones), for \
              pagination tests. At most 1,000,000 in all.",
        app: true,
        params: &[],
        body: Body::Json(of::<PaywallSeed>),
        answers: &[json(200, "How many paywalls there are now.", of::<PaywallCount>), REFUSED],
        helpers: &[helper(
            "seed_paywalls",
            "Adds `count` generated paywalls; returns how many there are now.",
            &[arg("count", Target::Field("count"))],
            Returns::Field("count"),
        )],
        handler: |m| on(m, handlers::seed_paywalls),
    },
    Route {
        id: "list_webhooks",
        method: Method::Get,
        path: "/__emulator/webhooks",
        doc: "The webhook delivery log, oldest first: each event with its body, state and attempts.",
        app: true,
        params: &[],
        body: Body::Empty,
        answers: &[json(200, "The deliveries.", of::<Vec<Delivery>>)],
        helpers: &[helper("webhooks", "The webhook delivery log, oldest first, with every attempt.", &[], Returns::Answer)],
        handler: |m| on(m, handlers::list_webhooks),
    },
    Route {
        id: "clear_webhooks",
        method: Method::Delete,
        path: "/__emulator/webhooks",
        doc: "Empties the webhook delivery log; deliveries under way stop.",
        app: true,
        params: &[],
        body: Body::Empty,
        answers: &[done(204)],
        helpers: &[helper("clear_webhooks", "Empties the webhook delivery log.", &[], Returns::Nothing)],
        handler: |m| on(m, handlers::clear_webhooks),
    },
    Route {
        id: "redeliver_webhook",
        method: Method::Post,
        path: "/__emulator/webhooks/{id}/redeliver",
        doc: "Sends a logged webhook again now (the same body and `profile_event_id`, as Adapty's resend does), with the \
              retry schedule.",
        app: true,
        params: &[Param { name: "id", place: Place::Path, schema: of::<u64>, doc: "The delivery's id." }],
        body: Body::Empty,
        answers: &[done(202), json(404, "The log has no delivery of this id.", of::<ControlError>)],
        helpers: &[],
        handler: |m| on(m, handlers::redeliver_webhook),
    },
    Route {
        id: "trigger_webhook",
        method: Method::Post,
        path: "/__emulator/webhooks/trigger",
        doc: "Sends an event of any of Adapty's types for a profile, its properties made from the profile's latest access \
              level with the given ones over them.",
        app: true,
        params: &[],
        body: Body::Json(of::<Trigger>),
        answers: &[
            json(202, "The queued deliveries' ids.", of::<Triggered>),
            json(400, "An unknown event type, or no webhook URL for the event's environment.", of::<ControlError>),
            json(404, "No such profile.", of::<ControlError>),
        ],
        helpers: &[helper(
            "trigger_webhook",
            "Sends an event of any type for a profile; returns the deliveries' ids.",
            &[
                arg("event_type", Target::Field("event_type")),
                keyword("customer_user_id", Target::Field("customer_user_id")),
                keyword("profile_id", Target::Field("profile_id")),
                with_default(keyword("properties", Target::Field("properties")), "{}"),
            ],
            Returns::Field("deliveries"),
        )],
        handler: |m| on(m, handlers::trigger_webhook),
    },
    Route {
        id: "openapi",
        method: Method::Get,
        path: "/__emulator/openapi.json",
        doc: "This description of the control plane, as an OpenAPI 3.1 document.",
        app: false,
        params: &[],
        body: Body::Empty,
        answers: &[json(200, "The document.", of::<OpenApiDocument>)],
        helpers: &[],
        handler: |m| on(m, || async { ([(CONTENT_TYPE, "application/json")], document()).into_response() }),
    },
    Route {
        id: "ui",
        method: Method::Get,
        path: ui::PAGE,
        doc: "The web UI: profiles, requests, webhooks, faults, the clock and snapshots of one app at a time.",
        app: false,
        params: &[],
        body: Body::Empty,
        answers: &[Answer { status: 200, doc: "The page.", content: Content::File(ui::HTML) }],
        helpers: &[],
        handler: |m| on(m, ui::page),
    },
    Route {
        id: "ui_redirect",
        method: Method::Get,
        path: "/__emulator/ui",
        doc: "The web UI's page, at the address its relative links resolve from.",
        app: false,
        params: &[],
        body: Body::Empty,
        answers: &[Answer { status: 308, doc: "To the page.", content: Content::Redirect(ui::PAGE) }],
        helpers: &[],
        handler: |m| on(m, ui::redirect),
    },
    Route {
        id: "ui_script",
        method: Method::Get,
        path: "/__emulator/ui/app.js",
        doc: "The web UI's script.",
        app: false,
        params: &[],
        body: Body::Empty,
        answers: &[Answer { status: 200, doc: "The script.", content: Content::File(ui::JAVASCRIPT) }],
        helpers: &[],
        handler: |m| on(m, ui::script),
    },
    Route {
        id: "ui_style",
        method: Method::Get,
        path: "/__emulator/ui/app.css",
        doc: "The web UI's style sheet.",
        app: false,
        params: &[],
        body: Body::Empty,
        answers: &[Answer { status: 200, doc: "The style sheet.", content: Content::File(ui::CSS) }],
        helpers: &[],
        handler: |m| on(m, ui::style),
    },
];

/// The control plane's OpenAPI document, as `GET /__emulator/openapi.json` serves it.
pub fn document() -> &'static str {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        let mut text = serde_json::to_string_pretty(&openapi::document(ROUTES)).unwrap_or_default();
        text.push('\n');
        text
    })
}

/// Every control-plane route's method and path, in the description's order.
pub fn methods_and_paths() -> impl Iterator<Item = (&'static str, &'static str)> {
    ROUTES.iter().map(|r| (r.method.as_str(), r.path))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use serde_json::Value;

    use super::*;
    use crate::http::control::description::Body;

    fn document_json() -> Value {
        serde_json::from_str(document()).unwrap()
    }

    /// `reference`'s target in the document (a `$ref` followed), or `schema` itself.
    fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(r) => doc.pointer(r.trim_start_matches('#')).unwrap_or_else(|| panic!("{r} does not resolve")),
            None => schema,
        }
    }

    #[test]
    fn every_route_has_a_doc_and_every_answer_and_parameter_one() {
        let sentence = |text: &str| !text.trim().is_empty() && text.ends_with('.');
        for route in ROUTES {
            assert!(sentence(route.doc), "{} has no doc", route.id);
            assert!(!route.answers.is_empty(), "{} answers nothing", route.id);
            assert!((200..400).contains(&route.answers[0].status), "{}: the success comes first", route.id);
            for answer in route.answers {
                assert!(sentence(answer.doc), "{} {} has no doc", route.id, answer.status);
            }
            for param in route.params {
                assert!(sentence(param.doc), "{}'s {} has no doc", route.id, param.name);
            }
            for helper in route.helpers {
                assert!(sentence(helper.doc), "{}'s helper {} has no doc", route.id, helper.name);
            }
            let in_path: BTreeSet<&str> = route.path.split('/').filter_map(|s| s.strip_prefix('{')?.strip_suffix('}')).collect();
            let described: BTreeSet<&str> = route.params.iter().filter(|p| p.place == Place::Path).map(|p| p.name).collect();
            assert_eq!(in_path, described, "{}: its path parameters, each described", route.id);
            assert!(route.path.starts_with("/__emulator/"), "{} is not the control plane's", route.id);
        }
        let ids: BTreeSet<&str> = ROUTES.iter().map(|r| r.id).collect();
        let routes: BTreeSet<(&str, &str)> = methods_and_paths().collect();
        assert_eq!((ids.len(), routes.len()), (ROUTES.len(), ROUTES.len()), "ids and routes are unique");
    }

    #[test]
    fn every_schema_reference_resolves() {
        let doc = document_json();
        let mut stack = vec![&doc];
        let mut refs = 0;
        while let Some(node) = stack.pop() {
            match node {
                Value::Object(map) => {
                    if map.contains_key("$ref") {
                        resolve(&doc, node);
                        refs += 1;
                    }
                    stack.extend(map.values());
                }
                Value::Array(items) => stack.extend(items),
                _ => {}
            }
        }
        assert!(refs > 30, "{refs} references");
        assert_eq!(doc["openapi"], "3.1.0");
    }

    /// Each helper's arguments and result name what its route takes and answers, so the
    /// generated methods send what the emulator reads.
    #[test]
    fn helpers_map_onto_their_routes() {
        let doc = document_json();
        for route in ROUTES {
            let op = &doc["paths"][route.path][route.method.as_str().to_lowercase()];
            let body = op.pointer("/requestBody/content/application~1json/schema").map(|s| resolve(&doc, s));
            let answer = op["responses"].as_object().unwrap().values().next().unwrap();
            let answer = answer.pointer("/content/application~1json/schema").map(|s| resolve(&doc, s));
            for helper in route.helpers {
                let mut defaulted = false;
                for arg in helper.args {
                    match arg.to {
                        Target::Path(name) => {
                            assert!(route.params.iter().any(|p| p.name == name), "{}: no path parameter {name}", helper.name)
                        }
                        Target::Field(name) => {
                            let field = body.and_then(|b| b.pointer(&format!("/properties/{name}")));
                            assert!(field.is_some(), "{}: the body has no field {name}", helper.name);
                        }
                        Target::Body | Target::Document | Target::Each => {
                            assert!(matches!(route.body, Body::Json(_)), "{}: {} takes no body", helper.name, route.id)
                        }
                    }
                    // A positional argument without a default after one with it could not be left out.
                    if !arg.keyword {
                        assert!(arg.default.is_some() || !defaulted, "{}: {} needs a default", helper.name, arg.name);
                        defaulted |= arg.default.is_some();
                    }
                    if let Some(text) = arg.default {
                        serde_json::from_str::<Value>(text).unwrap_or_else(|e| panic!("{}: default {text}: {e}", helper.name));
                    }
                }
                match helper.returns {
                    Returns::Nothing => {}
                    Returns::Answer => assert!(answer.is_some(), "{}: {} answers no JSON", helper.name, route.id),
                    Returns::Field(name) => {
                        assert!(
                            answer.and_then(|a| a.pointer(&format!("/properties/{name}"))).is_some(),
                            "{}: no answer field {name}",
                            helper.name
                        )
                    }
                }
            }
        }
    }
}
