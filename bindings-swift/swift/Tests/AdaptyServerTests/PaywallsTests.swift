import Foundation
import XCTest

@testable import AdaptyServer

/// Paywalls, each through its async method and its blocking twin.
final class PaywallsTests: FeatureTestCase {
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
}
