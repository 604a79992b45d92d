import Foundation
import XCTest

@testable import AdaptyServer

/// Purchases and access levels, each through its async method and its blocking twin.
final class PurchasesTests: FeatureTestCase {
    func testSubscriptionGivesPremiumThenRevokeAndGrant() async throws {
        let c = try client()
        try await bothStyles { blocking in
            let ref = try profile()
            let params = subscription(purchasedAt: Date() - day, expiresAt: Date() + 29 * day)
            let bought = try await (blocking ? c.purchases.setTransactionBlocking(ref, params) : c.purchases.setTransaction(ref, params))
            XCTAssertTrue(try bought.hasActiveAccess("premium"), "\(bought.accessLevels)")
            XCTAssertFalse(try bought.hasActiveAccess("gold"))
            let expires = try XCTUnwrap(bought.accessLevels.first?.expiresAt)
            XCTAssertFalse(try bought.hasActiveAccess("premium", at: expires), "ended at its expires_at")
            XCTAssertEqual(bought.subscriptions.map(\.storeProductId), ["premium_monthly"])
            let body = try lastBody()
            XCTAssertEqual(body["purchase_type"] as? String, "subscription")
            XCTAssertNil(body["refunded_at"])
            XCTAssertNotNil(
                (body["purchased_at"] as? String).flatMap {
                    ISO8601DateFormatter().date(from: $0.replacingOccurrences(of: #"\.\d+"#, with: "", options: .regularExpression))
                })

            let revoked =
                try await
                (blocking
                ? c.accessLevels.revokeBlocking(ref, RevokeAccessParams(accessLevelId: "premium"))
                : c.accessLevels.revoke(ref, RevokeAccessParams(accessLevelId: "premium")))
            XCTAssertFalse(try revoked.hasActiveAccess("premium"))
            XCTAssertEqual(revoked.accessLevels.map(\.cancellationReason), ["adapty_revoked"])

            let grant = GrantAccessParams(accessLevelId: "premium", expiresAt: Date() + 365 * day)
            let granted = try await (blocking ? c.accessLevels.grantBlocking(ref, grant) : c.accessLevels.grant(ref, grant))
            XCTAssertTrue(try granted.hasActiveAccess("premium"))

            let gold = GrantAccessParams(accessLevelId: "gold")
            let error = await failure { try await (blocking ? c.accessLevels.grantBlocking(ref, gold) : c.accessLevels.grant(ref, gold)) }
            guard case .Api(400, "paid_access_level_does_not_exist", _, _, _, _)? = error else {
                return XCTFail("\(String(describing: error))")
            }
        }
    }

    func testValidationHappensBeforeAnyRequest() async throws {
        let c = try client()
        try await bothStyles { blocking in
            let ref = try profile()
            try em.control("DELETE", "journal")
            let params = subscription(purchasedAt: Date() - day, expiresAt: Date() - 2 * day)
            let error = await failure {
                try await (blocking ? c.purchases.setTransactionBlocking(ref, params) : c.purchases.setTransaction(ref, params))
            }
            guard case .Validation("expires_at", _, let errorCode, let detail)? = error else {
                return XCTFail("\(String(describing: error))")
            }
            XCTAssertEqual(errorCode, "expires_date_error")
            XCTAssertTrue(detail.contains("expires_date_error"), detail)
            XCTAssertEqual(try em.journal().count, 0)
        }
    }

    func testStripeAndPaddleImports() async throws {
        let c = try client()
        try await bothStyles { blocking in
            let stripeUser = "swift-stripe-\(UUID().uuidString)"
            let stripe = StripeValidationParams(customerUserId: stripeUser, stripeToken: "sub_1MowQVLkdIwHu7ixeRlqHVzs")
            try await (blocking ? c.purchases.validateStripeBlocking(stripe) : c.purchases.validateStripe(stripe))
            let imported = try await c.profiles.get(.customerUserId(stripeUser))
            XCTAssertTrue(try imported.hasActiveAccess("premium"))

            let paddleUser = "swift-paddle-\(UUID().uuidString)"
            let paddle = PaddleValidationParams(customerUserId: paddleUser, paddleToken: "txn_01h8bkbzdq3v4fb1jpqhz6cvsv")
            let profile = try await (blocking ? c.purchases.validatePaddleBlocking(paddle) : c.purchases.validatePaddle(paddle))
            XCTAssertEqual(profile.customerUserId, paddleUser)
            XCTAssertTrue(try profile.hasActiveAccess("premium"))
        }
    }
}
