import Foundation
import XCTest

@testable import AdaptyServer

/// The shared webhook cases (webhooks.json, Adapty's documented examples among them) through
/// `Webhooks.constructEvent`.
final class WebhooksTests: XCTestCase {
    let dir = URL(fileURLWithPath: ProcessInfo.processInfo.environment["ADAPTY_VECTORS"]!).deletingLastPathComponent()

    /// The unknown fields the vectors expect kept, which Swift models do not keep.
    let notKept: Set<String> = ["brand_new_envelope_field"]

    /// Each case's event, encoded back to JSON, must hold what the case expects. A case whose
    /// event names map to a type Adapty does not have cannot be written with the typed
    /// dictionary, and is skipped when it expects the core's usage error.
    func testSharedVectors() throws {
        let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("webhooks.json"))) as! [String: Any]
        let cases = doc["cases"] as! [[String: Any]]
        XCTAssertGreaterThan(cases.count, 20)
        for c in cases {
            let name = c["name"] as! String
            let expect = c["expect"] as! [String: Any]
            let given = c["event_names"] as? [String: String] ?? [:]
            let names = given.compactMapValues { WebhookEventType(rawValue: $0) }
            if names.count < given.count {
                XCTAssertEqual(expect["error"] as? String, "usage", "\(name): only a usage error may be inexpressible")
                continue
            }
            let body: Data
            if let file = c["body_file"] as? String {
                body = try Data(contentsOf: dir.appendingPathComponent("examples").appendingPathComponent(file))
            } else {
                body = Data((c["body"] as! String).utf8)
            }
            do {
                let event = try Webhooks.constructEvent(
                    body: body, authorization: c["authorization"] as? String, secret: c["secret"] as! String, eventNames: names)
                let actual = try JSONSerialization.jsonObject(with: encoder.encode(event))
                guard let expected = expect["event"] else {
                    XCTFail("\(name): expected \(expect), got \(actual)")
                    continue
                }
                XCTAssertTrue(matches(expected, actual), "\(name): expected \(expected), got \(actual)")
            } catch let error as AdaptyError {
                switch (expect["error"] as? String, error) {
                case ("webhook_authorization", .WebhookAuthorization): break
                case ("webhook_payload", .WebhookPayload(let field, _)):
                    if let want = expect["field"] as? String { XCTAssertEqual(field, want, name) }
                case ("usage", .Usage): break
                default: XCTFail("\(name): expected \(expect), got \(error)")
                }
            }
        }
    }

    func testPropertiesAreTypedByTheEventType() throws {
        let started = try Webhooks.constructEvent(
            body: Data(contentsOf: dir.appendingPathComponent("examples/webhooks/webhook-subscription-started.json")), authorization: "s",
            secret: "s")
        XCTAssertEqual(started.type, .subscriptionStarted)
        XCTAssertEqual(started.eventProperties?.priceUsd, 4.99)
        XCTAssertNil(started.accessLevelUpdatedProperties)
        XCTAssertEqual(started.eventDatetime, Date(timeIntervalSince1970: 949_276_800))
        XCTAssertEqual(started.attributions["appsflyer"]?.status, "non_organic")
        let updated = try Webhooks.parseEvent(
            body: Data(#"{"event_type": "access_level_updated", "event_properties": {"is_active": true}}"#.utf8))
        XCTAssertEqual(updated.accessLevelUpdatedProperties?.isActive, true)
        let renamed = try Webhooks.parseEvent(
            body: Data(#"{"event_type": "bought"}"#.utf8), eventNames: ["bought": .nonSubscriptionPurchase])
        XCTAssertEqual(renamed.type, .nonSubscriptionPurchase)
        XCTAssertEqual(renamed.rawType, "bought")
        XCTAssertTrue(try Webhooks.parseEvent(body: Data("{}".utf8)).isVerification)
        XCTAssertThrowsError(try Webhooks.constructEvent(body: Data("not json".utf8), authorization: "guess", secret: "s3cr3t-value")) {
            error in
            guard case AdaptyError.WebhookAuthorization(let detail) = error else { return XCTFail("\(error)") }
            XCTAssertFalse(detail.contains("s3cr3t-value"))
        }
    }

    /// `expected` found in `actual`: objects on the keys listed (a missing key is null), date-times
    /// as instants, numbers by value.
    func matches(_ expected: Any, _ actual: Any?) -> Bool {
        switch (expected, actual) {
        case (let e as [String: Any], let a as [String: Any]):
            return e.allSatisfy { key, value in (a[key] == nil && notKept.contains(key)) || matches(value, a[key]) }
        case (let e as [Any], let a as [Any]):
            return e.count == a.count && zip(e, a).allSatisfy { matches($0, $1) }
        case (is NSNull, let a):
            return a == nil || a is NSNull
        case (let e as String, let a as String):
            return e == a || instant(e).map { $0 == instant(a) } ?? false
        case (let e as NSNumber, let a as NSNumber):
            return e.doubleValue == a.doubleValue
        default:
            return false
        }
    }

    func instant(_ text: String) -> Date? {
        let fraction = ISO8601DateFormatter()
        fraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fraction.date(from: text) ?? ISO8601DateFormatter().date(from: text)
    }
}

/// Every body the emulator sends (read from its delivery log) parses with `Webhooks.constructEvent`.
final class EmulatorWebhooksTests: FeatureTestCase {
    func testEveryBodyTheEmulatorSendsParses() async throws {
        let secret = "whsec-swift-emulator"
        // Nothing listens there: the deliveries fail, and the log keeps what was sent.
        try em.control("POST", "config", ["webhook_url": "http://127.0.0.1:9/adapty", "webhook_authorization": secret])
        let ref = try profile()
        let c = try client()
        _ = try await c.purchases.setTransaction(ref, subscription(purchasedAt: Date() - 3600, expiresAt: Date() + 30 * day))
        _ = try await c.accessLevels.grant(ref, GrantAccessParams(accessLevelId: "premium"))
        _ = try await c.accessLevels.revoke(ref, RevokeAccessParams(accessLevelId: "premium"))
        let log = try em.control("GET", "webhooks") as! [[String: Any]]
        let events = try log.map { delivery in
            try Webhooks.constructEvent(
                body: JSONSerialization.data(withJSONObject: delivery["body"]!), authorization: secret, secret: secret)
        }
        XCTAssertEqual(
            events.map(\.type),
            [.verification, .subscriptionStarted, .accessLevelUpdated, .accessLevelUpdated, .accessLevelUpdated])
        XCTAssertEqual(events[1].eventProperties?.vendorProductId, "premium_monthly")
        XCTAssertEqual(events.dropFirst(2).map { $0.accessLevelUpdatedProperties?.isActive }, [true, true, false])
    }
}
