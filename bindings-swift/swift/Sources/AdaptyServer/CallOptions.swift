// What a native HTTP stack would give beside each call, given by the core: options over a
// client's (`withOptions`), a call's response (`withRawResponse`), and request events
// (`addListener`).
import Foundation

/// Options of calls, over a client's: `client.withOptions(RequestOptions(timeout: 5))` for every
/// call of the new client, or for one call. Each one left nil keeps the client's.
public struct RequestOptions: Sendable {
    /// Time allowed for one attempt, in seconds.
    public var timeout: TimeInterval?
    /// Retries after the first attempt.
    public var maxRetries: Int?
    /// Extra headers; those the SDK sets (`Authorization`, the profile and idempotency headers) are refused.
    public var headers: [String: String]
    /// Extra query parameters.
    public var extraQuery: [String: String]
    /// Extra body fields the SDK does not know yet; a field it knows is refused (give it as one, where it is checked).
    public var extraBody: [String: JSONValue]

    public init(
        timeout: TimeInterval? = nil,
        maxRetries: Int? = nil,
        headers: [String: String] = [:],
        extraQuery: [String: String] = [:],
        extraBody: [String: JSONValue] = [:]
    ) {
        self.timeout = timeout
        self.maxRetries = maxRetries
        self.headers = headers
        self.extraQuery = extraQuery
        self.extraBody = extraBody
    }

    /// The options as the core reads them.
    func json() throws -> String {
        var values: [String: JSONValue] = [
            "headers": .object(headers.mapValues(JSONValue.string)),
            "extra_query": .object(extraQuery.mapValues(JSONValue.string)),
            "extra_body": .object(extraBody),
        ]
        values["timeout"] = timeout.map(JSONValue.number)
        values["max_retries"] = maxRetries.map { .number(Double($0)) }
        return String(decoding: try encoder.encode(values), as: UTF8.self)
    }
}

/// A call's result with its response.
public struct RawResponse<T> {
    public let data: T
    public let status: Int
    /// Names in lower case.
    public let headers: [String: String]
    /// What Adapty's support asks for.
    public let requestId: String?
    /// Attempts before the one that succeeded.
    public let retries: Int
}

/// One attempt of a request, before it is sent (`type == "request"`) or when it ended
/// (`"response"`). Never the key, never a body.
public struct RequestEvent: Decodable, Sendable {
    public let type: String
    /// The operation, e.g. `profiles.get`.
    public let operation: String
    public let method: String
    public let url: String
    /// 1 for the first attempt, 2 for the first retry, ...
    public let attempt: Int
    /// The response's status; nil when none came, and for request events.
    public let status: Int?
    public let requestId: String?
    /// From sending to the whole response (response events).
    public let elapsedMs: Double?
    /// `api` for an error status, `connection`, `timeout`, ...; nil on success.
    public let errorKind: String?

    enum CodingKeys: String, CodingKey {
        case type, operation, method, url, attempt, status
        case requestId = "request_id"
        case elapsedMs = "elapsed_ms"
        case errorKind = "error_kind"
    }
}

/// A response as the core describes it.
struct ResponseMeta: Decodable {
    let status: Int
    let headers: [String: String]
    let requestId: String?
    let retries: Int

    enum CodingKeys: String, CodingKey {
        case status, headers, retries
        case requestId = "request_id"
    }
}

/// A raw call's answer: its result and its response.
struct RawAnswer<T: Decodable>: Decodable {
    let data: T
    let response: ResponseMeta
}

/// The last response of the calls of one `withRawResponse`.
final class ResponseNote: @unchecked Sendable {
    private let lock = NSLock()
    private var last: ResponseMeta?

    func record(_ response: ResponseMeta) {
        lock.lock()
        defer { lock.unlock() }
        last = response
    }

    func response<T>(with data: T) throws -> RawResponse<T> {
        lock.lock()
        defer { lock.unlock() }
        guard let last else { throw AdaptyError.Usage(detail: "the call sent no request, so it has no response") }
        return RawResponse(data: data, status: last.status, headers: last.headers, requestId: last.requestId, retries: last.retries)
    }
}

/// Hands the core's events to a closure.
private final class ClosureListener: EventListener, @unchecked Sendable {
    private let handle: @Sendable (RequestEvent) -> Void

    init(_ handle: @escaping @Sendable (RequestEvent) -> Void) {
        self.handle = handle
    }

    func onEvent(eventJson: String) {
        if let event = try? decoder.decode(RequestEvent.self, from: Data(eventJson.utf8)) {
            handle(event)
        }
    }
}

extension AdaptyClient {
    /// A client sharing this one's settings, connections and listeners, whose calls use `options`
    /// over its own.
    ///
    /// - Throws: ``AdaptyError/Validation(field:rule:errorCode:detail:)`` for a refused option
    ///   (a header the SDK sets, e.g. `headers.Authorization`).
    public func withOptions(_ options: RequestOptions) throws -> AdaptyClient {
        AdaptyClient(bridge: try bridge.withOptions(try options.json()))
    }

    /// Runs `call` on a client like this one and returns its result with its response (the last
    /// one, for a call of several requests): `try await client.withRawResponse { try await
    /// $0.profiles.get(ref) }`.
    public func withRawResponse<T>(_ call: (AdaptyClient) async throws -> T) async throws -> RawResponse<T> {
        let note = ResponseNote()
        return try note.response(with: try await call(AdaptyClient(bridge: bridge.noting(note))))
    }

    /// The blocking twin of `withRawResponse`.
    public func withRawResponseBlocking<T>(_ call: (AdaptyClient) throws -> T) throws -> RawResponse<T> {
        let note = ResponseNote()
        return try note.response(with: try call(AdaptyClient(bridge: bridge.noting(note))))
    }

    /// A client like this one whose every call is traced: `makeTrace` runs as each call begins,
    /// on the caller's task (where a tracer reads its current context, e.g.
    /// swift-distributed-tracing's `ServiceContext.current`), and returns the `CallTrace` that
    /// starts each attempt's span (a CLIENT span in OpenTelemetry's HTTP client conventions, as
    /// the core describes it) and gives the headers that carry it (`traceparent`), or nil.
    public func withTracing(_ makeTrace: @escaping @Sendable () -> CallTrace?) -> AdaptyClient {
        AdaptyClient(bridge: bridge.tracing(makeTrace))
    }

    /// Calls `listener` with each request event of this client and of the clients made from it,
    /// on the thread the request runs on (keep it quick), until the registration is cancelled.
    @discardableResult
    public func addListener(_ listener: @escaping @Sendable (RequestEvent) -> Void) -> ListenerRegistration {
        bridge.addListener(ClosureListener(listener))
    }
}
