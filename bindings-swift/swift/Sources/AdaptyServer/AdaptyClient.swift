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
/// `ADAPTY_BASE_URL` and then `https://api.adapty.io`. `timeout` bounds each request and
/// `connectTimeout` the making of a connection, in seconds. Failures are `AdaptyError` cases.
public final class AdaptyClient: Sendable {
    private let native: NativeClient

    public init(apiKey: String? = nil, baseUrl: String? = nil, apiVersion: String = "v2", timeout: TimeInterval = 30, connectTimeout: TimeInterval = 10, maxRetries: Int = 2) throws {
        var options: [String: Any] = ["api_version": apiVersion, "timeout": timeout, "connect_timeout": connectTimeout, "max_retries": maxRetries, "language": ["swift", "6"]]
        options["api_key"] = apiKey
        options["base_url"] = baseUrl
        native = try NativeClient(optionsJson: try Self.text(options))
    }

    /// The base URL requests go to.
    public var baseUrl: String { native.baseUrl() }

    // MARK: Profiles

    public func getProfile(_ ref: ProfileRef) async throws -> Profile {
        try decode(await call("profiles.get", ref))
    }

    /// Creates a profile; `.attach` attaches a customer user id to an existing profile.
    public func createProfile(_ ref: ProfileRef, _ fields: ProfileFields = ProfileFields()) async throws -> Profile {
        try decode(await call("profiles.create", ref, fields: try fields.json()))
    }

    /// Changes the fields set in `fields`; `.unset` ones stay as they are.
    public func updateProfile(_ ref: ProfileRef, _ fields: ProfileFields) async throws -> Profile {
        try decode(await call("profiles.update", ref, fields: try fields.json()))
    }

    public func deleteProfile(_ ref: ProfileRef) async throws {
        _ = try await call("profiles.delete", ref)
    }

    /// Deletes many profiles, `concurrency` at a time; one result per input, in order.
    public func deleteProfiles(_ refs: [ProfileRef], concurrency: Int = 16) async throws -> [DeleteResult] {
        try Self.results(refs, await call("profiles.deleteMany", args: Self.many(refs, concurrency)))
    }

    // MARK: Purchases and access levels

    /// Records a purchase (one-time or subscription) on the profile; returns the updated profile.
    public func setTransaction(_ ref: ProfileRef, _ params: TransactionParams) async throws -> Profile {
        try decode(await call("purchases.setTransaction", ref, fields: jsonObject(params)))
    }

    /// Imports a Stripe purchase into the profile with `params.customerUserId` (created if needed).
    public func validateStripePurchase(_ params: StripeValidationParams) async throws {
        _ = try await call("purchases.validateStripe", nil, fields: jsonObject(params))
    }

    /// Imports a Paddle purchase into the profile with `params.customerUserId` (created if needed).
    public func validatePaddlePurchase(_ params: PaddleValidationParams) async throws -> Profile {
        try decode(await call("purchases.validatePaddle", nil, fields: jsonObject(params)))
    }

    /// Grants an access level without a transaction; returns the updated profile.
    public func grantAccessLevel(_ ref: ProfileRef, _ params: GrantAccessParams) async throws -> Profile {
        try decode(await call("accessLevels.grant", ref, fields: jsonObject(params)))
    }

    /// Revokes an access level now, or shortens it to `params.revokeAt`; returns the updated profile.
    public func revokeAccessLevel(_ ref: ProfileRef, _ params: RevokeAccessParams) async throws -> Profile {
        try decode(await call("accessLevels.revoke", ref, fields: jsonObject(params)))
    }

    // MARK: Refund Saver and integrations

    public func refundSaverSettings(_ ref: ProfileRef) async throws -> RefundSaverSettings {
        try decode(await call("refundSaver.get", ref))
    }

    public func setRefundSaverSettings(_ ref: ProfileRef, _ params: RefundSaverParams) async throws -> RefundSaverSettings {
        try decode(await call("refundSaver.set", ref, fields: jsonObject(params)))
    }

    public func integrationIdentifiers(_ ref: ProfileRef) async throws -> IntegrationIdentifiers {
        try decode(await call("integrations.get", ref))
    }

    /// Sets the identifiers that are not nil; the others keep their value.
    public func setIntegrationIdentifiers(_ ref: ProfileRef, _ ids: IntegrationIdentifiers) async throws {
        _ = try await call("integrations.set", ref, fields: jsonObject(ids))
    }

