import Foundation
import XCTest

@testable import AdaptyServer

/// Virtual currencies, each through its async method and its blocking twin.
final class VirtualCurrencyTests: FeatureTestCase {
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
}
