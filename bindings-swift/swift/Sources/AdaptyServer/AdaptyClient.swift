// The Swift face of adapty-server: async methods and blocking twins over the Rust core.
import Foundation

/// Which profile: Adapty's profile id, your customer user id, or (create only) both to attach.
public enum ProfileRef: Sendable, Hashable {
    case profileId(String)
    case customerUserId(String)
    /// Create only: attaches `customerUserId` to the existing profile `profileId`.
    case attach(profileId: String, customerUserId: String)

    var ids: [String: Any] {
        switch self {
        case .profileId(let id): return ["profile_id": id, "customer_user_id": NSNull()]
        case .customerUserId(let id): return ["profile_id": NSNull(), "customer_user_id": id]
        case .attach(let p, let c): return ["profile_id": p, "customer_user_id": c]
        }
    }
}

/// The outcome of one input of `deleteProfiles`.
public struct DeleteResult: Sendable {
    public let ref: ProfileRef
    public let error: AdaptyError?
    public var ok: Bool { error == nil }
}

/// A client of Adapty's server-side API. `apiKey` falls back to `ADAPTY_API_KEY`, `baseUrl` to
/// `ADAPTY_BASE_URL` and then `https://api.adapty.io`. Failures are `AdaptyError` cases.
public final class AdaptyClient: Sendable {
    private let native: NativeClient

    public init(apiKey: String? = nil, baseUrl: String? = nil, apiVersion: String = "v2", timeout: TimeInterval = 30, maxRetries: Int = 2) throws {
        var options: [String: Any] = ["api_version": apiVersion, "timeout": timeout, "max_retries": maxRetries, "language": ["swift", "6"]]
        options["api_key"] = apiKey
        options["base_url"] = baseUrl
        native = try NativeClient(optionsJson: try Self.text(options))
    }

    /// The base URL requests go to.
    public var baseUrl: String { native.baseUrl() }

    public func getProfile(_ ref: ProfileRef) async throws -> Profile {
        try Self.profile(await native.call(op: "profiles.get", argsJson: Self.text(ref.ids)))
    }

    /// Creates a profile; `.attach` attaches a customer user id to an existing profile.
    public func createProfile(_ ref: ProfileRef, _ fields: ProfileFields = ProfileFields()) async throws -> Profile {
        try Self.profile(await native.call(op: "profiles.create", argsJson: Self.args(ref, fields)))
    }

    /// Changes the fields set in `fields`; `.unset` ones stay as they are.
    public func updateProfile(_ ref: ProfileRef, _ fields: ProfileFields) async throws -> Profile {
        try Self.profile(await native.call(op: "profiles.update", argsJson: Self.args(ref, fields)))
    }

    public func deleteProfile(_ ref: ProfileRef) async throws {
        _ = try await native.call(op: "profiles.delete", argsJson: Self.text(ref.ids))
    }

    /// Deletes many profiles, `concurrency` at a time; one result per input, in order.
    public func deleteProfiles(_ refs: [ProfileRef], concurrency: Int = 16) async throws -> [DeleteResult] {
        try Self.results(refs, await native.call(op: "profiles.deleteMany", argsJson: Self.many(refs, concurrency)))
    }

    public func getProfileBlocking(_ ref: ProfileRef) throws -> Profile {
        try Self.profile(native.callBlocking(op: "profiles.get", argsJson: Self.text(ref.ids)))
    }

    public func createProfileBlocking(_ ref: ProfileRef, _ fields: ProfileFields = ProfileFields()) throws -> Profile {
        try Self.profile(native.callBlocking(op: "profiles.create", argsJson: Self.args(ref, fields)))
    }

    public func updateProfileBlocking(_ ref: ProfileRef, _ fields: ProfileFields) throws -> Profile {
        try Self.profile(native.callBlocking(op: "profiles.update", argsJson: Self.args(ref, fields)))
    }

    public func deleteProfileBlocking(_ ref: ProfileRef) throws {
        _ = try native.callBlocking(op: "profiles.delete", argsJson: Self.text(ref.ids))
    }

    public func deleteProfilesBlocking(_ refs: [ProfileRef], concurrency: Int = 16) throws -> [DeleteResult] {
        try Self.results(refs, native.callBlocking(op: "profiles.deleteMany", argsJson: Self.many(refs, concurrency)))
    }

    private static func text(_ object: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    private static func args(_ ref: ProfileRef, _ fields: ProfileFields) throws -> String {
        var args = ref.ids
        args["fields"] = try fields.json()
        return try text(args)
    }

    private static func many(_ refs: [ProfileRef], _ concurrency: Int) throws -> String {
        try text(["refs": refs.map(\.ids), "concurrency": concurrency])
    }

    private static func profile(_ json: String) throws -> Profile {
        try decoder.decode(Profile.self, from: Data(json.utf8))
    }

    private static func results(_ refs: [ProfileRef], _ json: String) throws -> [DeleteResult] {
        let items = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [Any] ?? []
        return zip(refs, items).map { ref, item in DeleteResult(ref: ref, error: (item as? [String: Any]).map(adaptyError)) }
    }
}

/// The error case for one of the core's error descriptions (`Error::to_json`).
func adaptyError(_ info: [String: Any]) -> AdaptyError {
    let detail = info["message"] as? String ?? ""
    switch info["kind"] as? String {
    case "validation":
        return .Validation(field: info["field"] as? String ?? "", rule: info["rule"] as? String ?? "", detail: detail)
    case "connection":
        return .Connection(detail: detail)
    case "timeout":
        return .Timeout(detail: detail)
    case "api":
        let status = (info["status"] as? NSNumber)?.intValue ?? 0
        let body = info["body"] as? String ?? ""
        if status == 429 {
            return .RateLimited(retryAfterSeconds: (info["retry_after"] as? NSNumber)?.doubleValue, errorCode: info["error_code"] as? String, requestId: info["request_id"] as? String, body: body, detail: detail)
        }
        let errors = (info["errors"] as? [[String: Any]] ?? []).map { FieldError(source: $0["source"] as? String, errors: $0["errors"] as? [String] ?? []) }
        return .Api(status: UInt16(status), errorCode: info["error_code"] as? String, errors: errors, requestId: info["request_id"] as? String, body: body, detail: detail)
    default:
        return .Usage(detail: detail)
    }
}
