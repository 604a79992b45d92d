import Foundation
import XCTest

@testable import AdaptyServer

/// Every operation beyond the Profile API, each through its async method and its blocking twin.
final class OperationsTests: XCTestCase {
    static var emulator: Emulator!
    var em: Emulator { Self.emulator }

    override class func setUp() {
        emulator = try! Emulator()
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

    func active(_ profile: Profile, _ level: String) -> Bool {
        profile.accessLevels.contains { $0.accessLevelId == level && ($0.expiresAt.map { $0 > Date() } ?? true) }
    }

    let day: TimeInterval = 86400

    func testSubscriptionGivesPremiumThenRevokeAndGrant() async throws {
        let c = try client()
        try await bothStyles { blocking in
            let ref = try profile()
            let params = subscription(purchasedAt: Date() - day, expiresAt: Date() + 29 * day)
            let bought = try await (blocking ? c.purchases.setTransactionBlocking(ref, params) : c.purchases.setTransaction(ref, params))
            XCTAssertTrue(active(bought, "premium"), "\(bought.accessLevels)")
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
            XCTAssertFalse(active(revoked, "premium"))
            XCTAssertEqual(revoked.accessLevels.map(\.cancellationReason), ["adapty_revoked"])

            let grant = GrantAccessParams(accessLevelId: "premium", expiresAt: Date() + 365 * day)
            let granted = try await (blocking ? c.accessLevels.grantBlocking(ref, grant) : c.accessLevels.grant(ref, grant))
            XCTAssertTrue(active(granted, "premium"))

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

    func testStripeAndPaddleImports() async throws {
        let c = try client()
        try await bothStyles { blocking in
            let stripeUser = "swift-stripe-\(UUID().uuidString)"
            let stripe = StripeValidationParams(customerUserId: stripeUser, stripeToken: "sub_1MowQVLkdIwHu7ixeRlqHVzs")
            try await (blocking ? c.purchases.validateStripeBlocking(stripe) : c.purchases.validateStripe(stripe))
            let imported = try await c.profiles.get(.customerUserId(stripeUser))
            XCTAssertTrue(active(imported, "premium"))

            let paddleUser = "swift-paddle-\(UUID().uuidString)"
            let paddle = PaddleValidationParams(customerUserId: paddleUser, paddleToken: "txn_01h8bkbzdq3v4fb1jpqhz6cvsv")
            let profile = try await (blocking ? c.purchases.validatePaddleBlocking(paddle) : c.purchases.validatePaddle(paddle))
            XCTAssertEqual(profile.customerUserId, paddleUser)
            XCTAssertTrue(active(profile, "premium"))
        }
    }

    func testPaywallsPagesAndUpdate() async throws {
        let c = try client()
        try await bothStyles { blocking in
            try em.control("POST", "paywalls", ["count": 5, "replace": true])
            let first = try await (blocking ? c.paywalls.listBlocking(page: 1, pageSize: 2) : c.paywalls.list(page: 1, pageSize: 2))
            XCTAssertEqual([Int64(first.data.count), first.count, first.page, first.pages], [2, 5, 1, 3])
            let second =
                try await
                (blocking
                ? c.paywalls.listBlocking(pageSize: 2, cursor: first.nextCursor) : c.paywalls.list(pageSize: 2, cursor: first.nextCursor))
            XCTAssertEqual(second.page, 2)

            try em.control("DELETE", "journal")
            var all: [Paywall] = []
            if blocking {
                all = try c.paywalls.listAllBlocking(pageSize: 2).collect()
            } else {
                for try await paywall in c.paywalls.listAll(pageSize: 2) { all.append(paywall) }
            }
            XCTAssertEqual(Set(all.map(\.paywallId)).count, 5)
            XCTAssertEqual(Array(all.prefix(4)), first.data + second.data)
            XCTAssertEqual(try sent(to: "/paywalls"), 3)

            // Lazy: the first item needs one page.
            try em.control("DELETE", "journal")
            var one: Paywall?
            if blocking {
                one = try c.paywalls.listAllBlocking(pageSize: 2).next()
            } else {
                for try await paywall in c.paywalls.listAll(pageSize: 2) {
                    one = paywall
                    break
                }
            }
            XCTAssertEqual(one, all[0])
            XCTAssertEqual(try sent(to: "/paywalls"), 1)

            let id = all[0].paywallId
            let configs = [
                RemoteConfig(locale: "en", data: #"{"title":"Go premium"}"#),
                RemoteConfig(locale: "fr", data: #"{"title":"Passez premium"}"#),
            ]
            let updated =
                try await
                (blocking
                ? c.paywalls.updateBlocking(id, PaywallUpdateParams(remoteConfigs: configs))
                : c.paywalls.update(id, PaywallUpdateParams(remoteConfigs: configs)))
            XCTAssertEqual(updated.remoteConfigs.map(\.locale), ["en", "fr"])
            let fetched = try await (blocking ? c.paywalls.getBlocking(id) : c.paywalls.get(id))
            XCTAssertEqual(fetched.paywallId, id)
            XCTAssertEqual(fetched.remoteConfigs, updated.remoteConfigs)
            XCTAssertTrue(fetched.remoteConfigs[0].data.contains("Go premium"))
        }
    }

    func testVirtualCurrency() async throws {
        let c = try client()
        try await bothStyles { blocking in
            let ref = try profile()
            let key = UUID().uuidString.lowercased()
            let credit = VirtualCurrencyTransactionParams(
                items: [VirtualCurrencyItem(currencyCode: "COINS", amount: 100)], metadata: ["reason": "welcome_bonus"])
            let made =
                try await
                (blocking
                ? c.virtualCurrency.createTransactionBlocking(ref, credit, idempotencyKey: key)
                : c.virtualCurrency.createTransaction(ref, credit, idempotencyKey: key))
            XCTAssertEqual(made.balances.first { $0.code == "COINS" }?.balance, 100)
            let replayed =
                try await
                (blocking
                ? c.virtualCurrency.createTransactionBlocking(ref, credit, idempotencyKey: key)
                : c.virtualCurrency.createTransaction(ref, credit, idempotencyKey: key))
            XCTAssertEqual(replayed.transactionId, made.transactionId)
            XCTAssertEqual((try em.journal().last?["headers"] as? [String: Any])?["idempotency-key"] as? String, key)

            let balances = try await (blocking ? c.virtualCurrency.balancesBlocking(ref) : c.virtualCurrency.balances(ref))
            let coins = try XCTUnwrap(balances.data.first { $0.code == "COINS" })
            XCTAssertEqual([coins.balance, coins.available], [100, 100])
            XCTAssertEqual(coins.name, "Gold Coins")

            let debit = VirtualCurrencyTransactionParams(items: [VirtualCurrencyItem(currencyCode: "COINS", amount: -500)])
            let error = await failure {
                try await
                    (blocking ? c.virtualCurrency.createTransactionBlocking(ref, debit) : c.virtualCurrency.createTransaction(ref, debit))
            }
            guard case .Api(400, "insufficient_balance", _, _, _, _)? = error else { return XCTFail("\(String(describing: error))") }

            let gems = VirtualCurrencyTransactionParams(items: [VirtualCurrencyItem(currencyCode: "GEMS", amount: 5)])
            for _ in 0..<4 {
                _ =
                    try await
                    (blocking ? c.virtualCurrency.createTransactionBlocking(ref, gems) : c.virtualCurrency.createTransaction(ref, gems))
            }
            let page =
                try await
                (blocking ? c.virtualCurrency.listTransactionsBlocking(ref, limit: 2) : c.virtualCurrency.listTransactions(ref, limit: 2))
            XCTAssertEqual(page.data.count, 2)
            XCTAssertNotNil(page.nextCursor)

            try em.control("DELETE", "journal")
            var history: [VirtualCurrencyTransaction] = []
            var gemsHistory: [VirtualCurrencyTransaction] = []
            if blocking {
                history = try c.virtualCurrency.listAllTransactionsBlocking(ref, limit: 2).collect()
                XCTAssertEqual(try sent(to: "/vc/transactions"), 3)
                gemsHistory = try c.virtualCurrency.listAllTransactionsBlocking(ref, currencyCode: "GEMS").collect()
            } else {
                for try await t in c.virtualCurrency.listAllTransactions(ref, limit: 2) { history.append(t) }
                XCTAssertEqual(try sent(to: "/vc/transactions"), 3)
                for try await t in c.virtualCurrency.listAllTransactions(ref, currencyCode: "GEMS") { gemsHistory.append(t) }
            }
            XCTAssertEqual(history.count, 5)
            XCTAssertEqual(history.last?.transactionId, made.transactionId)
            XCTAssertEqual(history.last?.metadata, ["reason": "welcome_bonus"])
            XCTAssertEqual(Array(history.prefix(2)), page.data)
            XCTAssertEqual(gemsHistory.flatMap { $0.items.map(\.balanceAfter) }, [20, 15, 10, 5])
        }
    }

    func testListArgumentsAreValidated() async throws {
        let c = try client()
        let error = await failure { try await c.paywalls.list(pageSize: 0) }
        guard case .Validation("page_size", _, _, _)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertThrowsError(try c.paywalls.listAllBlocking(pageSize: 10_000).next()) { error in
            guard case AdaptyError.Validation("page_size", _, _, _) = error else { return XCTFail("\(error)") }
        }
        var thrown: Error?
        do {
            for try await _ in c.virtualCurrency.listAllTransactions(.profileId("not-a-uuid")) {}
        } catch {
            thrown = error
        }
        guard case AdaptyError.Validation("profile_id", _, _, _)? = thrown else { return XCTFail("\(String(describing: thrown))") }
        XCTAssertEqual(try em.journal().count, 0)
    }

    /// Every request of a walk, via a fault: `body` answers each one.
    func fakePages(_ pathPrefix: String, _ body: [String: Any]) throws {
        try em.control("DELETE", "faults")
        try em.control("POST", "faults", ["method": "GET", "path_prefix": pathPrefix, "status": 200, "body": body, "times": 10])
        try em.control("DELETE", "journal")
    }

    /// A server that ignores the page asked for repeats a cursor: the walk fails instead of
    /// looping, having asked for the repeated cursor once.
    func testPageWalksFailOnARepeatedCursor() async throws {
        let c = try client()
        let ref = try profile()
        let paywallPage: [String: Any] = ["data": [Any](), "meta": ["pagination": ["count": 10, "page": 1, "pages": 5]]]
        let historyPage: [String: Any] = ["data": [Any](), "pagination": ["next_cursor": "abc"]]
        let walks: [(String, [String: Any], String, (Bool) async throws -> Void)] = [
            (
                "/api/v2/server-side-api/paywalls", paywallPage, "2",
                { blocking in
                    if blocking { _ = try c.paywalls.listAllBlocking().collect() } else { for try await _ in c.paywalls.listAll() {} }
                }
            ),
            (
                "/api/v2/server-side-api/vc/transactions", historyPage, "abc",
                { blocking in
                    if blocking {
                        _ = try c.virtualCurrency.listAllTransactionsBlocking(ref).collect()
                    } else {
                        for try await _ in c.virtualCurrency.listAllTransactions(ref) {}
                    }
                }
            ),
        ]
        for (path, page, cursor, walk) in walks {
            for blocking in [false, true] {
                try fakePages(path, page)
                let error = await failure { try await walk(blocking) }
                guard case .Usage(let detail)? = error else { return XCTFail("\(path) blocking=\(blocking): \(String(describing: error))") }
                XCTAssertTrue(detail.contains("the API returned cursor \"\(cursor)\" again"), detail)
                let sent = try em.journal()
                XCTAssertEqual(sent.count, 2, "\(path) blocking=\(blocking)")
                let query = sent.last?["query"] as? String ?? ""
                XCTAssertTrue(query.contains(path.hasSuffix("paywalls") ? "page=2&" : "cursor=abc"), query)
            }
        }
    }

    /// An empty next cursor ends a walk like a missing one.
    func testAnEmptyCursorEndsTheWalk() async throws {
        let c = try client()
        let ref = try profile()
        for blocking in [false, true] {
            try fakePages("/api/v2/server-side-api/vc/transactions", ["data": [Any](), "pagination": ["next_cursor": ""]])
            var count = 0
            if blocking {
                count = try c.virtualCurrency.listAllTransactionsBlocking(ref).collect().count
            } else {
                for try await _ in c.virtualCurrency.listAllTransactions(ref) { count += 1 }
            }
            XCTAssertEqual(count, 0)
            XCTAssertEqual(try em.journal().count, 1)
        }
    }

    /// A repeat of any cursor sent before, not only the last one, ends the walk: a→b→a fails
    /// at the third page, having asked for "a" and "b" once each.
    func testAnOlderCursorAgainFailsToo() async throws {
        let c = try client()
        let ref = try profile()
        for blocking in [false, true] {
            try em.control("DELETE", "faults")
            let pages = ["a", "b", "a"].map { next -> [String: Any] in
                [
                    "method": "GET", "path_prefix": "/api/v2/server-side-api/vc/transactions", "status": 200,
                    "body": ["data": [Any](), "pagination": ["next_cursor": next]],
                ]
            }
            try em.control("POST", "faults", pages)
            try em.control("DELETE", "journal")
            let walk: () async throws -> Void = {
                if blocking {
                    _ = try c.virtualCurrency.listAllTransactionsBlocking(ref).collect()
                } else {
                    for try await _ in c.virtualCurrency.listAllTransactions(ref) {}
                }
            }
            let error = await failure { try await walk() }
            guard case .Usage(let detail)? = error else { return XCTFail("blocking=\(blocking): \(String(describing: error))") }
            XCTAssertTrue(detail.contains(#"cursor "a" again"#), detail)
            let queries = try em.journal().map { $0["query"] as? String ?? "" }
            XCTAssertEqual(queries.count, 3, "blocking=\(blocking)")
            XCTAssertFalse(queries[0].contains("cursor="), queries[0])
            XCTAssertTrue(queries[1].contains("cursor=a"), queries[1])
            XCTAssertTrue(queries[2].contains("cursor=b"), queries[2])
        }
    }

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
