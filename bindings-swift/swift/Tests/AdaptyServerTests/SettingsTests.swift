import Foundation
import XCTest

@testable import AdaptyServer

/// Refund Saver and integration identifiers, each through its async method and its blocking twin.
final class SettingsTests: FeatureTestCase {
    func testRefundSaverSettings() async throws {
        let c = try client()
        try await bothStyles { blocking in
            let ref = try profile()
            let before = try await (blocking ? c.refundSaver.getBlocking(ref) : c.refundSaver.get(ref))
            XCTAssertEqual(before.settings.customPreference, "no_preference")
            let params = RefundSaverParams(customPreference: "grant", consent: true)
            let set = try await (blocking ? c.refundSaver.setBlocking(ref, params) : c.refundSaver.set(ref, params))
            XCTAssertEqual(set.settings.customPreference, "grant")
            XCTAssertEqual(set.settings.consent, true)
            let after = try await (blocking ? c.refundSaver.getBlocking(ref) : c.refundSaver.get(ref))
            XCTAssertEqual(after, set)
            XCTAssertEqual(after.profileId, before.profileId)
        }
    }

    func testIntegrationIdentifiers() async throws {
        let c = try client()
        try await bothStyles { blocking in
            let ref = try profile()
            let first = IntegrationIdentifiers(amplitudeUserId: "amp-1", mixpanelUserId: "mix-1")
            try await (blocking ? c.integrations.setBlocking(ref, first) : c.integrations.set(ref, first))
            XCTAssertEqual(try lastBody() as NSDictionary, ["amplitude_user_id": "amp-1", "mixpanel_user_id": "mix-1"] as NSDictionary)
            let second = IntegrationIdentifiers(appsflyerId: "af-1")
            try await (blocking ? c.integrations.setBlocking(ref, second) : c.integrations.set(ref, second))
            let ids = try await (blocking ? c.integrations.getBlocking(ref) : c.integrations.get(ref))
            XCTAssertEqual(ids, IntegrationIdentifiers(amplitudeUserId: "amp-1", appsflyerId: "af-1", mixpanelUserId: "mix-1"))
        }
    }
}
