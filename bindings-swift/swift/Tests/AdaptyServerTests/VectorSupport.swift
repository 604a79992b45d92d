// What the generated VectorCalls.swift builds on: why a vector cannot be given to the typed API,
// and the strict readers of a vector's JSON input (hand-written: none of it depends on the manifest).
import Foundation

@testable import AdaptyServer

/// Why a vector's input cannot be given to the typed API; the runner counts skipped cases by it.
enum Why: String, CaseIterable {
    case noProfile = "no profile id: a ProfileRef always names one"
    case missing = "a required argument or field left out: the parameter has no default"
    case unknownKey = "a key the method or the model has no parameter for"
    case type = "a value of another type than the parameter's"
    case notInEnum = "a value outside the parameter's enum"
    case duplicateKey = "a custom attribute key twice: a dictionary holds a key once"
}

/// A vector's input that the typed API cannot express.
struct Inexpressible: Error, CustomStringConvertible {
    let why: Why
    let detail: String
    var description: String { "\(why.rawValue): \(detail)" }
}

/// A JSON object's key, by name.
struct AnyKey: CodingKey {
    let stringValue: String
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    var intValue: Int? { nil }
    init?(intValue: Int) { nil }
}

/// Refuses a key of the object `decoder` reads that is not one of `known` (the path leaves out
/// the wrapping array of `decodeValue`).
func refuseUnknownKeys(_ decoder: Decoder, _ known: Set<String>) throws {
    let keys = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue)
    if let key = keys.sorted().first(where: { !known.contains($0) }) {
        throw Inexpressible(why: .unknownKey, detail: (decoder.codingPath.dropFirst().map(\.stringValue) + [key]).joined(separator: "."))
    }
}

/// A model decoded by its own `init(from:)`, its unknown keys refused first.
struct Strict<T: Decodable>: Decodable {
    let value: T

    init(from decoder: Decoder) throws {
        try refuseUnknownKeys(decoder, modelKeys[String(describing: T.self)] ?? [])
        value = try T(from: decoder)
    }
}

/// A custom attribute value as `AttributeValue` decodes it; null deletes.
struct VectorAttribute: Decodable {
    let value: AttributeValue?

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        value = c.decodeNil() ? nil : try c.decode(AttributeValue.self)
    }
}

/// One entry of the API's `[{key, value}]` list form of custom attributes.
struct VectorAttributeEntry: Decodable {
    let key: String
    let value: AttributeValue?

    init(from decoder: Decoder) throws {
        try refuseUnknownKeys(decoder, ["key", "value"])
        let c = try decoder.container(keyedBy: AnyKey.self)
        key = try c.decode(String.self, forKey: AnyKey("key"))
        value = try c.decodeIfPresent(VectorAttribute.self, forKey: AnyKey("value"))?.value
    }
}

extension KeyedDecodingContainer where Key == AnyKey {
    /// One `Field` of `ProfileFields`: absent is `.unset`, null `.null`.
    func patch<D: Decodable, T: Sendable>(_ type: D.Type, _ key: String, _ value: (D) -> T) throws -> Field<T> {
        let k = AnyKey(key)
        if !contains(k) { return .unset }
        if try decodeNil(forKey: k) { return .null }
        return .value(value(try decode(D.self, forKey: k)))
    }

    /// Custom attributes, given as a dictionary or in the API's list form.
    func attributes(_ key: String) throws -> Field<[String: AttributeValue?]> {
        let k = AnyKey(key)
        if !contains(k) { return .unset }
        if try decodeNil(forKey: k) { return .null }
        if let map = try? decode([String: VectorAttribute].self, forKey: k) { return .value(map.mapValues(\.value)) }
        let list = try decode([VectorAttributeEntry].self, forKey: k)
        var map: [String: AttributeValue?] = [:]
        for entry in list {
            if map.keys.contains(entry.key) { throw Inexpressible(why: .duplicateKey, detail: "\(key).\(entry.key)") }
            map[entry.key] = .some(entry.value)
        }
        return .value(map)
    }
}

