import Foundation
import XCTest

@testable import AdaptyServer

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

let key = "secret_swift_tests_Q3m8"

/// The emulator binary on port 0 (ADAPTY_EMULATOR_BIN), and its control plane.
final class Emulator {
    let process = Process()
    let stdin = Pipe()
    let baseUrl: String

    init() throws {
        let stdout = Pipe()
        process.executableURL = URL(fileURLWithPath: ProcessInfo.processInfo.environment["ADAPTY_EMULATOR_BIN"]!)
        process.arguments = ["--port", "0", "--api-key", key, "--exit-on-stdin-close"]
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while true {
            let byte = stdout.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { break }
            line.append(byte)
        }
        baseUrl = String(decoding: line, as: UTF8.self)
    }

    @discardableResult
    func control(_ method: String, _ path: String, _ body: Any? = nil) throws -> Any? {
        var request = URLRequest(url: URL(string: "\(baseUrl)/__emulator/\(path)")!)
        request.httpMethod = method
        request.setValue("application/json", forHTTPHeaderField: "content-type")
        if let body { request.httpBody = try JSONSerialization.data(withJSONObject: body) }
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: Data?
        URLSession.shared.dataTask(with: request) { data, _, _ in
            result = data
            done.signal()
        }.resume()
        done.wait()
        guard let data = result, !data.isEmpty else { return nil }
        return try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
    }

    func journal() throws -> [[String: Any]] { try control("GET", "journal") as? [[String: Any]] ?? [] }

    func seed(_ profiles: [[String: Any]]) throws -> [String] {
        ((try control("POST", "profiles", ["profiles": profiles]) as? [String: Any])?["profile_ids"] as? [String]) ?? []
    }

    deinit {
        stdin.fileHandleForWriting.closeFile()
        process.waitUntilExit()
    }
}

final class AdaptyServerTests: XCTestCase {
    static var emulator: Emulator!
    var em: Emulator { Self.emulator }

    override class func setUp() {
        emulator = try! Emulator()
    }

    override func setUp() {
        try! em.control("DELETE", "faults")
        try! em.control("DELETE", "journal")
    }

    func client(timeout: TimeInterval = 30, maxRetries: Int = 2, apiKey: String = key, baseUrl: String? = nil) throws -> AdaptyClient {
        try AdaptyClient(apiKey: apiKey, baseUrl: baseUrl ?? em.baseUrl, timeout: timeout, maxRetries: maxRetries)
    }

    func user() -> String { "swift-\(UUID().uuidString)" }

    func stored(_ id: String) throws -> [String: Any] {
        ((try em.control("GET", "profiles/\(id)") as? [String: Any])?["stored"] as? [String: Any])?["fields"] as? [String: Any] ?? [:]
    }

    func testLifecycleAsync() async throws {
        let c = try client()
        let id = user()
        let fields = ProfileFields(
            firstName: .value("Jane"), gender: .value(.f), birthday: .value("2000-12-31"),
            customAttributes: .value(["plan": .string("gold"), "logins": .number(3)]),
            installationMeta: .value(InstallationMeta(deviceId: "dev-1", platform: .iOS)), platform: .value(.iOS))
        let created = try await c.profiles.create(.customerUserId(id), fields)
        XCTAssertEqual(created.customerUserId, id)
        XCTAssertEqual(created.customAttributes, ["plan": .string("gold"), "logins": .number(3)])
        XCTAssertTrue(created.accessLevels.isEmpty && created.subscriptions.isEmpty)
        let fetched = try await c.profiles.get(.profileId(created.profileId))
        XCTAssertEqual(fetched, created.self == fetched ? created : fetched)
        XCTAssertEqual(try stored(id) as NSDictionary, ["first_name": "Jane", "gender": "f", "birthday": "2000-12-31"] as NSDictionary)
        let updated = try await c.profiles.update(
            .customerUserId(id), ProfileFields(firstName: .null, customAttributes: .value(["plan": nil])))
        XCTAssertEqual(updated.customAttributes, ["logins": .number(3)])
        XCTAssertEqual(try stored(id) as NSDictionary, ["gender": "f", "birthday": "2000-12-31"] as NSDictionary)
        try await c.profiles.delete(.customerUserId(id))
        do {
            _ = try await c.profiles.get(.customerUserId(id))
            XCTFail("expected a 404")
        } catch AdaptyError.Api(let status, let errorCode, let errors, let requestId, _, _) {
            XCTAssertEqual(status, 404)
            XCTAssertEqual(errorCode, "profile_does_not_exist")
            XCTAssertEqual(errors.first?.errors, ["Profile not found"])
            XCTAssertEqual(requestId?.count, 32)
        }
    }

