import Foundation
import XCTest

@testable import AdaptyServer

/// The client's options as the core reads them.
final class ClientOptionsTests: FeatureTestCase {
    func testConnectTimeoutOption() async throws {
        let c = try AdaptyClient(apiKey: key, baseUrl: em.baseUrl, timeout: 5, connectTimeout: 2.5, maxRetries: 0)
        let ref = try profile()
        let profile = try await c.profiles.get(ref)
        XCTAssertEqual(try c.profiles.getBlocking(ref).profileId, profile.profileId)
        XCTAssertThrowsError(try AdaptyClient(apiKey: key, baseUrl: em.baseUrl, connectTimeout: -1)) { error in
            guard case AdaptyError.Validation("connect_timeout", _, _, _) = error else { return XCTFail("\(error)") }
        }
    }
}
