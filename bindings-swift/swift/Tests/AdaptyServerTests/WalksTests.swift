import Foundation
import XCTest

@testable import AdaptyServer

/// Walks over every page: argument checks, and the guard against a repeated or older cursor.
final class WalksTests: FeatureTestCase {
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
}
