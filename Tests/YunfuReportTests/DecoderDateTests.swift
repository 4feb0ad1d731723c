import Foundation
import Testing

@testable import YunfuReport

/// The date grammar: forms, impossible dates, time zones (the API's own, offsets), DST.
@Suite("Decoder dates")
struct DecoderDateTests {
    typealias Support = DecoderTestSupport

    struct Expected: Sendable, CustomTestStringConvertible {
        var text: String
        /// Seconds since 1970 UTC.
        var seconds: Double
        var testDescription: String { text }
    }

    /// Expected instants, in Asia/Shanghai (UTC+8, no DST since 1991).
    static let validInShanghai: [Expected] = [
        Expected(text: "2025-11-28 00:00:00", seconds: 1_764_259_200),  // 2025-11-27T16:00:00Z
        Expected(text: " 2025-11-28 00:00:00 ", seconds: 1_764_259_200),
        Expected(text: "\t2025-11-28 00:00:00\n", seconds: 1_764_259_200),
        Expected(text: "2025-11-28T00:00:00", seconds: 1_764_259_200),
        Expected(text: "2025-11-28T00:00:00Z", seconds: 1_764_288_000),
        Expected(text: "2025-11-28T00:00:00+08:00", seconds: 1_764_259_200),
        Expected(text: "2025-11-28T00:00:00+0800", seconds: 1_764_259_200),
        Expected(text: "2025-11-28T00:00:00-05:30", seconds: 1_764_288_000 + 19_800),
        Expected(text: "2025-11-28T00:00:00+00:00", seconds: 1_764_288_000),
        Expected(text: "2025-11-28T00:00:00-00:00", seconds: 1_764_288_000),
        Expected(text: "2025-11-28T00:00:00.5Z", seconds: 1_764_288_000.5),
        Expected(text: "2025-11-28T00:00:00.250+08:00", seconds: 1_764_259_200.25),
        Expected(text: "2025-11-28T00:00:00.123456789123Z", seconds: 1_764_288_000.123456789),
        Expected(text: "2025-11-28T08:00:00.0", seconds: 1_764_288_000),
        Expected(text: "2024-02-29 08:00:00", seconds: 1_709_164_800),  // leap day
        Expected(text: "2000-02-29T00:00:00Z", seconds: 951_782_400),  // divisible by 400
        Expected(text: "1970-01-01T00:00:00Z", seconds: 0),
        Expected(text: "1969-12-31T23:59:59Z", seconds: -1),
        Expected(text: "0001-01-01T00:00:00Z", seconds: -62_135_596_800),
        Expected(text: "9999-12-31T23:59:59Z", seconds: 253_402_300_799),
        Expected(text: "2025-12-31 23:59:59", seconds: 1_767_196_799),
    ]

    @Test("date: valid forms", arguments: validInShanghai)
    func valid(expected: Expected) throws {
        let reader = PayloadDateReader(timeZone: Support.shanghai)
        let date = try #require(reader.read(expected.text).value)
        #expect(abs(date.timeIntervalSince1970 - expected.seconds) < 1e-6, "\(date.timeIntervalSince1970)")
        // Through the JSON value too.
        #expect(reader.read(JSONValue.string(expected.text)).value == date)
    }

    @Test("date: the expected instants agree with Foundation's calendar")
    func expectationsAreRight() throws {
        #expect(try Support.utc(2025, 11, 27, 16).timeIntervalSince1970 == 1_764_259_200)
        #expect(try Support.utc(2024, 2, 29).timeIntervalSince1970 == 1_709_164_800)
        #expect(try Support.utc(2000, 2, 29).timeIntervalSince1970 == 951_782_400)
        // Foundation's "gregorian" calendar is Julian before 1582-10-15; ISO 8601 (and the reader)
        // is proleptic Gregorian, so 0001-01-01 is checked by its well-known value above instead.
        #expect(try Support.utc(9999, 12, 31, 23, 59, 59).timeIntervalSince1970 == 253_402_300_799)
    }

    @Test(
        "date: not a valid date (a warning)",
        arguments: [
            "2025-11-28", "2025/11/28 00:00:00", "2025-11-28  00:00:00", "2025-11-28 00:00:00Z",
            "2025-11-28 00:00:00+08:00", "2025-11-28 00:00:00.5", "2025-11-28T00:00", "2025-11-28t00:00:00",
            "2025-11-28T00:00:00z", "2025-11-28T00:00:00+08", "2025-11-28T00:00:00+8:00", "2025-11-28T00:00:00.Z",
            "2025-11-28T00:00:00+24:00", "2025-11-28T00:00:00+08:60", "2025-11-28T00:00:00+08:00:00",
            "tomorrow", "x", "2025-1-28 00:00:00", "20251128T000000Z",
            "２０２５-11-28 00:00:00", "0000-00-00", "0000-00-00 00:00", "+2025-11-28T00:00:00Z",
            "2025-11-28 00:00:00 extra", "2025-11-28T00:00:00ZZ", "2025-11-28T00:00:00+08:00Z",
        ])
    func notADate(text: String) {
        let reader = PayloadDateReader(timeZone: DecoderTestSupport.shanghai)
        #expect(reader.read(text) == .unusable(problem: PayloadDateReader.notADate))
    }

