import Foundation
import XCTest

@testable import AdaptyServer

/// The network options against the emulator served over HTTPS (a throwaway CA): trusted through
/// `caBundle`, refused without it. (The proxy path is the core's, tested in Rust, Python, Node
/// and Kotlin.)
final class NetworkTests: XCTestCase {
    static let ca = FileManager.default.temporaryDirectory.appendingPathComponent("adapty-swift-ca-\(getpid()).pem").path
    static var emulator: Emulator!

    override class func setUp() {
        if emulator == nil { emulator = try! Emulator(["--tls", "--tls-ca-out", ca]) }
    }

    func testTrustedThroughCaBundleRefusedWithoutIt() async throws {
        let em = Self.emulator!
        XCTAssertTrue(em.baseUrl.hasPrefix("https://"))
        let trusted = try AdaptyClient(apiKey: key, baseUrl: em.baseUrl, maxRetries: 0, caBundle: Self.ca)
        do {
            _ = try await trusted.profiles.get(.customerUserId("nobody"))
            XCTFail("no such profile")
        } catch AdaptyError.Api(let status, _, _, _, _, _) {
            XCTAssertEqual(status, 404)
        }
        let refused = try AdaptyClient(apiKey: key, baseUrl: em.baseUrl, maxRetries: 0)
        do {
            _ = try await refused.profiles.get(.customerUserId("nobody"))
            XCTFail("an unknown CA was trusted")
        } catch AdaptyError.Connection(let detail) {
            XCTAssertTrue(detail.contains("certificate"), detail)
        }
    }

    func testAWrongProxyIsRefusedAtConstruction() {
        XCTAssertThrowsError(try AdaptyClient(apiKey: key, proxy: "ftp://proxy:21")) {
            guard case AdaptyError.Validation(let field, _, _, _) = $0 else { return XCTFail("\($0)") }
            XCTAssertEqual(field, "proxy")
        }
    }
}