    func testLifecycleBlocking() throws {
        let c = try client()
        let id = user()
        let created = try c.profiles.createBlocking(.customerUserId(id), ProfileFields(customAttributes: .value(["a": .number(1)])))
        XCTAssertEqual(try c.profiles.getBlocking(.profileId(created.profileId)).customerUserId, id)
        XCTAssertEqual(
            try c.profiles.updateBlocking(.customerUserId(id), ProfileFields(customAttributes: .value(["a": nil]))).customAttributes, [:])
        try c.profiles.deleteBlocking(.customerUserId(id))
        XCTAssertThrowsError(try c.profiles.getBlocking(.customerUserId(id))) { error in
            guard case AdaptyError.Api(404, _, _, _, _, _) = error else { return XCTFail("\(error)") }
        }
        let anonymous = try em.seed([[:]])[0]
        XCTAssertEqual(try c.profiles.createBlocking(.attach(profileId: anonymous, customerUserId: id)).profileId, anonymous)
    }

    func testValidationErrorsNameTheFieldAndSendNothing() async throws {
        let c = try client()
        let cases: [(ProfileFields, String, String)] = [
            (ProfileFields(birthday: .value("2001-02-29")), "birthday", "format"),
            (ProfileFields(ipCountry: .value("USA")), "ip_country", "format"),
            (
                ProfileFields(
                    customAttributes: .value(Dictionary(uniqueKeysWithValues: (0...30).map { ("k\($0)", AttributeValue.string("v")) }))),
                "custom_attributes", "count"
            ),
            (ProfileFields(installationMeta: .value(InstallationMeta(deviceId: " "))), "installation_meta.device_id", "required"),
        ]
        for (fields, field, rule) in cases {
            do {
                _ = try await c.profiles.update(.customerUserId("anyone"), fields)
                XCTFail("expected a validation error for \(field)")
            } catch AdaptyError.Validation(let f, let r, _, _) {
                XCTAssertEqual([f, r], [field, rule])
            }
        }
        XCTAssertThrowsError(try c.profiles.getBlocking(.profileId("not-a-uuid"))) { error in
            guard case AdaptyError.Validation("profile_id", "format", _, _) = error else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(try em.journal().count, 0)
    }

    func testEveryErrorCase() async throws {
        try em.control("POST", "faults", ["status": 409, "times": 5])
        XCTAssertThrowsError(try client(maxRetries: 0).profiles.getBlocking(.customerUserId("x"))) { error in
            guard case AdaptyError.Api(409, _, _, _, _, _) = error else { return XCTFail("\(error)") }
        }
        try em.control("DELETE", "faults")
        XCTAssertThrowsError(try client(apiKey: "secret_wrong").profiles.getBlocking(.customerUserId("x"))) { error in
            guard case AdaptyError.Api(401, "unauthorized", _, _, _, _) = error else { return XCTFail("\(error)") }
            XCTAssertFalse("\(error)".contains("secret_wrong"))
        }
        try em.control("POST", "faults", ["status": 429, "retry_after": "3600", "times": 1])
        XCTAssertThrowsError(try client().profiles.getBlocking(.customerUserId("x"))) { error in
            guard case AdaptyError.RateLimited(3600, _, _, _, _) = error else { return XCTFail("\(error)") }
        }
        try em.control("POST", "faults", ["delay_ms": 2000, "times": 2])
        XCTAssertThrowsError(try client(timeout: 0.2, maxRetries: 1).profiles.getBlocking(.customerUserId("x"))) { error in
            guard case AdaptyError.Timeout = error else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try client(maxRetries: 0, baseUrl: "http://127.0.0.1:9").profiles.getBlocking(.customerUserId("x"))) { error in
            guard case AdaptyError.Connection = error else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try client(baseUrl: "http://api.example.com")) { error in
            guard case AdaptyError.Validation("base_url", _, _, _) = error else { return XCTFail("\(error)") }
        }
    }

    func testRetriesThenSucceeds() async throws {
        let id = user()
        _ = try em.seed([["customer_user_id": id]])
        try em.control("DELETE", "journal")
        try em.control("POST", "faults", [["method": "GET", "status": 503], ["method": "GET", "drop_connection": true]])
        let profile = try await client().profiles.get(.customerUserId(id))
        XCTAssertEqual(profile.customerUserId, id)
        XCTAssertEqual(try em.journal().map { $0["status"] as? Int }, [503, 200, 200])
    }

    func testDeleteProfilesGivesOneResultPerInput() async throws {
        let ids = try em.seed((0..<20).map { _ in ["customer_user_id": user()] })
        let refs = ids.map(ProfileRef.profileId) + [.customerUserId("nobody-here"), .profileId("bad")]
        for results in [
            try await client().profiles.deleteMany(refs, concurrency: 4),
            try client().profiles.deleteManyBlocking(refs.map { _ in .customerUserId("gone") }, concurrency: 4),
        ] {
            XCTAssertEqual(results.count, refs.count)
        }
        let again = try em.seed((0..<3).map { _ in ["customer_user_id": user()] })
        let results = try await client().profiles.deleteMany(
            again.map(ProfileRef.profileId) + [.customerUserId("nobody"), .profileId("bad")])
        XCTAssertEqual(results.map(\.ok), [true, true, true, false, false])
        guard case .Api(404, _, _, _, _, _) = results[3].error else { return XCTFail("\(String(describing: results[3].error))") }
        guard case .Validation("profile_id", _, _, _) = results[4].error else { return XCTFail("\(String(describing: results[4].error))") }
    }

    func testManyConcurrentCallsOnOneClient() async throws {
        let id = user()
        _ = try em.seed([["customer_user_id": id]])
        let c = try client()
        let found = try await withThrowingTaskGroup(of: String?.self) { group in
            for _ in 0..<200 { group.addTask { try await c.profiles.get(.customerUserId(id)).customerUserId } }
            return try await group.reduce(into: [String?]()) { $0.append($1) }
        }
        XCTAssertEqual(found, Array(repeating: id, count: 200))
    }

    /// The shared vectors, through the native call the Swift wrapper uses.
    func testSharedVectors() throws {
        XCTAssertEqual(try vectorFailures(URL(fileURLWithPath: ProcessInfo.processInfo.environment["ADAPTY_VECTORS"]!)), [])
    }

    /// The operations beyond the Profile API (operations.json, next to profiles.json): each case's
    /// input goes to the core as it is.
    func testOperationVectors() throws {
        let profiles = URL(fileURLWithPath: ProcessInfo.processInfo.environment["ADAPTY_VECTORS"]!)
        XCTAssertEqual(try vectorFailures(profiles.deletingLastPathComponent().appendingPathComponent("operations.json")), [])
    }

    func vectorFailures(_ file: URL) throws -> [String] {
        let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as! [String: Any]
        let ops = [
            "get": "profiles.get", "create": "profiles.create", "update": "profiles.update", "delete": "profiles.delete",
            "delete_many": "profiles.deleteMany",
        ]
        let cases = doc["cases"] as! [Any]
        var failures: [String] = cases.isEmpty ? ["\(file.lastPathComponent) has no cases"] : []
        for case let c as [String: Any] in cases {
            let name = c["name"] as! String
            try em.control("POST", "reset")
            if let config = c["given_config"] { try em.control("POST", "config", config) }
            if let given = c["given_profiles"] { try em.control("POST", "profiles", ["profiles": given]) }
            try em.control("DELETE", "journal")
            let native = try NativeClient(
                optionsJson: String(
                    decoding: try JSONSerialization.data(withJSONObject: [
                        "api_key": key, "base_url": em.baseUrl, "api_version": c["api_version"] ?? "v2", "max_retries": 0,
                    ]), as: UTF8.self))
            var input = c["input"] as! [String: Any]
            if let params = input.removeValue(forKey: "params") { input["fields"] = params }
            let expect = c["expect"] as! [String: Any]
            let operation = c["operation"] as! String
            let op = ops[operation] ?? operation
            var outcome: Any
            do {
                let result = try native.callBlocking(
                    op: op, argsJson: String(decoding: try JSONSerialization.data(withJSONObject: input), as: UTF8.self))
                if op == "profiles.deleteMany" {
                    // One outcome per ref; a case of one ref may state it as its outcome.
                    let each: [Any] = try resultErrors(resultsJson: result).map { error in error.map(describe) ?? "ok" }
                    outcome = expect["results"] == nil && each.count == 1 ? each[0] : each
                } else {
                    outcome = "ok"
                }
            } catch let e as AdaptyError {
                outcome = describe(e)
            }
            let sent = try em.journal()
            if let v = expect["validation_error"] {
                if !same(outcome, ["validation_error": v]) || !sent.isEmpty { failures.append("\(name): \(outcome)") }
            } else if let results = expect["results"] {
                if !same(outcome, results) { failures.append("\(name): \(outcome)") }
            } else {
                let request = expect["request"] as! [String: Any]
                guard same(outcome, expect["outcome"]!), sent.count == 1 else {
                    failures.append("\(name): \(outcome), \(sent.count) sent")
                    continue
                }
                let entry = sent[0]
                let headers = entry["headers"] as! [String: Any]
                let body =
                    (entry["body"] as! String).isEmpty
                    ? NSNull() : try JSONSerialization.jsonObject(with: Data((entry["body"] as! String).utf8))
                let headersOk =
                    (request["headers"] as? [String: String] ?? [:]).allSatisfy { headers[$0.key] as? String == $0.value }
                    && (request["absent_headers"] as? [String] ?? []).allSatisfy { headers[$0] == nil }
                var query: [String: String] = [:]
                for pair in (entry["query"] as? String ?? "").split(separator: "&") {
                    let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
                    query[parts[0]] = parts.count > 1 ? parts[1] : ""
                }
                let queryOk = (request["query"] as? [String: String] ?? [:]).allSatisfy { query[$0.key] == $0.value }
                if !(same(entry["method"]!, request["method"]!) && same(entry["path"]!, request["path"]!) && headersOk && queryOk
                    && same(byKey(body), byKey(request["body"] ?? NSNull())))
                {
                    failures.append("\(name): sent \(entry)")
                }
            }
        }
        return failures
    }

    func describe(_ e: AdaptyError) -> Any {
        switch e {
        case .Validation(let field, let rule, _, _): return ["validation_error": ["field": field, "rule": rule]]
        case .Api(let status, let code, _, _, _, _): return ["status": Int(status), "error_code": code as Any? ?? NSNull()]
        default: return "unexpected: \(e)"
        }
    }

    /// A body with its custom attributes sorted by key: a Swift dictionary has no order, so the
    /// list made from it cannot keep the order the vector wrote the map in.
    func byKey(_ body: Any) -> Any {
        guard var object = body as? [String: Any], let attributes = object["custom_attributes"] as? [[String: Any]] else { return body }
        object["custom_attributes"] = attributes.sorted { ($0["key"] as? String ?? "") < ($1["key"] as? String ?? "") }
        return object
    }

    /// JSON equality where numbers compare by value.
    func same(_ a: Any, _ b: Any) -> Bool {
        switch (a, b) {
        case (let x as [String: Any], let y as [String: Any]):
            return x.count == y.count && x.allSatisfy { k, v in y[k].map { same(v, $0) } ?? false }
        case (let x as [Any], let y as [Any]): return x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
        case (let x as NSNumber, let y as NSNumber): return x.doubleValue == y.doubleValue
        case (let x as String, let y as String): return x == y
        case (is NSNull, is NSNull): return true
        default: return false
        }
    }
}
