/// How one value of a field reads under the contract's value grammar.
enum ValueReading<Value: Sendable>: Sendable {
    /// A valid value.
    case valid(Value)
    /// Null, missing or an allowed "empty" form: unknown, no warning owed.
    case unknown
    /// Present but unusable: unknown, and a warning with this problem is owed.
    case unusable(problem: String)

    var value: Value? {
        if case .valid(let value) = self { return value }
        return nil
    }
}

extension ValueReading: Equatable where Value: Equatable {}

/// The value grammar of `report-contract.md` for the integer, flag, text, engine and
/// `deleted_at` kinds (dates: `PayloadDateReader`).
enum ValueGrammar {
    static let notAnInteger = "not an integer"
    static let hasFraction = "not an integer: it has a fraction"
    static let beyond64Bits = "integer beyond 64 bits"
    static let notAFlag = "not a valid flag"

    // MARK: Integer

    /// A JSON integer; a JSON number with no fraction (`50.0`, `1e3`); a string of optional sign
    /// and digits with white space around (`" 50"`, `"-3"`); all within 64 bits. Null, missing
    /// and `""` (or only white space) are unknown.
    static func integer(_ value: JSONValue?) -> ValueReading<Int64> {
        guard let value else { return .unknown }
        switch value {
        case .null: return .unknown
        case .number(let literal): return integer(numberLiteral: literal)
        case .string(let text): return integer(string: text)
        case .bool, .array, .object: return .unusable(problem: notAnInteger)
        }
    }

    /// Judges a JSON number literal exactly: its value must be a whole number within 64 bits.
    static func integer(numberLiteral literal: String) -> ValueReading<Int64> {
        var literal = literal
        return literal.withUTF8 { bytes in integer(numberLiteralBytes: bytes) }
    }