    // MARK: Paywalls

    /// One page of paywalls: `page` (from 1) or a `cursor` from a previous page's `nextCursor`.
    public func paywalls(page: Int? = nil, pageSize: Int? = nil, cursor: String? = nil) async throws -> PaywallPage {
        try decode(await call("paywalls.list", args: Self.paywallsArgs(page: page, pageSize: pageSize, cursor: cursor)))
    }

    /// Every paywall, fetching the next page when the previous one is used up.
    public func allPaywalls(pageSize: Int? = nil) -> AsyncThrowingStream<Paywall, Error> {
        pages("paywalls.list", Self.paywallsArgs(page: nil, pageSize: pageSize, cursor: nil), Paywall.self)
    }

    public func paywall(id: String) async throws -> Paywall {
        try decode(await call("paywalls.get", args: ["paywall_id": id]))
    }

    /// Replaces the paywall's remote configs (all of them: read the paywall first to keep some).
    public func updatePaywall(id: String, remoteConfigs: [RemoteConfig]) async throws -> Paywall {
        try decode(await call("paywalls.update", args: ["paywall_id": id, "fields": jsonObject(PaywallUpdateParams(remoteConfigs: remoteConfigs))]))
    }

    // MARK: Virtual currencies

    /// Applies credits and debits together. Retries reuse one Idempotency-Key (`idempotencyKey`, or
    /// one the SDK makes); the same key given again replays the first result.
    public func createVirtualCurrencyTransaction(_ ref: ProfileRef, _ params: VirtualCurrencyTransactionParams, idempotencyKey: String? = nil) async throws -> VirtualCurrencyTransactionResult {
        try decode(await call("virtualCurrency.createTransaction", ref, fields: jsonObject(params), ["idempotency_key": idempotencyKey]))
    }

    /// One page of the profile's history, newest first; pass the previous page's `nextCursor` as `cursor`.
    public func virtualCurrencyTransactions(_ ref: ProfileRef, currencyCode: String? = nil, limit: Int? = nil, cursor: String? = nil) async throws -> VirtualCurrencyTransactionPage {
        try decode(await call("virtualCurrency.listTransactions", ref, ["currency_code": currencyCode, "limit": limit, "cursor": cursor]))
    }

    /// The profile's whole history, newest first, `limit` per request.
    public func allVirtualCurrencyTransactions(_ ref: ProfileRef, currencyCode: String? = nil, limit: Int? = nil) -> AsyncThrowingStream<VirtualCurrencyTransaction, Error> {
        pages("virtualCurrency.listTransactions", Self.args(ref, nil, ["currency_code": currencyCode, "limit": limit]), VirtualCurrencyTransaction.self)
    }

    public func virtualCurrencyBalances(_ ref: ProfileRef) async throws -> VirtualCurrencyBalances {
        try decode(await call("virtualCurrency.balances", ref))
    }

    // MARK: Blocking twins

    public func getProfileBlocking(_ ref: ProfileRef) throws -> Profile {
        try decode(callBlocking("profiles.get", ref))
    }

    public func createProfileBlocking(_ ref: ProfileRef, _ fields: ProfileFields = ProfileFields()) throws -> Profile {
        try decode(callBlocking("profiles.create", ref, fields: try fields.json()))
    }

    public func updateProfileBlocking(_ ref: ProfileRef, _ fields: ProfileFields) throws -> Profile {
        try decode(callBlocking("profiles.update", ref, fields: try fields.json()))
    }

    public func deleteProfileBlocking(_ ref: ProfileRef) throws {
        _ = try callBlocking("profiles.delete", ref)
    }

    public func deleteProfilesBlocking(_ refs: [ProfileRef], concurrency: Int = 16) throws -> [DeleteResult] {
        try Self.results(refs, callBlocking("profiles.deleteMany", args: Self.many(refs, concurrency)))
    }

    public func setTransactionBlocking(_ ref: ProfileRef, _ params: TransactionParams) throws -> Profile {
        try decode(callBlocking("purchases.setTransaction", ref, fields: jsonObject(params)))
    }

    public func validateStripePurchaseBlocking(_ params: StripeValidationParams) throws {
        _ = try callBlocking("purchases.validateStripe", nil, fields: jsonObject(params))
    }

