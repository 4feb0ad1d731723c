import Foundation

/// Which parts of a document to build. Everything is validated; only the parts a shape names are
/// turned into `JSONValue`s, so the large parts of an answer the reports never read cost a scan,
/// not an allocation per string.
indirect enum JSONShape: Sendable {
    /// Build the whole value.
    case all
    /// An object of which only the named members are built; other members are validated and
    /// dropped. A value that is not an object is built whole.
    case members(ObjectShape)
    /// A list: an array's elements, or an object's member values (a PHP map), each built with
    /// the element shape. A value that is neither is built whole.
    case list(JSONShape)

    /// An object of which only `fields` are built.
    static func object(_ fields: [Field]) -> JSONShape { .members(ObjectShape(fields)) }

    struct Field: Sendable {
        let name: String
        let shape: JSONShape

        init(_ name: String, _ shape: JSONShape = .all) {
            self.name = name
            self.shape = shape
        }
    }

    /// The fields of an object shape, with their keys laid out flat for fast matching.
    struct ObjectShape: Sendable {
        let fields: [Field]
        /// Every key's UTF-8, one after another.
        let keyBytes: [UInt8]
        /// Where each key starts in `keyBytes`, and one past the last.
        let keyStarts: [Int]

        init(_ fields: [Field]) {
            self.fields = fields
            var bytes: [UInt8] = []
            var starts: [Int] = []
            for field in fields {
                starts.append(bytes.count)
                bytes.append(contentsOf: field.name.utf8)
            }
            starts.append(bytes.count)
            keyBytes = bytes
            keyStarts = starts
        }
    }
}

/// Why a body is not JSON, and where.
struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, e.g. `unexpected character '<'`.
    var reason: String
    /// Byte offset into the body, 0-based.
    var offset: Int

    var description: String {
        offset < 0 ? reason : "\(reason) at byte \(offset)"
    }
}

/// A strict RFC 8259 parser over UTF-8 bytes: no comments, no trailing commas, no NaN, no
/// unescaped control characters, valid UTF-8 only (a leading byte order mark is skipped).
/// Lone surrogate escapes (`\uD800`) are grammatical JSON but no Unicode text: they become
/// U+FFFD. Nesting deeper than `maximumDepth` is an error, never a stack overflow.
struct JSONParser {
    static let maximumDepth = 256

