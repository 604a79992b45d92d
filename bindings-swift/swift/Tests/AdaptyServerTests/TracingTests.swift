import XCTest

@testable import AdaptyServer

/// A tracer as a user plugs one in: records each span, and sends a context naming the attempt.
final class RecordingTrace: CallTrace, @unchecked Sendable {
    private let lock = NSLock()
    private(set) var started: [[String: Any]] = []
    /// The attributes of each span as it ended, in order.
    private(set) var ended: [[String: Any]] = []

    func start(id: UInt64, spanJson: String) -> [String: String] {
        let span = try! JSONSerialization.jsonObject(with: Data(spanJson.utf8)) as! [String: Any]
        lock.withLock { started.append(span) }
        return ["traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-\(String(format: "%016llx", id + 1))-01"]
    }

    func end(id: UInt64, endJson: String) {
        let end = try! JSONSerialization.jsonObject(with: Data(endJson.utf8)) as! [String: Any]
        lock.withLock { ended.append(end["attributes"] as! [String: Any]) }
    }
}

final class TracingTests: FeatureTestCase {
    func testEachAttemptIsASpanOfTheCallsTraceAndItsContextIsSent() async throws {
        let ref = try profile()
        try em.control("DELETE", "journal")
        try em.control("POST", "faults", ["method": "GET", "status": 503, "times": 1])
        let traces = RecordingTrace()
        let c = try client().withTracing { traces }
        _ = try await c.profiles.get(ref)
        _ = try c.profiles.getBlocking(ref)

        XCTAssertEqual(traces.started.count, 3)
        let attributes = traces.started.map { $0["attributes"] as! [String: Any] }
        XCTAssertEqual(traces.started.map { $0["name"] as? String }, ["GET", "GET", "GET"])
        XCTAssertEqual(attributes.map { $0["adapty.operation"] as? String }, Array(repeating: "profiles.get", count: 3))
        XCTAssertEqual(attributes[1]["http.request.resend_count"] as? Int, 1)
        XCTAssertEqual(traces.ended.count, 3)
        XCTAssertEqual(traces.ended[0]["error.type"] as? String, "503")
        XCTAssertEqual(traces.ended[1]["http.response.status_code"] as? Int, 200)
        XCTAssertNil(traces.ended[1]["error.type"])
        let sent = try em.journal().compactMap { ($0["headers"] as? [String: Any])?["traceparent"] as? String }
        XCTAssertEqual(sent.map { String($0.suffix(19)) }, ["0000000000000001-01", "0000000000000002-01", "0000000000000001-01"])
    }
}
