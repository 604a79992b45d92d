import Foundation
import XCTest

@testable import AdaptyServer

/// `withOptions`, `withRawResponse`, request events and task cancellation, read back from the
/// emulator's journal.
final class CallOptionsTests: FeatureTestCase {
    func testOptionsReachTheServerAndStayWithTheirClient() async throws {
        let ref = try profile()
        let c = try client().withOptions(RequestOptions(headers: ["X-Team": "billing"]))
        try em.control("DELETE", "journal")
        let call = RequestOptions(extraQuery: ["trace": "1"], extraBody: ["future_field": .object(["a": .number(1)])])
        _ = try await c.withOptions(call).profiles.update(ref, ProfileFields(firstName: .value("Ann")))
        _ = try c.profiles.getBlocking(ref)
        let journal = try em.journal()
        let update = journal[0]
        XCTAssertEqual((update["headers"] as? [String: String])?["x-team"], "billing")
        XCTAssertEqual(update["query"] as? String, "trace=1")
        let body = try JSONSerialization.jsonObject(with: Data((update["body"] as! String).utf8)) as! [String: Any]
        XCTAssertEqual(body["first_name"] as? String, "Ann")
        XCTAssertEqual((body["future_field"] as? [String: Any])?["a"] as? Int, 1)
        XCTAssertEqual((journal[1]["headers"] as? [String: String])?["x-team"], "billing")
        XCTAssertTrue(journal[1]["query"] is NSNull, "the call's options were the call's only")
    }

    func testOwnedHeadersAreRefused() throws {
        XCTAssertThrowsError(try client().withOptions(RequestOptions(headers: ["Authorization": "Api-Key other"]))) {
            guard case AdaptyError.Validation(let field, let rule, _, _) = $0 else { return XCTFail("\($0)") }
            XCTAssertEqual(field, "headers.Authorization")
            XCTAssertEqual(rule, "conflict")
        }
    }

    func testRawResponse() async throws {
        let ref = try profile()
        try em.control("DELETE", "journal")
        let raw = try await client().withRawResponse { try await $0.profiles.get(ref) }
        let blocking = try client().withRawResponseBlocking { try $0.profiles.getBlocking(ref) }
        let journal = try em.journal()
        XCTAssertEqual(raw.status, 200)
        XCTAssertEqual(raw.requestId, journal[0]["request_id"] as? String)
        XCTAssertEqual(raw.retries, 0)
        XCTAssertEqual(raw.headers["content-type"], "application/json")
        XCTAssertEqual(raw.data.customerUserId, blocking.data.customerUserId)
        XCTAssertEqual(blocking.requestId, journal[1]["request_id"] as? String)
    }

    func testRetriesOfOneCall() async throws {
        let ref = try profile()
        try em.control("POST", "faults", ["method": "GET", "status": 503, "times": 1])
        let c = try AdaptyClient(apiKey: key, baseUrl: em.baseUrl, maxRetries: 0)
        let raw = try await c.withOptions(RequestOptions(maxRetries: 1)).withRawResponse { try await $0.profiles.get(ref) }
        XCTAssertEqual(raw.retries, 1, "one retry, though the client allows none")
    }

    func testListenersSeeEveryAttempt() async throws {
        let ref = try profile()
        let seen = Events()
        let c = try client()
        let registration = c.addListener { seen.add($0) }
        try em.control("POST", "faults", ["method": "GET", "status": 503, "times": 1])
        _ = try await c.withOptions(RequestOptions(timeout: 5)).profiles.get(ref)
        let events = seen.all
        XCTAssertEqual(
            events.map { "\($0.type) \($0.attempt) \($0.status ?? 0)" }, ["request 1 0", "response 1 503", "request 2 0", "response 2 200"])
        XCTAssertEqual(events[3].operation, "profiles.get")
        XCTAssertEqual(events[1].errorKind, "api")
        XCTAssertNotNil(events[3].requestId)
        XCTAssertTrue(events[3].url.hasPrefix(em.baseUrl))
        XCTAssertTrue(registration.cancel())
        _ = try await c.profiles.get(ref)
        XCTAssertEqual(seen.all.count, 4, "a cancelled registration hears nothing")
    }

    func testCancellingTheTaskDropsTheRequest() async throws {
        let ref = try profile()
        try em.control("DELETE", "journal")
        try em.control("POST", "faults", ["method": "GET", "delay_ms": 1000, "times": 5])
        let c = try client()
        let started = Date()
        let task = Task { try await c.profiles.get(ref) }
        try await Task.sleep(nanoseconds: 100_000_000)
        task.cancel()
        do {
            _ = try await task.value
            XCTFail("the call finished")
        } catch {
            XCTAssertTrue(error is CancellationError, "\(error)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 0.9, "cancelled when asked, not when the response came")
        try await Task.sleep(nanoseconds: 1_300_000_000)
        XCTAssertTrue(try em.journal().allSatisfy { ($0["status"] as? Int) != 200 }, "nothing was retried to completion")
    }
}

/// Events a listener received, from whichever thread.
final class Events: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [RequestEvent] = []

    func add(_ event: RequestEvent) {
        lock.lock()
        events.append(event)
        lock.unlock()
    }

    var all: [RequestEvent] {
        lock.lock()
        defer { lock.unlock() }
        return events
    }
}
