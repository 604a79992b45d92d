// swift-tools-version:6.2
// A user's package that depends on the released Swift package (make dist-check puts it beside a
// copy of dist/swift/AdaptyServer and runs a plain `swift build`: no linker flags).
import PackageDescription

let package = Package(
    name: "App",
    dependencies: [.package(path: "../AdaptyServer")],
    targets: [.executableTarget(name: "App", dependencies: [.product(name: "AdaptyServer", package: "AdaptyServer")])]
)
