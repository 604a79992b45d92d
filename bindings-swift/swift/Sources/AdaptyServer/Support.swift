// JSON pieces the generated models (Models.swift) use: the PATCH field, attribute values, the
// custom attribute list, and date decoding and encoding.
import Foundation

/// One field of an update: left as it is (`.unset`), cleared (`.null`), or set (`.value`).
public enum Field<Value: Sendable>: Sendable {
    case unset
    case null
    case value(Value)

    func put(_ key: String, into body: inout [String: Any], _ encode: (Value) throws -> Any) rethrows {
        switch self {
        case .unset: break
        case .null: body[key] = NSNull()
        case .value(let v): body[key] = try encode(v)
        }
    }
}

/// A custom attribute value: text or a number (booleans and integers become numbers).
public enum AttributeValue: Codable, Equatable, Sendable {
    case string(String)
    case number(Double)

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let b = try? c.decode(Bool.self) {
            self = .number(b ? 1 : 0)
        } else {
            self = .number(try c.decode(Double.self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .string(let s): try c.encode(s)
        case .number(let n): try c.encode(n)
        }
    }
}

/// Any JSON value, for what a model keeps as received (e.g. an unknown webhook's properties).
public enum JSONValue: Codable, Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let n = try? c.decode(Double.self) {
            self = .number(n)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .number(let n): try c.encode(n)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }
}

/// The API's `[{key, value}]` list as a dictionary of key to value.
struct AttributeList: Codable {
    let values: [String: AttributeValue?]

    private struct Entry: Codable {
        let key: String
        let value: AttributeValue?
    }

    init(values: [String: AttributeValue?]) {
        self.values = values
    }

    init(from decoder: Decoder) throws {
        var c = try decoder.unkeyedContainer()
        var values: [String: AttributeValue?] = [:]
        while !c.isAtEnd {
            let entry = try c.decode(Entry.self)
            values.updateValue(entry.value, forKey: entry.key)
        }
        self.values = values
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.unkeyedContainer()
        for key in values.keys.sorted() {
            try c.encode(Entry(key: key, value: values[key] ?? nil))
        }
    }
}

/// A value as the JSON object `JSONSerialization` works with.
func jsonObject<T: Encodable>(_ value: T) throws -> Any {
    try JSONSerialization.jsonObject(with: encoder.encode(value), options: [.fragmentsAllowed])
}

/// Writes date-times as RFC 3339 in UTC with milliseconds (`2024-01-15T10:30:00.000Z`).
let encoder: JSONEncoder = {
    let e = JSONEncoder()
    e.dateEncodingStrategy = .custom { date, encoder in
        let format = ISO8601DateFormatter()
        format.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var c = encoder.singleValueContainer()
        try c.encode(format.string(from: date))
    }
    return e
}()

/// Reads the core's RFC 3339 date-times, with or without fractional seconds, and the legacy
/// API's offsets without a colon (`2020-01-15T15:10:36.517975+0000`).
let decoder: JSONDecoder = {
    let d = JSONDecoder()
    d.dateDecodingStrategy = .custom { decoder in
        let text = try decoder.singleValueContainer().decode(String.self)
        let withFraction = ISO8601DateFormatter()
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let compactOffset = ISO8601DateFormatter()
        compactOffset.formatOptions = [
            .withFullDate, .withTime, .withDashSeparatorInDate, .withColonSeparatorInTime, .withTimeZone, .withFractionalSeconds,
        ]
        if let date = withFraction.date(from: text) ?? ISO8601DateFormatter().date(from: text) ?? compactOffset.date(from: text) {
            return date
        }
        throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an RFC 3339 date-time: \(text)"))
    }
    return d
}()
