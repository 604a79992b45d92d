// swift-tools-version:5.9
// The Swift package of adapty-server. `make swift-package` assembles it, with the uniffi-generated
// bindings and the native library, in target/swift-package/.
import PackageDescription

let package = Package(
    name: "AdaptyServer",
    platforms: [.macOS(.v12)],
    products: [.library(name: "AdaptyServer", targets: ["AdaptyServer"])],
    targets: [
        .systemLibrary(name: "adapty_server_ffiFFI", path: "Sources/AdaptyServerFFI"),
        .target(name: "AdaptyServer", dependencies: ["adapty_server_ffiFFI"], path: "Sources/AdaptyServer"),
        .executableTarget(name: "Quickstart", dependencies: ["AdaptyServer"], path: "Sources/Quickstart"),
        .testTarget(name: "AdaptyServerTests", dependencies: ["AdaptyServer"], path: "Tests/AdaptyServerTests"),
    ]
)
