import Foundation

/// A JSON value exactly as received: numbers keep their literal text (`50`, `50.0`, `1e3` and
/// `-0` stay distinct and unbounded), strings keep their Unicode scalars (no normalisation), and
/// objects keep their members in payload order, duplicates included.
enum JSONValue: Sendable {
    case null
    case bool(Bool)
    /// The number literal as written in the payload (RFC 8259 grammar, already validated).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([JSONMember])
}

struct JSONMember: Sendable, Equatable {
    var key: String
    var value: JSONValue

    static func == (a: JSONMember, b: JSONMember) -> Bool {
        ScalarOrder.equal(a.key, b.key) && a.value == b.value
    }
}

extension JSONValue: Equatable {
    /// Structural equality; strings and number literals compare by Unicode scalars, never by
    /// Swift's canonical equivalence.
    static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.number(let x), .number(let y)): return ScalarOrder.equal(x, y)
        case (.string(let x), .string(let y)): return ScalarOrder.equal(x, y)
        case (.array(let x), .array(let y)): return x == y
        case (.object(let x), .object(let y)): return x == y
        default: return false
        }
    }
}

extension JSONValue {
    /// The first member named `key` (compared byte for byte), when this is an object.
    /// A key given twice keeps its first value.
    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        for member in members where Self.sameBytes(member.key, key) {
            return member.value
        }
        return nil
    }

    /// Byte-for-byte equality of two strings' UTF-8 (no canonical equivalence).
    static func sameBytes(_ a: String, _ b: String) -> Bool {
        let x = a.utf8
        let y = b.utf8
        guard x.count == y.count else { return false }
        let fast = x.withContiguousStorageIfAvailable { xs in
            y.withContiguousStorageIfAvailable { ys in
                guard let xb = xs.baseAddress, let yb = ys.baseAddress else { return true }  // both empty
                return memcmp(xb, yb, xs.count) == 0
            }
        }
        if let fast, let same = fast { return same }
        return x.elementsEqual(y)
    }

    /// The elements of a list field: an array's elements, an object's values in order (PHP
    /// serialises a map with keys 0..n, or with gaps, as an object), otherwise none.
    var listElements: [JSONValue] {
        switch self {
        case .array(let elements): return elements
        case .object(let members): return members.map(\.value)
        default: return []
        }
    }

    /// A short English name of the value's kind, for messages.
    var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// The value as JSON text for a warning: a string without its quotes, anything else as
    /// compact JSON (number literals as received), cut to `limit` Unicode scalars.
    func warningText(limit: Int = 200) -> String {
        if case .string(let text) = self { return text.prefixScalars(limit) }
        var writer = CompactJSONWriter(limit: limit)
        writer.write(self)
        return String(writer.out)
    }

    /// Compact JSON text (no white space), number literals as received.
    var compactJSON: String {
        var writer = CompactJSONWriter(limit: Int.max)
        writer.write(self)
        return String(writer.out)
    }
}

/// Writes compact JSON text, stopping once `limit` Unicode scalars are written.
private struct CompactJSONWriter {
    var out = String.UnicodeScalarView()
    var remaining: Int

    init(limit: Int) { remaining = limit }

    private var full: Bool { remaining <= 0 }

    private mutating func put(_ scalar: Unicode.Scalar) {
        guard remaining > 0 else { return }
        out.append(scalar)
        remaining -= 1
    }

    private mutating func put(_ text: String) {
        for scalar in text.unicodeScalars {
            guard remaining > 0 else { return }
            out.append(scalar)
            remaining -= 1
        }
    }

    private mutating func putQuoted(_ text: String) {
        put("\"")
        for scalar in text.unicodeScalars {
            if full { return }
            switch scalar {
            case "\"": put("\\\"")
            case "\\": put("\\\\")
            case "\n": put("\\n")
            case "\r": put("\\r")
            case "\t": put("\\t")
            case "\u{08}": put("\\b")
            case "\u{0C}": put("\\f")
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16, uppercase: false)
                    put("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
                } else {
                    put(scalar)
                }
            }
        }
        put("\"")
    }

    mutating func write(_ value: JSONValue) {
        if full { return }
        switch value {
        case .null: put("null")
        case .bool(let flag): put(flag ? "true" : "false")
        case .number(let literal): put(literal)
        case .string(let text): putQuoted(text)
        case .array(let elements):
            put("[")
            for (index, element) in elements.enumerated() {
                if full { return }
                if index > 0 { put(",") }
                write(element)
            }
            put("]")
        case .object(let members):
            put("{")
            for (index, member) in members.enumerated() {
                if full { return }
                if index > 0 { put(",") }
                putQuoted(member.key)
                put(":")
                write(member.value)
            }
            put("}")
        }
    }
}