    /// Parses a whole document: one value, white space around it, nothing else.
    static func parse(
        _ bytes: UnsafeRawBufferPointer, shape: JSONShape = .all
    ) throws(JSONSyntaxError) -> JSONValue {
        guard let raw = bytes.baseAddress, bytes.count > 0 else {
            throw JSONSyntaxError(reason: "the body is empty", offset: -1)
        }
        var parser = JSONParser(base: raw.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        return try parser.parseDocument(shape)
    }

    static func parse(_ bytes: [UInt8], shape: JSONShape = .all) throws(JSONSyntaxError) -> JSONValue {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(JSONSyntaxError) in try parse(buffer, shape: shape) }
        }
        return try result.get()
    }

    static func parse(_ text: String, shape: JSONShape = .all) throws(JSONSyntaxError) -> JSONValue {
        try parse(Array(text.utf8), shape: shape)
    }

    private let base: UnsafePointer<UInt8>
    private let end: Int
    private var pos = 0
    private var depth = 0
    /// Reused for strings with escapes.
    private var scratch: [UInt8] = []

    private init(base: UnsafePointer<UInt8>, count: Int) {
        self.base = base
        self.end = count
    }

    // MARK: - Bytes

    private static let quote: UInt8 = 0x22  // "
    private static let backslash: UInt8 = 0x5C  // \

    private mutating func skipWhitespace() {
        while pos < end {
            switch base[pos] {
            case 0x20, 0x0A, 0x0D, 0x09: pos += 1
            default: return
            }
        }
    }

    private func unexpected() -> JSONSyntaxError {
        guard pos < end else {
            return JSONSyntaxError(reason: "unexpected end of the body (truncated?)", offset: pos)
        }
        let byte = base[pos]
        if byte >= 0x21 && byte < 0x7F {
            return JSONSyntaxError(reason: "unexpected character '\(Character(Unicode.Scalar(byte)))'", offset: pos)
        }
        let hex = String(byte, radix: 16, uppercase: true)
        return JSONSyntaxError(reason: "unexpected byte 0x\(hex.count < 2 ? "0" + hex : hex)", offset: pos)
    }

    private mutating func expect(_ byte: UInt8) throws(JSONSyntaxError) {
        skipWhitespace()
        guard pos < end, base[pos] == byte else { throw unexpected() }
        pos += 1
    }

    private mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        if depth > Self.maximumDepth {
            throw JSONSyntaxError(reason: "nesting deeper than \(Self.maximumDepth) levels", offset: pos)
        }
    }

    // MARK: - Document

    private mutating func parseDocument(_ shape: JSONShape) throws(JSONSyntaxError) -> JSONValue {
        if end >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF { pos = 3 }
        skipWhitespace()
        if pos < end && base[pos] == 0x3C {  // <
            throw JSONSyntaxError(reason: "unexpected character '<' (an HTML or XML page?)", offset: pos)
        }
        if pos == end {
            throw JSONSyntaxError(reason: "the body holds only white space", offset: -1)
        }
        let value = try parseValue(shape)
        skipWhitespace()
        guard pos == end else {
            throw JSONSyntaxError(reason: "\(unexpected().reason) after the JSON value", offset: pos)
        }
        return value
    }

    // MARK: - Building values

    private mutating func parseValue(_ shape: JSONShape) throws(JSONSyntaxError) -> JSONValue {
        skipWhitespace()
        guard pos < end else { throw unexpected() }
        switch base[pos] {
        case 0x7B:  // {
            return try parseObject(shape)
        case 0x5B:  // [
            if case .list(let element) = shape { return try parseArray(element) }
            return try parseArray(.all)
        case Self.quote:
            let start = pos + 1
            let escaped = try scanString()
            return .string(makeString(from: start, to: pos - 1, escaped: escaped))
        case 0x74:  // t
            try scanLiteral("true")
            return .bool(true)
        case 0x66:  // f
            try scanLiteral("false")
            return .bool(false)
        case 0x6E:  // n
            try scanLiteral("null")
            return .null
        case 0x2D, 0x30...0x39:  // - 0-9
            let start = pos
            try scanNumber()
            return .number(
                String(decoding: UnsafeBufferPointer(start: base + start, count: pos - start), as: UTF8.self))
        default:
            throw unexpected()
        }
    }

    private mutating func parseArray(_ element: JSONShape) throws(JSONSyntaxError) -> JSONValue {
        try enter()
        pos += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if pos < end && base[pos] == 0x5D {  // ]
            pos += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            elements.append(try parseValue(element))
            skipWhitespace()
            guard pos < end else { throw unexpected() }
            if base[pos] == 0x2C {  // ,
                pos += 1
            } else if base[pos] == 0x5D {
                pos += 1
                depth -= 1
                return .array(elements)
            } else {
                throw unexpected()
            }
        }
    }

    private mutating func parseObject(_ shape: JSONShape) throws(JSONSyntaxError) -> JSONValue {
        try enter()
        pos += 1
        var members: [JSONMember] = []
        skipWhitespace()
        if pos < end && base[pos] == 0x7D {  // }
            pos += 1
            depth -= 1
            return .object(members)
        }
        switch shape {
        case .members(let object): try parseMembers(of: object, into: &members)
        case .list(let element): try parseMembers(valueShape: element, into: &members)
        case .all: try parseMembers(valueShape: .all, into: &members)
        }
        depth -= 1
        return .object(members)
    }

    /// After the opening brace of a non-empty object, up to and past its closing brace: named
    /// members built, others skipped.
    private mutating func parseMembers(
        of object: JSONShape.ObjectShape, into members: inout [JSONMember]
    ) throws(JSONSyntaxError) {
        while true {
            skipWhitespace()
            guard pos < end, base[pos] == Self.quote else { throw unexpected() }
            let keyStart = pos + 1
            let escaped = try scanString()
            let keyEnd = pos - 1
            try expect(0x3A)  // :
            if let index = match(object, from: keyStart, to: keyEnd, escaped: escaped) {
                let field = object.fields[index]
                members.append(JSONMember(key: field.name, value: try parseValue(field.shape)))
            } else {
                try skipValue()
            }
            if try endOfMember() { return }
        }
    }

    /// After the opening brace of a non-empty object, up to and past its closing brace: every
    /// member built, values with `valueShape`.
    private mutating func parseMembers(
        valueShape: JSONShape, into members: inout [JSONMember]
    ) throws(JSONSyntaxError) {
        while true {
            skipWhitespace()
            guard pos < end, base[pos] == Self.quote else { throw unexpected() }
            let keyStart = pos + 1
            let escaped = try scanString()
            let key = makeString(from: keyStart, to: pos - 1, escaped: escaped)
            try expect(0x3A)  // :
            members.append(JSONMember(key: key, value: try parseValue(valueShape)))
            if try endOfMember() { return }
        }
    }

    /// After a member's value: `,` (false: more follow) or `}` (true: the object ends).
    private mutating func endOfMember() throws(JSONSyntaxError) -> Bool {
        skipWhitespace()
        guard pos < end else { throw unexpected() }
        if base[pos] == 0x2C {
            pos += 1
            return false
        }
        if base[pos] == 0x7D {
            pos += 1
            return true
        }
        throw unexpected()
    }

    /// The index of the field whose key equals the key bytes `start..<stop` (unescaped first
    /// when needed).
    private mutating func match(
        _ object: JSONShape.ObjectShape, from start: Int, to stop: Int, escaped: Bool
    ) -> Int? {
        if escaped {
            unescape(from: start, to: stop)
            return scratch.withUnsafeBufferPointer { key in Self.find(object, key.baseAddress, key.count) }
        }
        return Self.find(object, base + start, stop - start)
    }

    private static func find(_ object: JSONShape.ObjectShape, _ key: UnsafePointer<UInt8>?, _ length: Int) -> Int? {
        object.keyBytes.withUnsafeBufferPointer { keys in
            object.keyStarts.withUnsafeBufferPointer { starts in
                for index in 0..<(starts.count - 1) where starts[index + 1] - starts[index] == length {
                    if length == 0 { return index }
                    guard let key, let keysBase = keys.baseAddress else { continue }
                    if memcmp(keysBase + starts[index], key, length) == 0 { return index }
                }
                return nil
            }
        }
    }

    private mutating func makeString(from start: Int, to stop: Int, escaped: Bool) -> String {
        if !escaped {
            return String(decoding: UnsafeBufferPointer(start: base + start, count: stop - start), as: UTF8.self)
        }
        unescape(from: start, to: stop)
        return String(decoding: scratch, as: UTF8.self)
    }

    // MARK: - Skipping values (validation only)

    private mutating func skipValue() throws(JSONSyntaxError) {
        skipWhitespace()
        guard pos < end else { throw unexpected() }
        switch base[pos] {
        case 0x7B:
            try enter()
            pos += 1
            skipWhitespace()
            if pos < end && base[pos] == 0x7D {
                pos += 1
                depth -= 1
                return
            }
            while true {
                skipWhitespace()
                guard pos < end, base[pos] == Self.quote else { throw unexpected() }
                _ = try scanString()
                try expect(0x3A)
                try skipValue()
                skipWhitespace()
                guard pos < end else { throw unexpected() }
                if base[pos] == 0x2C {
                    pos += 1
                } else if base[pos] == 0x7D {
                    pos += 1
                    depth -= 1
                    return
                } else {
                    throw unexpected()
                }
            }
        case 0x5B:
            try enter()
            pos += 1
            skipWhitespace()
            if pos < end && base[pos] == 0x5D {
                pos += 1
                depth -= 1
                return
            }
            while true {
                try skipValue()
                skipWhitespace()
                guard pos < end else { throw unexpected() }
                if base[pos] == 0x2C {
                    pos += 1
                } else if base[pos] == 0x5D {
                    pos += 1
                    depth -= 1
                    return
                } else {
                    throw unexpected()
                }
            }
        case Self.quote: _ = try scanString()
        case 0x74: try scanLiteral("true")
        case 0x66: try scanLiteral("false")
        case 0x6E: try scanLiteral("null")
        case 0x2D, 0x30...0x39: try scanNumber()
        default: throw unexpected()
        }
    }

    // MARK: - Scalars

    private mutating func scanLiteral(_ word: StaticString) throws(JSONSyntaxError) {
        let count = word.utf8CodeUnitCount
        let bytes = word.utf8Start
        for index in 0..<count {
            guard pos < end, base[pos] == bytes[index] else { throw unexpected() }
            pos += 1
        }
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    private mutating func scanNumber() throws(JSONSyntaxError) {
        if base[pos] == 0x2D { pos += 1 }
        guard pos < end else { throw unexpected() }
        if base[pos] == 0x30 {
            pos += 1
        } else if base[pos] >= 0x31 && base[pos] <= 0x39 {
            pos += 1
            skipDigits()
        } else {
            throw unexpected()
        }
        if pos < end && base[pos] == 0x2E {  // .
            pos += 1
            try requireDigits()
        }
        if pos < end && (base[pos] == 0x65 || base[pos] == 0x45) {  // e E
            pos += 1
            if pos < end && (base[pos] == 0x2B || base[pos] == 0x2D) { pos += 1 }
            try requireDigits()
        }
    }

    private mutating func skipDigits() {
        while pos < end && base[pos] >= 0x30 && base[pos] <= 0x39 { pos += 1 }
    }

    private mutating func requireDigits() throws(JSONSyntaxError) {
        guard pos < end, base[pos] >= 0x30 && base[pos] <= 0x39 else { throw unexpected() }
        skipDigits()
    }

    /// From the opening quote to just past the closing one, validating escapes, control
    /// characters and UTF-8. Returns whether the string holds escapes.
    private mutating func scanString() throws(JSONSyntaxError) -> Bool {
        pos += 1
        var escaped = false
        while pos < end {
            let byte = base[pos]
            if byte >= 0x20 && byte < 0x80 && byte != Self.quote && byte != Self.backslash {
                pos += 1
                continue
            }
            if byte == Self.quote {
                pos += 1
                return escaped
            }
            if byte == Self.backslash {
                escaped = true
                guard pos + 1 < end else {
                    pos = end
                    throw unexpected()
                }
                switch base[pos + 1] {
                case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74:  // " \ / b f n r t
                    pos += 2
                case 0x75:  // u
                    pos += 2
                    for _ in 0..<4 {
                        guard pos < end, Self.hexValue(base[pos]) != nil else {
                            throw JSONSyntaxError(reason: "bad \\u escape in a string", offset: pos)
                        }
                        pos += 1
                    }
                default:
                    throw JSONSyntaxError(reason: "bad escape in a string", offset: pos)
                }
                continue
            }
            if byte < 0x20 {
                throw JSONSyntaxError(reason: "unescaped control character in a string", offset: pos)
            }
            try scanMultiByteScalar()
        }
        throw unexpected()
    }

    /// One UTF-8 sequence of 2 to 4 bytes (Unicode Table 3-7: no overlongs, no surrogates,
    /// nothing past U+10FFFF).
    private mutating func scanMultiByteScalar() throws(JSONSyntaxError) {
        let lead = base[pos]
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0:
            length = 3
            low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED:
            length = 3
            high = 0x9F
        case 0xF0:
            length = 4
            low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4:
            length = 4
            high = 0x8F
        default: throw JSONSyntaxError(reason: "invalid UTF-8", offset: pos)
        }
        guard pos + length <= end else {
            throw JSONSyntaxError(reason: "invalid UTF-8 (truncated?)", offset: pos)
        }
        let second = base[pos + 1]
        guard second >= low && second <= high else {
            throw JSONSyntaxError(reason: "invalid UTF-8", offset: pos)
        }
        var index = 2
        while index < length {
            guard base[pos + index] & 0xC0 == 0x80 else {
                throw JSONSyntaxError(reason: "invalid UTF-8", offset: pos)
            }
            index += 1
        }
        pos += length
    }

    private static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case 0x30...0x39: return UInt32(byte - 0x30)
        case 0x41...0x46: return UInt32(byte - 0x41 + 10)
        case 0x61...0x66: return UInt32(byte - 0x61 + 10)
        default: return nil
        }
    }

    /// Reads the 4 hex digits at `index` (already validated by `scanString`).
    private func hex4(at index: Int) -> UInt32 {
        var value: UInt32 = 0
        for offset in 0..<4 {
            value = value << 4 | (Self.hexValue(base[index + offset]) ?? 0)
        }
        return value
    }

    /// Decodes the validated string bytes `start..<stop` into `scratch`.
    private mutating func unescape(from start: Int, to stop: Int) {
        scratch.removeAll(keepingCapacity: true)
        var index = start
        while index < stop {
            let byte = base[index]
            guard byte == Self.backslash else {
                scratch.append(byte)
                index += 1
                continue
            }
            let kind = base[index + 1]
            index += 2
            switch kind {
            case 0x62: scratch.append(0x08)
            case 0x66: scratch.append(0x0C)
            case 0x6E: scratch.append(0x0A)
            case 0x72: scratch.append(0x0D)
            case 0x74: scratch.append(0x09)
            case 0x75:
                var code = hex4(at: index)
                index += 4
                if code >= 0xD800 && code <= 0xDBFF {
                    // A high surrogate takes the low one that follows, if any.
                    if index + 6 <= stop && base[index] == Self.backslash && base[index + 1] == 0x75 {
                        let next = hex4(at: index + 2)
                        if next >= 0xDC00 && next <= 0xDFFF {
                            code = 0x10000 + ((code - 0xD800) << 10) + (next - 0xDC00)
                            index += 6
                        } else {
                            code = 0xFFFD
                        }
                    } else {
                        code = 0xFFFD
                    }
                } else if code >= 0xDC00 && code <= 0xDFFF {
                    code = 0xFFFD
                }
                appendUTF8(code)
            default: scratch.append(kind)  // " \ /
            }
        }
    }

    private mutating func appendUTF8(_ code: UInt32) {
        switch code {
        case 0..<0x80:
            scratch.append(UInt8(code))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | code >> 6))
            scratch.append(UInt8(0x80 | code & 0x3F))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | code >> 12))
            scratch.append(UInt8(0x80 | code >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | code & 0x3F))
        default:
            scratch.append(UInt8(0xF0 | code >> 18))
            scratch.append(UInt8(0x80 | code >> 12 & 0x3F))
            scratch.append(UInt8(0x80 | code >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | code & 0x3F))
        }
    }
}
