// The runtime bridge under the generated Operations.swift: the core's arguments as JSON, a call
// of the native client (async or blocking), the result decoded, and page walks as an
// AsyncThrowingStream or BlockingPages. It knows no operation: the generated methods name theirs.
import Foundation

/// The core's arguments of one call (or a client's options), by the core's names; nil values are
/// left out ("unset").
struct Args {
    fileprivate var values: [String: Any] = [:]

    func profile(_ ref: ProfileRef) -> Args {
        with { $0.merge(ref.args) { _, new in new } }
    }

    func refs(_ name: String, _ refs: [ProfileRef]) -> Args {
        with { $0[name] = refs.map(\.args) }
    }

    func put(_ name: String, _ value: String?) -> Args {
        with { $0[name] = value }
    }

    func put(_ name: String, _ value: Int?) -> Args {
        with { $0[name] = value }
    }

    func put(_ name: String, _ value: Double?) -> Args {
        with { $0[name] = value }
    }

    /// A request body, encoded with nil optionals left out.
    func body<T: Encodable>(_ name: String, _ value: T) throws -> Args {
        let body = try jsonObject(value)
        return with { $0[name] = body }
    }

    /// The profile fields, with `.unset` ones left out.
    func body(_ name: String, _ fields: ProfileFields) throws -> Args {
        let body = try fields.json()
        return with { $0[name] = body }
    }

    private func with(_ change: (inout [String: Any]) -> Void) -> Args {
        var copy = self
        change(&copy.values)
        return copy
    }

    func text() throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: values), as: UTF8.self)
    }
}

/// A native client, called with an operation's name and `Args`. A bridge made by
/// `noting(_:)` calls for raw responses and hands each response to its `ResponseNote`.
final class Bridge: Sendable {
    private let native: NativeClient
    private let note: ResponseNote?
    /// Makes the spans of each call as it begins (`AdaptyClient.withTracing`).
    private let tracing: (@Sendable () -> CallTrace?)?

    init(_ options: Args) throws {
        var options = options
        options.values["language"] = ["swift", "6"]
        native = try NativeClient(optionsJson: try options.text())
        note = nil
        tracing = nil
    }

    private init(native: NativeClient, note: ResponseNote?, tracing: (@Sendable () -> CallTrace?)?) {
        self.native = native
        self.note = note
        self.tracing = tracing
    }

    var baseUrl: String { native.baseUrl() }

    /// A bridge whose calls use `options` (the core's JSON) over this one's.
    func withOptions(_ options: String) throws -> Bridge {
        Bridge(native: try native.withOptions(optionsJson: options), note: note, tracing: tracing)
    }

    /// A bridge on the same native client that hands each call's response to `note`.
    func noting(_ note: ResponseNote) -> Bridge {
        Bridge(native: native, note: note, tracing: tracing)
    }

    /// A bridge on the same native client whose calls are traced by what `tracing` makes.
    func tracing(_ tracing: @escaping @Sendable () -> CallTrace?) -> Bridge {
        Bridge(native: native, note: note, tracing: tracing)
    }

    func addListener(_ listener: EventListener) -> ListenerRegistration {
        native.addListener(listener: listener)
    }

    func call<T: Decodable>(_ op: String, _ args: Args) async throws -> T {
        try answer(try await run(op, args))
    }

    func callBlocking<T: Decodable>(_ op: String, _ args: Args) throws -> T {
        try answer(try runBlocking(op, args))
    }

    /// An operation that returns nothing.
    func send(_ op: String, _ args: Args) async throws {
        let _: JSONValue = try answer(try await run(op, args))
    }

    func sendBlocking(_ op: String, _ args: Args) throws {
        let _: JSONValue = try answer(try runBlocking(op, args))
    }

    /// A bulk operation: one result per element of `refs` (the core's `null` or error
    /// description, made an `AdaptyError` by the native library).
    func deleteResults(_ op: String, _ args: Args, _ refs: [ProfileRef]) async throws -> [DeleteResult] {
        try results(refs, try answer(try await run(op, args)))
    }

    func deleteResultsBlocking(_ op: String, _ args: Args, _ refs: [ProfileRef]) throws -> [DeleteResult] {
        try results(refs, try answer(try runBlocking(op, args)))
    }

    /// The call's result JSON. Cancelling the task cancels the call: its request is dropped,
    /// nothing is retried, and `CancellationError` is thrown.
    private func run(_ op: String, _ args: Args) async throws -> String {
        let cancellation = Cancellation()
        let text = try args.text()
        let trace = tracing?()
        do {
            return try await withTaskCancellationHandler {
                try await native.call(op: op, argsJson: text, raw: note != nil, cancellation: cancellation, trace: trace)
            } onCancel: {
                cancellation.cancel()
            }
        } catch  where Task.isCancelled {
            throw CancellationError()
        }
    }

    private func runBlocking(_ op: String, _ args: Args) throws -> String {
        try native.callBlocking(op: op, argsJson: try args.text(), raw: note != nil, trace: tracing?())
    }

    /// The result in a call's answer; a raw answer's response is handed to the note first.
    private func answer<T: Decodable>(_ answer: String) throws -> T {
        guard let note else { return try decode(answer) }
        let raw: RawAnswer<T> = try decode(answer)
        note.record(raw.response)
        return raw.data
    }

    /// One result per element of `refs`, from the core's `null`s and error descriptions.
    private func results(_ refs: [ProfileRef], _ errors: [JSONValue]) throws -> [DeleteResult] {
        let text = String(decoding: try encoder.encode(errors), as: UTF8.self)
        return zip(refs, try resultErrors(resultsJson: text)).map { DeleteResult(ref: $0, error: $1) }
    }

    /// Every item of every page of `op`, walked by the core (it sends each page's cursor and
    /// refuses a repeated one); an error making the walk surfaces at the first item.
    func walk<Item: Decodable & Sendable>(_ op: String, _ args: Args) -> AsyncThrowingStream<Item, Error> {
        let walk = nativeWalk(op, args)
        let pages = PageWalk<Item> { [tracing] in try Self.items(try await walk.get().next(trace: tracing?())) }
        return AsyncThrowingStream(unfolding: { try await pages.next() })
    }

    func walkBlocking<Item: Decodable>(_ op: String, _ args: Args) -> BlockingPages<Item> {
        let walk = nativeWalk(op, args)
        return BlockingPages { [tracing] in try Self.items(try walk.get().nextBlocking(trace: tracing?())) }
    }

    private func nativeWalk(_ op: String, _ args: Args) -> Result<NativeWalk, Error> {
        Result { try native.walk(op: op, argsJson: try args.text()) }
    }

    private func decode<T: Decodable>(_ json: String) throws -> T {
        try decoder.decode(T.self, from: Data(json.utf8))
    }

    private static func items<Item: Decodable>(_ json: String?) throws -> [Item]? {
        try json.map { try decoder.decode([Item].self, from: Data($0.utf8)) }
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