    private static func integer(numberLiteralBytes bytes: UnsafeBufferPointer<UInt8>) -> ValueReading<Int64> {
        var index = 0
        let negative = bytes.first == 0x2D
        if negative { index = 1 }
        // Significant digits with leading zeros dropped, and the power of ten they are scaled by.
        var significant: [UInt8] = []
        var scale = 0
        var sawFraction = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte >= 0x30 && byte <= 0x39 {
                if !(significant.isEmpty && byte == 0x30) { significant.append(byte - 0x30) }
                if sawFraction { scale -= 1 }
                index += 1
            } else if byte == 0x2E {
                sawFraction = true
                index += 1
            } else {
                break
            }
        }
        if index < bytes.count, bytes[index] == 0x65 || bytes[index] == 0x45 {
            index += 1
            var exponentNegative = false
            if index < bytes.count, bytes[index] == 0x2B || bytes[index] == 0x2D {
                exponentNegative = bytes[index] == 0x2D
                index += 1
            }
            var exponent = 0
            while index < bytes.count, bytes[index] >= 0x30 && bytes[index] <= 0x39 {
                // Saturates: any exponent past a billion is as good as infinite here.
                if exponent < 1_000_000_000 { exponent = exponent * 10 + Int(bytes[index] - 0x30) }
                index += 1
            }
            scale += exponentNegative ? -exponent : exponent
        }
        guard index == bytes.count else { return .unusable(problem: notAnInteger) }
        // Trailing zeros are whole powers of ten.
        while let last = significant.last, last == 0 {
            significant.removeLast()
            scale += 1
        }
        if significant.isEmpty { return .valid(0) }
        if scale < 0 { return .unusable(problem: hasFraction) }
        if significant.count + scale > 19 { return .unusable(problem: beyond64Bits) }
        var magnitude: UInt64 = 0
        for digit in significant {
            magnitude = magnitude * 10 + UInt64(digit)  // at most 19 digits: no overflow
        }
        for _ in 0..<scale {
            let (product, overflow) = magnitude.multipliedReportingOverflow(by: 10)
            if overflow { return .unusable(problem: beyond64Bits) }
            magnitude = product
        }
        return signed(magnitude, negative: negative)
    }

    private static func signed(_ magnitude: UInt64, negative: Bool) -> ValueReading<Int64> {
        if negative {
            if magnitude <= UInt64(Int64.max) { return .valid(-Int64(magnitude)) }
            if magnitude == UInt64(Int64.max) + 1 { return .valid(Int64.min) }
            return .unusable(problem: beyond64Bits)
        }
        if magnitude <= UInt64(Int64.max) { return .valid(Int64(magnitude)) }
        return .unusable(problem: beyond64Bits)
    }

    /// `[ws] [+|-] digits [ws]`; empty or white space only is unknown.
    static func integer(string text: String) -> ValueReading<Int64> {
        var text = text
        return text.withUTF8 { bytes in
            var start = 0
            var stop = bytes.count
            while start < stop && isJSONSpace(bytes[start]) { start += 1 }
            while stop > start && isJSONSpace(bytes[stop - 1]) { stop -= 1 }
            if start == stop { return .unknown }
            var negative = false
            if bytes[start] == 0x2B || bytes[start] == 0x2D {
                negative = bytes[start] == 0x2D
                start += 1
            }
            guard start < stop else { return .unusable(problem: notAnInteger) }
            var magnitude: UInt64 = 0
            var tooLarge = false
            for index in start..<stop {
                let byte = bytes[index]
                guard byte >= 0x30 && byte <= 0x39 else { return .unusable(problem: notAnInteger) }
                let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times10.addingReportingOverflow(UInt64(byte - 0x30))
                if overflow1 || overflow2 { tooLarge = true }
                magnitude = sum
            }
            if tooLarge { return .unusable(problem: beyond64Bits) }
            return signed(magnitude, negative: negative)
        }
    }

    /// JSON's four white space characters: space, tab, line feed, carriage return.
    static func isJSONSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    // MARK: Flag

    /// `true`/`false`, the number literals `0`/`1`, the strings `"0"`/`"1"`/`"true"`/`"false"`,
    /// exactly. Null and missing are unknown; anything else is unusable.
    static func flag(_ value: JSONValue?) -> ValueReading<Bool> {
        guard let value else { return .unknown }
        switch value {
        case .null: return .unknown
        case .bool(let flag): return .valid(flag)
        case .number(let literal), .string(let literal):
            if literal.utf8.elementsEqual("1".utf8) { return .valid(true) }
            if literal.utf8.elementsEqual("0".utf8) { return .valid(false) }
            if case .string = value {
                if literal.utf8.elementsEqual("true".utf8) { return .valid(true) }
                if literal.utf8.elementsEqual("false".utf8) { return .valid(false) }
            }
            return .unusable(problem: notAFlag)
        case .array, .object: return .unusable(problem: notAFlag)
        }
    }

    // MARK: Text

    /// A string as received; a number or boolean as its JSON text; anything else "".
    static func text(_ value: JSONValue?) -> String {
        guard let value else { return "" }
        switch value {
        case .string(let text): return text
        case .number(let literal): return literal
        case .bool(let flag): return flag ? "true" : "false"
        case .null, .array, .object: return ""
        }
    }

    /// An engine (`exclusive_asr`, `exclusive_tts`, `big_model_type`): text as received, but ""
    /// when it is empty after trimming (unset: the platform default).
    static func engine(_ value: JSONValue?) -> String {
        let text = text(value)
        return text.isBlank ? "" : text
    }

    // MARK: deleted_at

    /// A present, non-empty value that is not the zero date means deleted; null, missing, `""`
    /// (or only white space), `[]`, `{}` and the zero date mean not deleted. By the letter of
    /// the contract, `false` and `0` are present, non-empty values: deleted.
    static func isDeleted(_ value: JSONValue?) -> Bool {
        guard let value else { return false }
        switch value {
        case .null: return false
        case .string(let text):
            return !(text.isBlank || PayloadDateReader.isZeroDate(text))
        case .array(let elements): return !elements.isEmpty
        case .object(let members): return !members.isEmpty
        case .bool, .number: return true
        }
    }
}
