fn main() {
    // The WebAssembly module's stack (Rust's default for wasm32 is 1 MiB): a call's future, polled
    // on it, overflowed 1 MiB on the first request (found running the Node quickstart) and ran
    // in 2 MiB; 4 MiB leaves room. It is linear memory the module reserves, not a thread's.
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo:rustc-link-arg-cdylib=-zstack-size=4194304");
    }
}
