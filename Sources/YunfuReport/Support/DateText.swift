package import Foundation

/// Date ↔ text in a given zone, by plain calendar arithmetic (fast, locale-free, reproducible).
package enum DateText {
    package struct Civil: Equatable, Sendable {
        var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int

        package init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
            (self.year, self.month, self.day) = (year, month, day)
            (self.hour, self.minute, self.second) = (hour, minute, second)
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    /// The wall-clock time of `date` in `zone` (fractions of a second dropped).
    static func civil(_ date: Date, in zone: TimeZone) -> Civil {
        let offset = zone.secondsFromGMT(for: date)
        let seconds = Int((date.timeIntervalSince1970).rounded(.down)) + offset
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let rest = seconds - days * 86_400
        let (y, m, d) = civilFromDays(days)
        return Civil(year: y, month: m, day: d, hour: rest / 3600, minute: rest % 3600 / 60, second: rest % 60)
    }

    /// `YYYY-MM-DD HH:MM:SS` in `zone`: the form of `available_at` in `lines.csv`.
    static func plain(_ date: Date, in zone: TimeZone) -> String {
        let c = civil(date, in: zone)
        var out = ""
        out.reserveCapacity(19)
        appendPadded(&out, c.year, 4)
        out += "-"
        appendPadded(&out, c.month, 2)
        out += "-"
        appendPadded(&out, c.day, 2)
        out += " "
        appendPadded(&out, c.hour, 2)
        out += ":"
        appendPadded(&out, c.minute, 2)
        out += ":"
        appendPadded(&out, c.second, 2)
        return out
    }

    /// ISO 8601 with the zone's UTC offset: `2026-11-25T00:00:00+08:00`.
    static func iso8601(_ date: Date, in zone: TimeZone) -> String {
        var text = plain(date, in: zone)
        text = text.replacingOccurrences(of: " ", with: "T")
        let offset = zone.secondsFromGMT(for: date)
        let sign = offset < 0 ? "-" : "+"
        let magnitude = abs(offset)
        var suffix = sign
        appendPadded(&suffix, magnitude / 3600, 2)
        suffix += ":"
        appendPadded(&suffix, magnitude % 3600 / 60, 2)
        return text + suffix
    }

    /// The instant of a wall-clock time in `zone`, by the "compatible" rule of
    /// `instant(ofLocalSeconds:in:)`.
    package static func instant(_ c: Civil, in zone: TimeZone) -> Date {
        let local = Int64(daysFromCivil(year: c.year, month: c.month, day: c.day)) * 86_400
            + Int64(c.hour * 3600 + c.minute * 60 + c.second)
        return Date(timeIntervalSince1970: Double(instant(ofLocalSeconds: local, in: zone)))
    }

    /// The instant (seconds since 1970 UTC) at which the wall clock of `zone` shows `local`
    /// (seconds since 1970 of a wall-clock time). The "compatible" rule (java.time, Temporal): a
    /// time that occurs twice (DST ends) is its first occurrence; a time in a gap (DST starts) is
    /// read with the offset in force before the gap.
    static func instant(ofLocalSeconds local: Int64, in zone: TimeZone) -> Int64 {
        func offset(at instant: Int64) -> Int64 {
            Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(instant))))
        }
        let before = offset(at: local - 86_400)
        let after = offset(at: local + 86_400)
        if before == after && offset(at: local - before) == before {
            return local - before  // no change of offset nearby: the common case
        }
        var earliest: Int64?
        var tried: [Int64] = []
        for candidate in [before, after, offset(at: local - before), offset(at: local - after)]
        where !tried.contains(candidate) {
            tried.append(candidate)
            let instant = local - candidate
            if offset(at: instant) == candidate {
                earliest = min(earliest ?? instant, instant)
            }
        }
        return earliest ?? local - before
    }

    /// The wall-clock time of a `YYYY-MM-DD HH:MM:SS` text naming a real calendar date and time, else nil.
    static func parsePlain(_ text: String) -> Civil? {
        let bytes = Array(text.utf8)
        guard bytes.count == 19, bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[10] == 0x20, bytes[13] == 0x3A,
            bytes[16] == 0x3A
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month), hour < 24,
            minute < 60, second < 60
        else { return nil }
        return Civil(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    }

    /// The instant a `YYYY-MM-DD HH:MM:SS` text (as `plain` writes it) names in `zone`, else nil.
    static func instant(plain text: String, in zone: TimeZone) -> Date? {
        parsePlain(text).map { instant($0, in: zone) }
    }

    /// Parses `YYYY-MM-DD` (a real calendar day).
    package static func parseDay(_ text: String) -> CalendarDay? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }),
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
            (1...12).contains(m), d >= 1, d <= daysInMonth(year: y, month: m)
        else { return nil }
        return CalendarDay(year: y, month: m, day: d)
    }

    static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static func appendPadded(_ out: inout String, _ value: Int, _ width: Int) {
        let digits = String(abs(value))
        if value < 0 { out += "-" }
        if digits.count < width { out += String(repeating: "0", count: width - digits.count) }
        out += digits
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
