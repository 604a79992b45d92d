//! Prints the models' JSON Schema bundle (input of `tools/codegen/`).
//! `cargo run -q -p adapty-server --features schema --example schema`

fn main() {
    println!("{}", serde_json::to_string_pretty(&adapty_server::schema::models()).expect("a schema is JSON"));
}
