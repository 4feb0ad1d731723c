import Foundation
import Synchronization

/// SplitMix64: a small, fast, seedable generator. The fleet depends on nothing else for chance.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        self.state = seed
    }

    /// A generator for one named stream of one seed (e.g. user 12's lines).
    init(seed: UInt64, stream: UInt64, index: UInt64 = 0) {
        self.state = SplitMix64.mix(seed ^ SplitMix64.mix(stream &+ 0x9E37_79B9_7F4A_7C15 &* (index &+ 1)))
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(state)
    }

    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `range` (tiny modulo bias is fine here).
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        let width = UInt64(range.upperBound - range.lowerBound) + 1
        return range.lowerBound + Int(next() % width)
    }

    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool {
        unit() < p
    }

    /// A uniform value in [0, 1).
    mutating func unit() -> Double {
        Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    }

    mutating func pick<T>(_ items: [T]) -> T {
        items[Int(next() % UInt64(items.count))]
    }
}

/// A value behind a `Mutex`, shared by reference. The platform's mutable state is small and
/// touched briefly.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) {
        mutex = Mutex(value)
    }

    func withLock<Result: Sendable>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        try mutex.withLock { value throws in try body(&value) }
    }
}

/// Civil date arithmetic without Foundation calendars (fast, and the platform's zone has no DST).
enum CivilTime {
    struct Fields {
        var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, weekday: Int
    }

    /// Fields of `unixSeconds` shifted by `offset` seconds (e.g. +8 h for Beijing time).
    static func fields(unixSeconds: Int, offset: Int) -> Fields {
        let local = unixSeconds + offset
        let days = floorDiv(local, 86_400)
        let secs = local - days * 86_400
        let (y, m, d) = civil(fromDays: days)
        // 1970-01-01 was a Thursday (4).
        let weekday = ((days % 7) + 7 + 4) % 7
        return Fields(year: y, month: m, day: d, hour: secs / 3600, minute: (secs / 60) % 60, second: secs % 60, weekday: weekday)
    }

    static func floorDiv(_ a: Int, _ b: Int) -> Int {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }

    /// Howard Hinnant's days-to-civil.
    static func civil(fromDays z0: Int) -> (Int, Int, Int) {
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

    /// `Sun, 06 Nov 1994 08:49:37 GMT`
    static func httpDate(_ date: Date) -> String {
        let f = fields(unixSeconds: Int(date.timeIntervalSince1970.rounded(.down)), offset: 0)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(days[f.weekday]), \(pad2(f.day)) \(months[f.month - 1]) \(f.year) \(pad2(f.hour)):\(pad2(f.minute)):\(pad2(f.second)) GMT"
    }

    static func pad2(_ v: Int) -> String {
        v < 10 ? "0\(v)" : "\(v)"
    }
}
