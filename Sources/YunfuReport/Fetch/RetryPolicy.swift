import Foundation

/// How long to wait before a retry: exponential backoff with full jitter, never less than 100 ms
/// (`task-create-api.md`), and never less than the server's `Retry-After` (cut to
/// `max_retry_after_seconds`).
package struct RetryPolicy: Sendable {
    /// The contract's floor: no wait is shorter than this.
    static let minimumDelay: Double = 0.1

    /// The ceiling of the first retry's jitter window; it doubles with each retry.
    var baseDelay: Double = 0.5
    /// The largest backoff window (a `Retry-After` may ask for more, up to `max_retry_after_seconds`).
    var maxDelay: Double = 30
    /// A uniform draw from the range; replaceable so tests can pin the jitter.
    var random: @Sendable (ClosedRange<Double>) -> Double = { Double.random(in: $0) }

    init(baseDelay: Double = 0.5, maxDelay: Double = 30) {
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// The backoff before retry number `retry` (1 for the first retry): a uniform draw from
    /// `0 ... min(maxDelay, baseDelay · 2^(retry-1))` ("full jitter"), raised to the 100 ms floor.
    func backoff(retry: Int) -> Double {
        let exponent = Double(max(0, min(retry - 1, 62)))
        let base = baseDelay.isFinite && baseDelay > 0 ? baseDelay : Self.minimumDelay
        let ceiling = maxDelay.isFinite && maxDelay > 0 ? maxDelay : base
        let window = min(ceiling, base * pow(2, exponent))
        let drawn = window > 0 ? random(0...window) : 0
        return max(Self.minimumDelay, drawn.isFinite ? drawn : window)
    }

    /// The wait before retry number `retry`: the larger of the backoff and the server's
    /// `Retry-After` (in seconds from now), the latter cut to `maxRetryAfter`.
    func delay(retry: Int, retryAfter: Double?, maxRetryAfter: Double) -> Double {
        let backoff = backoff(retry: retry)
        guard let retryAfter, !retryAfter.isNaN, retryAfter > 0 else { return backoff }
        let cap = maxRetryAfter.isFinite ? max(0, maxRetryAfter) : 0
        return max(backoff, min(retryAfter, cap))
    }
}

/// The `Retry-After` header (RFC 9110 §10.2.3): delta-seconds, or an HTTP date in the preferred
/// IMF-fixdate form or the obsolete RFC 850 and asctime forms.
enum RetryAfterHeader {
    /// Seconds to wait from `now`; 0 for a date in the past; nil when the value is neither form.
    static func seconds(from value: String, now: Date) -> Double? {
        let text = value.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return nil }
        if text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            // delta-seconds: a huge number is simply "very long"; the caller caps it.
            return Double(text) ?? .infinity
        }
        guard let date = httpDate(text, now: now) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }

    /// Parses `Sun, 06 Nov 1994 08:49:37 GMT`, `Sunday, 06-Nov-94 08:49:37 GMT` and
    /// `Sun Nov  6 08:49:37 1994`, case-insensitively. `now` resolves RFC 850's two-digit year
    /// (a year more than 50 years ahead is taken to be in the past century).
    static func httpDate(_ text: String, now: Date) -> Date? {
        let tokens = text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "-" || $0 == "\t" })
        var month: Int?
        var time: (Int, Int, Int)?
        var numbers: [Substring] = []
        for token in tokens {
            let lower = token.lowercased()
            if let index = monthNames.firstIndex(of: lower) {
                guard month == nil else { return nil }
                month = index + 1
            } else if token.contains(":") {
                guard time == nil else { return nil }
                let parts = token.split(separator: ":", omittingEmptySubsequences: false)
                guard parts.count == 3, parts.allSatisfy({ $0.count == 2 }),
                    let hour = Int(parts[0]), let minute = Int(parts[1]), let second = Int(parts[2]),
                    (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second)
                else { return nil }
                time = (hour, minute, second)
            } else if token.allSatisfy(\.isASCIIDigitForDate) {
                numbers.append(token)
            } else if dayNames.contains(lower) || lower == "gmt" || lower == "utc" {
                continue
            } else {
                return nil
            }
        }
        // Every form gives the day first, then the year.
        guard let month, let time, numbers.count == 2, numbers[0].count <= 2,
            let day = Int(numbers[0]), (1...31).contains(day), let rawYear = Int(numbers[1])
        else { return nil }
        let year: Int
        switch numbers[1].count {
        case 4: year = rawYear
        case 2: year = twoDigitYear(rawYear, now: now)
        default: return nil
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "GMT") ?? .gmt
        let components = DateComponents(
            year: year, month: month, day: day, hour: time.0, minute: time.1, second: time.2)
        guard let date = calendar.date(from: components),
            calendar.component(.day, from: date) == day
        else { return nil }
        return date
    }

    private static func twoDigitYear(_ yy: Int, now: Date) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "GMT") ?? .gmt
        let currentYear = calendar.component(.year, from: now)
        var year = (currentYear / 100) * 100 + yy
        if year > currentYear + 50 { year -= 100 }
        return year
    }

    private static let monthNames = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ]
    private static let dayNames: Set<String> = [
        "mon", "tue", "wed", "thu", "fri", "sat", "sun",
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    ]
}

extension Character {
    fileprivate var isASCIIDigitForDate: Bool { ("0"..."9").contains(self) }
}
