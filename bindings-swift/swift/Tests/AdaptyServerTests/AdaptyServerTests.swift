import Foundation
import XCTest

@testable import AdaptyServer

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

let key = "secret_swift_tests_Q3m8"

/// The emulator binary on port 0 (ADAPTY_EMULATOR_BIN) with `extra` options (e.g. `--tls`), and
/// its control plane.
final class Emulator {
    let process = Process()
    let stdin = Pipe()
    let baseUrl: String

    init(_ extra: [String] = []) throws {
        let stdout = Pipe()
        process.executableURL = URL(fileURLWithPath: ProcessInfo.processInfo.environment["ADAPTY_EMULATOR_BIN"]!)
        process.arguments = ["--port", "0", "--api-key", key, "--exit-on-stdin-close"] + extra
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

    /// Each case names its class of the taxonomy Python and Node have as exception classes.
    func testErrorsTellTheirClass() throws {
        XCTAssertThrowsError(try client().profiles.getBlocking(.customerUserId(user()))) { error in
            guard let notFound = (error as? AdaptyError)?.errorClass() else { return XCTFail("\(error)") }
            XCTAssertEqual(notFound, .notFound)
            XCTAssertEqual(notFound.parent(), .api)
            XCTAssertEqual([notFound.status(), notFound.className()], ["404", "NotFoundError"])
            XCTAssertTrue(notFound.isA(other: .api))
        }
        XCTAssertThrowsError(try client(apiKey: "secret_wrong").profiles.getBlocking(.customerUserId("x"))) { error in
            XCTAssertEqual((error as? AdaptyError)?.errorClass(), .authentication)
        }
        XCTAssertThrowsError(try client(baseUrl: "http://api.example.com")) { error in
            guard let refused = (error as? AdaptyError)?.errorClass() else { return XCTFail("\(error)") }
            XCTAssertEqual(refused, .validation)
            XCTAssertNil(refused.parent())
            XCTAssertFalse(refused.isA(other: .api))
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

    /// The shared vectors (tests/vectors/, one format) through the public `AdaptyClient`, each case
    /// async and blocking: the generated `callVector` calls the operation's namespaced method with
    /// the case's input read into its typed parameters (the `ProfileRef`, the path parameter, the
    /// arguments, `fields` decoded into the generated input types).
    ///
    /// The skipping rule: a case whose input those parameters cannot hold is skipped (`callVector`
    /// throws `Inexpressible` before any call: no profile id, a required argument or field left out,
    /// an unknown key, a value of another type or outside an enum, a custom attribute key twice),
    /// and only if the core refuses that input too (the case expects a validation error), so a
    /// decoder stricter than the core cannot hide a case. The counts are printed.
    func testSharedVectors() async throws {
        let dir = URL(fileURLWithPath: ProcessInfo.processInfo.environment["ADAPTY_VECTORS"]!).deletingLastPathComponent()
        var cases: [(String, [String: Any])] = []
        for file in ["profiles.json", "operations.json"] {
            let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent(file))) as! [String: Any]
            let list = doc["cases"] as! [[String: Any]]
            XCTAssertFalse(list.isEmpty, "\(file) has no cases")
            cases += list.map { (file, $0) }
        }
        var failures: [String] = []
        var ran = 0
        var skipped: [Why: [String]] = [:]
        for (file, c) in cases {
            for blocking in [false, true] {
                let name = "\(file): \(c["name"] as! String) (\(blocking ? "blocking" : "async"))"
                if let skip = try await runVector(c, blocking: blocking, name, &failures) {
                    skipped[skip.why, default: []].append("\(name): \(skip.detail)")
                } else {
                    ran += 1
                }
            }
        }
        let skips = skipped.values.reduce(0) { $0 + $1.count }
        print("shared vectors: \(cases.count) cases, each async and blocking: \(ran) runs through AdaptyClient, \(skips) skipped")
        for why in Why.allCases {
            guard let names = skipped[why] else { continue }
            print("  skipped, \(why.rawValue): \(names.count)\n" + names.map { "    \($0)\n" }.joined())
        }
        XCTAssertEqual(ran + skips, cases.count * 2)
        XCTAssertGreaterThan(ran, skips, "most vectors must run through the client")
        XCTAssertEqual(failures, [])
    }

    /// Runs one case, adding what is wrong to `failures`; the `Inexpressible` it was skipped for, or
    /// nil when it ran through the client.
    func runVector(_ c: [String: Any], blocking: Bool, _ name: String, _ failures: inout [String]) async throws -> Inexpressible? {
        try em.control("POST", "reset")
        if let config = c["given_config"] { try em.control("POST", "config", config) }
        if let given = c["given_profiles"] { try em.control("POST", "profiles", ["profiles": given]) }
        try em.control("DELETE", "journal")
        let client = try AdaptyClient(
            apiKey: key, publicApiKey: "public_swift_tests_Wb52", mailApiKey: "secret_mail_swift_tests_Ml27", baseUrl: em.baseUrl,
            apiVersion: c["api_version"] as? String, maxRetries: 0)
        let expect = c["expect"] as! [String: Any]
        var outcome: Any
        do {
            let result = try await callVector(client, c["operation"] as! String, c["input"] as! [String: Any], blocking: blocking)
            // One result per input (DeleteResult): each input's outcome.
            outcome = (result as? [DeleteResult]).map { $0.map { r in r.error.map(describe) ?? "ok" } } ?? "ok"
        } catch let e as Inexpressible {
            let refused =
                expect["validation_error"] != nil
                || (expect["results"] as? [Any] ?? []).contains { ($0 as? [String: Any])?["validation_error"] != nil }
            if !refused { failures.append("\(name): \(e), skipped only if the core refuses it, but the case expects \(expect)") }
            if !(try em.journal()).isEmpty { failures.append("\(name): skipped, but a request was sent") }
            return e
        } catch let e as AdaptyError {
            outcome = describe(e)
        }
        let sent = try em.journal()
        if let v = expect["validation_error"] {
            if !same(outcome, ["validation_error": v]) || !sent.isEmpty { failures.append("\(name): \(outcome)") }
        } else if let results = expect["results"] {
            if !same(outcome, results) { failures.append("\(name): \(outcome)") }
        } else {
            // One result per input: "ok" when every input succeeded.
            if let each = outcome as? [Any], each.allSatisfy({ $0 as? String == "ok" }) { outcome = "ok" }
            let request = expect["request"] as! [String: Any]
            guard same(outcome, expect["outcome"]!), sent.count == 1 else {
                failures.append("\(name): \(outcome), \(sent.count) sent")
                return nil
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
        return nil
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
