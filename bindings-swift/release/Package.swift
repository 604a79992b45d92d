// swift-tools-version:6.2
// The released Swift package of adapty-server: the native library comes as a static-library
// artifact bundle (SE-0482), so a package that depends on this one builds with a plain
// `swift build`, no linker flags, and its binaries carry the library. `make dist` assembles it in
// dist/swift/AdaptyServer/ (`make dist`); toolchains before 6.2
// use the package of `make swift-package` (bindings-swift/swift), which links the shared library.
import PackageDescription

let package = Package(
    name: "AdaptyServer",
    platforms: [.macOS(.v12)],
    products: [.library(name: "AdaptyServer", targets: ["AdaptyServer"])],
    targets: [
        .binaryTarget(name: "adapty_server_ffiFFI", path: "AdaptyServerFFI.artifactbundle"),
        .target(name: "AdaptyServer", dependencies: ["adapty_server_ffiFFI"], path: "Sources/AdaptyServer"),
    ]
)