    public func validatePaddlePurchaseBlocking(_ params: PaddleValidationParams) throws -> Profile {
        try decode(callBlocking("purchases.validatePaddle", nil, fields: jsonObject(params)))
    }

    public func grantAccessLevelBlocking(_ ref: ProfileRef, _ params: GrantAccessParams) throws -> Profile {
        try decode(callBlocking("accessLevels.grant", ref, fields: jsonObject(params)))
    }

    public func revokeAccessLevelBlocking(_ ref: ProfileRef, _ params: RevokeAccessParams) throws -> Profile {
        try decode(callBlocking("accessLevels.revoke", ref, fields: jsonObject(params)))
    }

    public func refundSaverSettingsBlocking(_ ref: ProfileRef) throws -> RefundSaverSettings {
        try decode(callBlocking("refundSaver.get", ref))
    }

    public func setRefundSaverSettingsBlocking(_ ref: ProfileRef, _ params: RefundSaverParams) throws -> RefundSaverSettings {
        try decode(callBlocking("refundSaver.set", ref, fields: jsonObject(params)))
    }

    public func integrationIdentifiersBlocking(_ ref: ProfileRef) throws -> IntegrationIdentifiers {
        try decode(callBlocking("integrations.get", ref))
    }

    public func setIntegrationIdentifiersBlocking(_ ref: ProfileRef, _ ids: IntegrationIdentifiers) throws {
        _ = try callBlocking("integrations.set", ref, fields: jsonObject(ids))
    }

    public func paywallsBlocking(page: Int? = nil, pageSize: Int? = nil, cursor: String? = nil) throws -> PaywallPage {
        try decode(callBlocking("paywalls.list", args: Self.paywallsArgs(page: page, pageSize: pageSize, cursor: cursor)))
    }

    /// Every paywall, fetching the next page when the previous one is used up.
    public func allPaywallsBlocking(pageSize: Int? = nil) -> BlockingPages<Paywall> {
        pagesBlocking("paywalls.list", Self.paywallsArgs(page: nil, pageSize: pageSize, cursor: nil), Paywall.self)
    }

    public func paywallBlocking(id: String) throws -> Paywall {
        try decode(callBlocking("paywalls.get", args: ["paywall_id": id]))
    }

    public func updatePaywallBlocking(id: String, remoteConfigs: [RemoteConfig]) throws -> Paywall {
        try decode(callBlocking("paywalls.update", args: ["paywall_id": id, "fields": jsonObject(PaywallUpdateParams(remoteConfigs: remoteConfigs))]))
    }

    public func createVirtualCurrencyTransactionBlocking(_ ref: ProfileRef, _ params: VirtualCurrencyTransactionParams, idempotencyKey: String? = nil) throws -> VirtualCurrencyTransactionResult {
        try decode(callBlocking("virtualCurrency.createTransaction", ref, fields: jsonObject(params), ["idempotency_key": idempotencyKey]))
    }

    public func virtualCurrencyTransactionsBlocking(_ ref: ProfileRef, currencyCode: String? = nil, limit: Int? = nil, cursor: String? = nil) throws -> VirtualCurrencyTransactionPage {
        try decode(callBlocking("virtualCurrency.listTransactions", ref, ["currency_code": currencyCode, "limit": limit, "cursor": cursor]))
    }

    /// The profile's whole history, newest first, `limit` per request.
    public func allVirtualCurrencyTransactionsBlocking(_ ref: ProfileRef, currencyCode: String? = nil, limit: Int? = nil) -> BlockingPages<VirtualCurrencyTransaction> {
        pagesBlocking("virtualCurrency.listTransactions", Self.args(ref, nil, ["currency_code": currencyCode, "limit": limit]), VirtualCurrencyTransaction.self)
    }

    public func virtualCurrencyBalancesBlocking(_ ref: ProfileRef) throws -> VirtualCurrencyBalances {
        try decode(callBlocking("virtualCurrency.balances", ref))
    }

    // MARK: Arguments, calls and page walks (once for every operation; the core walks the cursors)

    /// The core's arguments: the profile's ids, the request body as `fields`, and the other
    /// arguments that are not nil.
    private static func args(_ ref: ProfileRef?, _ fields: Any?, _ extra: [String: Any?] = [:]) -> [String: Any] {
        var args = ref?.ids ?? [:]
        args["fields"] = fields
        for case let (key, value?) in extra { args[key] = value }
        return args
    }