    @Test(
        "date: an impossible calendar date or time (a warning)",
        arguments: [
            "2027-02-30 00:00:00", "2025-13-01 00:00:00", "2025-00-10 00:00:00", "2025-11-31 00:00:00",
            "2025-11-00 00:00:00", "2023-02-29 00:00:00", "1900-02-29 00:00:00", "2025-11-28 24:00:00",
            "2025-11-28 23:60:00", "2025-11-28 23:59:60", "0000-00-00T00:00:00", "0000-00-00T00:00:00Z",
            "2027-02-30T00:00:00+08:00", "9999-99-99 99:99:99",
        ])
    func impossible(text: String) {
        let reader = PayloadDateReader(timeZone: DecoderTestSupport.shanghai)
        #expect(reader.read(text) == .unusable(problem: PayloadDateReader.impossible))
    }

    @Test("date: a non-string is unusable", arguments: ["20251128", "1764259200", "true", "[]", "{}", #"["x"]"#])
    func nonString(json: String) throws {
        let reader = PayloadDateReader(timeZone: Support.shanghai)
        #expect(reader.read(try Support.value(json)) == .unusable(problem: PayloadDateReader.notAString))
    }

    @Test(
        "date: unknown without a warning",
        arguments: ["", "   ", "0000-00-00 00:00:00", " 0000-00-00 00:00:00\t"])
    func unknown(text: String) {
        let reader = PayloadDateReader(timeZone: DecoderTestSupport.shanghai)
        #expect(reader.read(text) == .unknown)
    }

    @Test func nullAndMissingAreUnknown() {
        let reader = PayloadDateReader(timeZone: DecoderTestSupport.shanghai)
        #expect(reader.read(JSONValue.null) == .unknown)
        #expect(reader.read(nil as JSONValue?) == .unknown)
    }

    // MARK: Time zones

    struct ZoneCase: Sendable, CustomTestStringConvertible {
        var zone: String
        var text: String
        /// The expected instant as a UTC wall clock `yyyy-MM-dd HH:mm:ss`.
        var utc: String
        var testDescription: String { "\(zone) \(text)" }
    }

    static let zoneCases: [ZoneCase] = [
        ZoneCase(zone: "UTC", text: "2025-11-28 00:00:00", utc: "2025-11-28 00:00:00"),
        ZoneCase(zone: "America/Sao_Paulo", text: "2025-11-28 00:00:00", utc: "2025-11-28 03:00:00"),
        ZoneCase(zone: "Asia/Kolkata", text: "2025-11-28 00:00:00", utc: "2025-11-27 18:30:00"),
        ZoneCase(zone: "Asia/Kathmandu", text: "2025-11-28 00:00:00", utc: "2025-11-27 18:15:00"),
        // An offset wins over the API time zone.
        ZoneCase(zone: "America/New_York", text: "2025-11-28T00:00:00+08:00", utc: "2025-11-27 16:00:00"),
        ZoneCase(zone: "America/New_York", text: "2025-11-28T00:00:00Z", utc: "2025-11-28 00:00:00"),
        // New York: standard and daylight time.
        ZoneCase(zone: "America/New_York", text: "2026-01-15 12:00:00", utc: "2026-01-15 17:00:00"),
        ZoneCase(zone: "America/New_York", text: "2026-07-01 12:00:00", utc: "2026-07-01 16:00:00"),
        // Spring forward, 2026-03-08 02:00 EST → 03:00 EDT.
        ZoneCase(zone: "America/New_York", text: "2026-03-08 01:59:59", utc: "2026-03-08 06:59:59"),
        ZoneCase(zone: "America/New_York", text: "2026-03-08 02:00:00", utc: "2026-03-08 07:00:00"),  // gap
        ZoneCase(zone: "America/New_York", text: "2026-03-08 02:30:00", utc: "2026-03-08 07:30:00"),  // gap
        ZoneCase(zone: "America/New_York", text: "2026-03-08 03:00:00", utc: "2026-03-08 07:00:00"),
        // Fall back, 2026-11-01 02:00 EDT → 01:00 EST: 01:30 happens twice; the first is taken.
        ZoneCase(zone: "America/New_York", text: "2026-11-01 00:59:59", utc: "2026-11-01 04:59:59"),
        ZoneCase(zone: "America/New_York", text: "2026-11-01 01:00:00", utc: "2026-11-01 05:00:00"),
        ZoneCase(zone: "America/New_York", text: "2026-11-01 01:30:00", utc: "2026-11-01 05:30:00"),
        ZoneCase(zone: "America/New_York", text: "2026-11-01 02:00:00", utc: "2026-11-01 07:00:00"),
        // Historical rules: New York's war time (1942-45, UTC-4 all year).
        ZoneCase(zone: "America/New_York", text: "1944-01-15 12:00:00", utc: "1944-01-15 16:00:00"),
        // Beijing's daylight time of 1986-1991 (UTC+9 in summer).
        ZoneCase(zone: "Asia/Shanghai", text: "1988-07-01 12:00:00", utc: "1988-07-01 03:00:00"),
        ZoneCase(zone: "Asia/Shanghai", text: "1988-12-01 12:00:00", utc: "1988-12-01 04:00:00"),
        // Southern hemisphere: Sydney's DST in January; gap on 2025-10-05 02:00 → 03:00.
        ZoneCase(zone: "Australia/Sydney", text: "2026-01-15 12:00:00", utc: "2026-01-15 01:00:00"),
        ZoneCase(zone: "Australia/Sydney", text: "2025-10-05 02:30:00", utc: "2025-10-04 16:30:00"),
        // Lord Howe: a half-hour DST shift; 2026-04-05 01:45 happens twice (first: +11).
        ZoneCase(zone: "Australia/Lord_Howe", text: "2026-04-05 01:45:00", utc: "2026-04-04 14:45:00"),
    ]

    @Test("date: local times in the API time zone", arguments: zoneCases)
    func inZone(zoneCase: ZoneCase) throws {
        let reader = PayloadDateReader(timeZone: try Support.zone(zoneCase.zone))
        let date = try #require(reader.read(zoneCase.text).value)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = .gmt
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        #expect(formatter.string(from: date) == zoneCase.utc)
    }

    @Test("date: a fixed-offset zone")
    func fixedOffsetZone() throws {
        let zone = try #require(TimeZone(secondsFromGMT: -3 * 3600))
        let reader = PayloadDateReader(timeZone: zone)
        #expect(reader.read("2025-11-28 00:00:00").value == (try Support.utc(2025, 11, 28, 3)))
    }

    /// Every hour of a year, written as its local wall-clock time and read back, lands on the
    /// same instant, except the second pass of a repeated hour, which reads as the first.
    @Test(
        "date: local wall-clock times round-trip over whole years",
        arguments: [
            ("America/New_York", 2026), ("Asia/Shanghai", 1988), ("Europe/London", 1996), ("Australia/Sydney", 2025),
        ])
    func roundTripOverAYear(zoneName: String, year: Int) throws {
        let zone = try Support.zone(zoneName)
        let reader = PayloadDateReader(timeZone: zone)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let start = try Support.utc(year, 1, 1).timeIntervalSince1970
        var mismatches = 0
        for hour in 0..<(366 * 24) {
            let instant = Date(timeIntervalSince1970: start + Double(hour) * 3600 + 1234)
            let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: instant)
            let text = String(
                format: "%04ld-%02ld-%02ld %02ld:%02ld:%02ld", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0,
                c.minute ?? 0, c.second ?? 0)
            let read = try #require(reader.read(text).value, "\(text)")
            if read != instant {
                // Only a repeated hour may differ: then the reading is one DST shift earlier.
                let shift = instant.timeIntervalSince(read)
                let repeated =
                    shift > 0 && shift <= 7200 && zone.secondsFromGMT(for: read) > zone.secondsFromGMT(for: instant)
                #expect(repeated, "\(zoneName) \(text) read as \(read), expected \(instant)")
                mismatches += 1
            }
        }
        #expect(mismatches <= 4)
    }

    @Test(
        "date: days from civil agrees with Foundation's calendar",
        arguments: [
            (1582, 10, 15), (1600, 2, 29), (1899, 12, 31), (1900, 3, 1), (1970, 1, 1), (2000, 2, 29), (2024, 12, 31),
            (2100, 3, 1), (9999, 12, 31),
        ])
    func daysFromCivil(y: Int, m: Int, d: Int) throws {
        let days = DateText.daysFromCivil(year: y, month: m, day: d)
        #expect(DateText.daysFromCivil(year: 1, month: 1, day: 1) == -719_162)
        #expect(Double(days) * 86_400 == (try Support.utc(y, m, d)).timeIntervalSince1970)
    }
}
