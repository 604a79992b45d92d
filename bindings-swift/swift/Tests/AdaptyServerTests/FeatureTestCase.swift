import Foundation
import XCTest

@testable import AdaptyServer

/// What the feature suites share: one emulator (reset before each test), a client, and the
/// inputs and readers they use. It has no tests of its own.
class FeatureTestCase: XCTestCase {
    static var emulator: Emulator!
    var em: Emulator { Self.emulator }

    override class func setUp() {
        if emulator == nil { emulator = try! Emulator() }
    }

    override func setUp() {
        try! em.control("POST", "reset")
    }

    func client() throws -> AdaptyClient {
        try AdaptyClient(apiKey: key, baseUrl: em.baseUrl)
    }

    /// A new profile, by customer user id.
    func profile() throws -> ProfileRef {
        let id = "swift-\(UUID().uuidString)"
        _ = try em.seed([["customer_user_id": id]])
        return .customerUserId(id)
    }

    /// Runs `body` with the async methods, then with the blocking twins.
    func bothStyles(_ body: (_ blocking: Bool) async throws -> Void) async throws {
        try await body(false)
        try await body(true)
    }

    /// The error `body` throws, if it is an `AdaptyError`.
    func failure(_ body: () async throws -> Any) async -> AdaptyError? {
        do {
            _ = try await body()
            return nil
        } catch {
            return error as? AdaptyError
        }
    }

    func sent(to path: String) throws -> Int {
        try em.journal().filter { ($0["path"] as? String ?? "").contains(path) }.count
    }

    func lastBody() throws -> [String: Any] {
        let text = try em.journal().last?["body"] as? String ?? ""
        return try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
    }

    func subscription(purchasedAt: Date, expiresAt: Date) -> TransactionParams {
        TransactionParams(
            purchaseType: .subscription, store: "app_store", environment: "Production", storeProductId: "premium_monthly",
            storeTransactionId: "1000000\(Int.random(in: 0..<1_000_000_000))", storeOriginalTransactionId: "1000000000000001",
            price: Price(country: "US", currency: "USD", value: 9.99), purchasedAt: purchasedAt,
            originallyPurchasedAt: purchasedAt, expiresAt: expiresAt, renewStatus: true)
    }

    let day: TimeInterval = 86400

    /// Every request of a walk, via a fault: `body` answers each one.
    func fakePages(_ pathPrefix: String, _ body: [String: Any]) throws {
        try em.control("DELETE", "faults")
        try em.control("POST", "faults", ["method": "GET", "path_prefix": pathPrefix, "status": 200, "body": body, "times": 10])
        try em.control("DELETE", "journal")
    }
}