    private static func paywallsArgs(page: Int?, pageSize: Int?, cursor: String?) -> [String: Any] {
        args(nil, nil, ["page": page, "page_size": pageSize, "cursor": cursor])
    }

    private func call(_ op: String, _ ref: ProfileRef?, fields: Any? = nil, _ extra: [String: Any?] = [:]) async throws -> String {
        try await call(op, args: Self.args(ref, fields, extra))
    }

    private func call(_ op: String, args: [String: Any]) async throws -> String {
        try await native.call(op: op, argsJson: Self.text(args))
    }

    private func callBlocking(_ op: String, _ ref: ProfileRef?, fields: Any? = nil, _ extra: [String: Any?] = [:]) throws -> String {
        try callBlocking(op, args: Self.args(ref, fields, extra))
    }

    private func callBlocking(_ op: String, args: [String: Any]) throws -> String {
        try native.callBlocking(op: op, argsJson: Self.text(args))
    }

    private func decode<T: Decodable>(_ json: String) throws -> T {
        try decoder.decode(T.self, from: Data(json.utf8))
    }

    /// The core's walk over every page of `op` (its `args` without `cursor`), each page's items
    /// decoded; an error making it surfaces at the first item.
    private func nativeWalk(_ op: String, _ args: [String: Any]) -> Result<NativeWalk, Error> {
        Result { try native.walk(op: op, argsJson: Self.text(args)) }
    }

    private static func items<Item: Decodable>(_ json: String?) throws -> [Item]? {
        try json.map { try decoder.decode([Item].self, from: Data($0.utf8)) }
    }

    private func pages<Item: Decodable & Sendable>(_ op: String, _ args: [String: Any], _: Item.Type) -> AsyncThrowingStream<Item, Error> {
        let walk = nativeWalk(op, args)
        let pages = PageWalk<Item> { try Self.items(try await walk.get().next()) }
        return AsyncThrowingStream(unfolding: { try await pages.next() })
    }

    private func pagesBlocking<Item: Decodable>(_ op: String, _ args: [String: Any], _: Item.Type) -> BlockingPages<Item> {
        let walk = nativeWalk(op, args)
        return BlockingPages { try Self.items(try walk.get().nextBlocking()) }
    }

    private static func text(_ object: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    private static func many(_ refs: [ProfileRef], _ concurrency: Int) -> [String: Any] {
        ["refs": refs.map(\.ids), "concurrency": concurrency]
    }

    private static func results(_ refs: [ProfileRef], _ json: String) throws -> [DeleteResult] {
        let items = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [Any] ?? []
        return zip(refs, items).map { ref, item in DeleteResult(ref: ref, error: (item as? [String: Any]).map(adaptyError)) }
    }
}

/// Walks pages for an `AsyncThrowingStream`: the next page (`fetch`, nil once the core's walk
/// is over) is fetched when the last one is used up.
actor PageWalk<Item: Sendable> {
    private let fetch: @Sendable () async throws -> [Item]?
    private var left: [Item] = []

    init(_ fetch: @escaping @Sendable () async throws -> [Item]?) {
        self.fetch = fetch
    }

    func next() async throws -> Item? {
        while left.isEmpty {
            guard let page = try await fetch() else { return nil }
            left = page.reversed()
        }
        return left.popLast()
    }
}

/// Every item of a list, page after page, fetched when the previous page is used up: call
/// `next()` until it returns nil, or `collect()` for all of them. A failed request throws there.
public final class BlockingPages<Item> {
    private let fetch: () throws -> [Item]?
    private var left: [Item] = []

    init(_ fetch: @escaping () throws -> [Item]?) {
        self.fetch = fetch
    }

    /// The next item, or nil after the last one.
    public func next() throws -> Item? {
        while left.isEmpty {
            guard let page = try fetch() else { return nil }
            left = page.reversed()
        }
        return left.popLast()
    }

    /// The remaining items, every page.
    public func collect() throws -> [Item] {
        var items: [Item] = []
        while let item = try next() { items.append(item) }
        return items
    }
}

/// The error case for one of the core's error descriptions (`Error::to_json`).
func adaptyError(_ info: [String: Any]) -> AdaptyError {
    let detail = info["message"] as? String ?? ""
    switch info["kind"] as? String {
    case "validation":
        return .Validation(field: info["field"] as? String ?? "", rule: info["rule"] as? String ?? "", errorCode: info["error_code"] as? String, detail: detail)
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