/// `value` (a JSONSerialization value) decoded as `T` by the package's decoder; what does not fit is `Inexpressible`.
func decodeValue<T: Decodable>(_ type: T.Type, _ value: Any, _ path: String) throws -> T {
    do {
        return try decoder.decode([T].self, from: JSONSerialization.data(withJSONObject: [value]))[0]
    } catch let e as Inexpressible {
        throw Inexpressible(why: e.why, detail: "\(path).\(e.detail)")
    } catch DecodingError.keyNotFound(let key, let context) {
        throw Inexpressible(why: .missing, detail: location(path, context, key.stringValue))
    } catch DecodingError.dataCorrupted(let context) where context.debugDescription.contains("Cannot initialize") {
        throw Inexpressible(why: .notInEnum, detail: location(path, context, context.debugDescription))
    } catch DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context), DecodingError.dataCorrupted(
        let context)
    {
        throw Inexpressible(why: .type, detail: location(path, context, context.debugDescription))
    }
}

private func location(_ path: String, _ context: DecodingError.Context, _ what: String) -> String {
    ([path] + context.codingPath.dropFirst().map(\.stringValue)).joined(separator: ".") + ": " + what
}

/// A vector's input (the core's arguments), read argument by argument; `end()` refuses the keys left.
final class VectorInput {
    private let input: [String: Any]
    private var read: Set<String> = []

    init(_ input: [String: Any]) {
        self.input = input
    }

    private func take(_ key: String) -> Any? {
        read.insert(key)
        return input[key].flatMap { $0 is NSNull ? nil : $0 }
    }

    func missing<T>(_ key: String) throws -> T {
        throw Inexpressible(why: .missing, detail: key)
    }

    func profile() throws -> ProfileRef {
        try Self.ref(take("profile_id"), take("customer_user_id"), "")
    }

    func refs(_ key: String) throws -> [ProfileRef]? {
        guard let value = take(key) else { return nil }
        guard let list = value as? [Any] else { throw Inexpressible(why: .type, detail: "\(key) is \(value)") }
        return try list.enumerated().map { i, item in
            guard let r = item as? [String: Any] else { throw Inexpressible(why: .type, detail: "\(key)[\(i)] is \(item)") }
            if let unknown = r.keys.sorted().first(where: { $0 != "profile_id" && $0 != "customer_user_id" }) {
                throw Inexpressible(why: .unknownKey, detail: "\(key)[\(i)].\(unknown)")
            }
            return try Self.ref(
                r["profile_id"].flatMap { $0 is NSNull ? nil : $0 }, r["customer_user_id"].flatMap { $0 is NSNull ? nil : $0 },
                "\(key)[\(i)].")
        }
    }

    private static func ref(_ profileId: Any?, _ customerUserId: Any?, _ path: String) throws -> ProfileRef {
        let p = try profileId.map { try decodeValue(String.self, $0, "\(path)profile_id") }
        let c = try customerUserId.map { try decodeValue(String.self, $0, "\(path)customer_user_id") }
        switch (p, c) {
        case (let p?, let c?): return .attach(profileId: p, customerUserId: c)
        case (let p?, nil): return .profileId(p)
        case (nil, let c?): return .customerUserId(c)
        case (nil, nil): throw Inexpressible(why: .noProfile, detail: "\(path)profile_id, \(path)customer_user_id")
        }
    }

    func text(_ key: String) throws -> String? {
        try take(key).map { try decodeValue(String.self, $0, key) }
    }

    func count(_ key: String) throws -> Int? {
        try take(key).map { try decodeValue(Int.self, $0, key) }
    }

    func body<T: Decodable>(_ key: String, _ type: T.Type) throws -> T? {
        try take(key).map { try decodeValue(T.self, $0, key) }
    }

    func profileFields(_ key: String) throws -> ProfileFields? {
        try take(key).map { try decodeValue(VectorProfileFields.self, $0, key).value }
    }

    func end() throws {
        if let key = input.keys.sorted().first(where: { !read.contains($0) }) {
            throw Inexpressible(why: .unknownKey, detail: key)
        }
    }
}
