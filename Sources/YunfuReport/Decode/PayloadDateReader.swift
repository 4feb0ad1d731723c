import Foundation

/// The contract's date grammar, with the calendar arithmetic done here (days from civil) rather
/// than by a lenient, slow `DateFormatter`:
///
/// - white space around is allowed;
/// - `YYYY-MM-DD HH:MM:SS` (one space, no fraction, no offset), or
///   `YYYY-MM-DDTHH:MM:SS[.fraction][Z|±HH:MM|±HHMM]`;
/// - a real date of the proleptic Gregorian calendar and a real time (00:00:00 to 23:59:59;
///   no leap second, no 24:00:00);
/// - without an offset, a local time in the API time zone, read with the zone's own rules,
///   historical ones included. A local time that happens twice (clocks set back) is its first
///   occurrence, the earlier instant; a local time that never happens (clocks set forward) is
///   read with the offset in force before the change, so it lands after the gap by the gap's
///   length (02:30 on a spring-forward night in New York is 03:30 EDT). This is the "compatible"
///   rule of java.time and JavaScript's Temporal.
/// - null, missing, `""` and the zero date `0000-00-00 00:00:00` are unknown without a warning.
struct PayloadDateReader: Sendable {
    static let notADate = "not a valid date"
    static let notAString = "not a valid date: not a string"
    static let impossible = "not a real calendar date or time"

    let timeZone: TimeZone

    func read(_ value: JSONValue?) -> ValueReading<Date> {
        guard let value else { return .unknown }
        switch value {
        case .null: return .unknown
        case .string(let text): return read(text)
        case .bool, .number, .array, .object: return .unusable(problem: Self.notAString)
        }
    }

    func read(_ text: String) -> ValueReading<Date> {
        var text = text
        return text.withUTF8 { bytes in read(bytes) }
    }

    private static let zeroDate = Array("0000-00-00 00:00:00".utf8)

    /// The PHP zero date `0000-00-00 00:00:00`, white space around allowed.
    static func isZeroDate(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            let (start, stop) = trimmed(bytes)
            return stop - start == zeroDate.count && zeroDate.indices.allSatisfy { bytes[start + $0] == zeroDate[$0] }
        }
    }

    private static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> (Int, Int) {
        var start = 0
        var stop = bytes.count
        while start < stop && ValueGrammar.isJSONSpace(bytes[start]) { start += 1 }
        while stop > start && ValueGrammar.isJSONSpace(bytes[stop - 1]) { stop -= 1 }
        return (start, stop)
    }

    private func read(_ bytes: UnsafeBufferPointer<UInt8>) -> ValueReading<Date> {
        let (start, stop) = Self.trimmed(bytes)
        let length = stop - start
        if length == 0 { return .unknown }
        if length == Self.zeroDate.count && Self.zeroDate.indices.allSatisfy({ bytes[start + $0] == Self.zeroDate[$0] })
        {
            return .unknown
        }
        guard length >= 19 else { return .unusable(problem: Self.notADate) }
        let text = Digits(bytes: bytes, start: start, length: length)

        guard text.byte(4) == 0x2D, text.byte(7) == 0x2D, text.byte(13) == 0x3A, text.byte(16) == 0x3A,
            let year = text.number(0, 4), let month = text.number(5, 2), let day = text.number(8, 2),
            let hour = text.number(11, 2), let minute = text.number(14, 2), let second = text.number(17, 2)
        else { return .unusable(problem: Self.notADate) }

        var fraction = 0.0
        var offsetSeconds: Int?
        switch text.byte(10) {
        case 0x20:  // space: nothing may follow the seconds
            guard length == 19 else { return .unusable(problem: Self.notADate) }
        case 0x54:  // T
            guard let suffix = Self.isoSuffix(text) else { return .unusable(problem: Self.notADate) }
            (fraction, offsetSeconds) = suffix
        default:
            return .unusable(problem: Self.notADate)
        }

        guard month >= 1 && month <= 12, day >= 1 && day <= DateText.daysInMonth(year: year, month: month),
            hour <= 23, minute <= 59, second <= 59
        else { return .unusable(problem: Self.impossible) }

        let local =
            Int64(DateText.daysFromCivil(year: year, month: month, day: day)) * 86_400
            + Int64(hour * 3600 + minute * 60 + second)
        let instant: Int64
        if let offsetSeconds {
            instant = local - Int64(offsetSeconds)
        } else {
            instant = DateText.instant(ofLocalSeconds: local, in: timeZone)
        }
        return .valid(Date(timeIntervalSince1970: Double(instant) + fraction))
    }

    /// The trimmed text of a value, read byte by byte from `start`.
    private struct Digits {
        let bytes: UnsafeBufferPointer<UInt8>
        let start: Int
        let length: Int

        func byte(_ offset: Int) -> UInt8 { bytes[start + offset] }

        /// The decimal number of `count` digits at `offset`; nil when one is not a digit.
        func number(_ offset: Int, _ count: Int) -> Int? {
            var value = 0
            for index in offset..<(offset + count) {
                let digit = byte(index)
                guard digit >= 0x30 && digit <= 0x39 else { return nil }
                value = value * 10 + Int(digit - 0x30)
            }
            return value
        }
    }

    /// What may follow the seconds of an ISO 8601 `T` form: a fraction, then `Z`, `±HH:MM` or
    /// `±HHMM` (none: the answers' zone). nil when anything else follows.
    private static func isoSuffix(_ text: Digits) -> (fraction: Double, offsetSeconds: Int?)? {
        let length = text.length
        var index = 19
        var fraction = 0.0
        if index < length && text.byte(index) == 0x2E {  // .fraction
            index += 1
            let digitsStart = index
            var scale = 1.0
            var whole = 0.0
            while index < length, text.byte(index) >= 0x30 && text.byte(index) <= 0x39 {
                if index - digitsStart < 9 {
                    whole = whole * 10 + Double(text.byte(index) - 0x30)
                    scale *= 10
                }
                index += 1
            }
            guard index > digitsStart else { return nil }
            fraction = whole / scale
        }
        guard index < length else { return (fraction, nil) }
        switch text.byte(index) {
        case 0x5A:  // Z
            guard index + 1 == length else { return nil }
            return (fraction, 0)
        case 0x2B, 0x2D:  // + -
            let sign = text.byte(index) == 0x2D ? -1 : 1
            let rest = length - index - 1
            let offsetHour: Int?
            let offsetMinute: Int?
            if rest == 5 && text.byte(index + 3) == 0x3A {
                offsetHour = text.number(index + 1, 2)
                offsetMinute = text.number(index + 4, 2)
            } else if rest == 4 {
                offsetHour = text.number(index + 1, 2)
                offsetMinute = text.number(index + 3, 2)
            } else {
                return nil
            }
            guard let offsetHour, let offsetMinute, offsetHour <= 23, offsetMinute <= 59 else { return nil }
            return (fraction, sign * (offsetHour * 3600 + offsetMinute * 60))
        default:
            return nil
        }
    }
}
