import Foundation
import Testing

@testable import YunfuReport

/// Helpers shared by the decoder's tests.
enum DecoderTestSupport {
    /// One JSON value from its text (the test's own literal: a failure is a test bug).
    static func value(_ json: String) throws -> JSONValue {
        try JSONParser.parse(json)
    }

    /// An answer envelope around `data`.
    static func answer(data: String, code: String = "200", message: String = "\"ok\"") -> [UInt8] {
        Array(#"{"code":\#(code),"status":"success","message":\#(message),"data":\#(data)}"#.utf8)
    }

    static func sampleBytes() throws -> [UInt8] {
        let url = try #require(
            Bundle.module.url(forResource: "sample-task-create", withExtension: "json", subdirectory: "Fixtures"))
        return Array(try Data(contentsOf: url))
    }

    static func zone(_ identifier: String) throws -> TimeZone {
        try #require(TimeZone(identifier: identifier))
    }

    static var shanghai: TimeZone { TimeZone(identifier: "Asia/Shanghai") ?? .gmt }

    /// The instant of a UTC wall-clock time, computed by Foundation's calendar (an independent
    /// check of the decoder's own arithmetic).
    static func utc(_ y: Int, _ mo: Int, _ d: Int, _ h: Int = 0, _ mi: Int = 0, _ s: Int = 0) throws -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        return try #require(
            calendar.date(from: DateComponents(year: y, month: mo, day: d, hour: h, minute: mi, second: s)))
    }

    /// Decodes, requiring a snapshot.
    static func snapshot(
        _ bytes: [UInt8], zone: TimeZone = shanghai, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> (AccountSnapshot, [DecodeWarning]) {
        switch AnswerDecoder(apiTimeZone: zone).decode(bytes) {
        case .snapshot(let snapshot, let warnings): return (snapshot, warnings)
        case .failure(let message):
            Issue.record("expected a snapshot, got failure: \(message)", sourceLocation: sourceLocation)
            throw DecoderTestFailure()
        }
    }

    /// Decodes, requiring a failure; returns its sentence.
    static func failure(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        switch AnswerDecoder(apiTimeZone: shanghai).decode(bytes) {
        case .failure(let message): return message
        case .snapshot(let snapshot, _):
            Issue.record("expected a failure, got a snapshot: \(snapshot)", sourceLocation: sourceLocation)
            throw DecoderTestFailure()
        }
    }
}

struct DecoderTestFailure: Error {}

/// Row by row, the value grammar of `report-contract.md` for integers, flags, text, engines and
/// `deleted_at` (dates: `DecoderDateTests`).
@Suite("Decoder value grammar")
struct DecoderValueGrammarTests {
    // MARK: Integer

    @Test(
        "integer: valid forms",
        arguments: [
            ("50", 50), ("-3", -3), ("0", 0), ("-0", 0), ("50.0", 50), ("50.000", 50), ("5.0e1", 50),
            ("1e3", 1000), ("1E+3", 1000), ("12.50e1", 125), ("0.0", 0), ("-0.0e-7", 0), ("0e999999999999", 0),
            ("1000000000000000000e-18", 1), ("92233720368547758.07e2", Int64.max),
            ("9223372036854775807", Int64.max), ("-9223372036854775808", Int64.min),
            (#""50""#, 50), (#"" 50""#, 50), (#""50 ""#, 50), (#""\t-3\n""#, -3), (#""+7""#, 7), (#""007""#, 7),
            (#""-0""#, 0), (#""9223372036854775807""#, Int64.max), (#""-9223372036854775808""#, Int64.min),
        ] as [(String, Int64)])
    func integerValid(json: String, expected: Int64) throws {
        #expect(ValueGrammar.integer(try DecoderTestSupport.value(json)) == .valid(expected))
    }

    @Test(
        "integer: unknown with a warning",
        arguments: [
            ("50.5", ValueGrammar.hasFraction), ("0.1", ValueGrammar.hasFraction), ("1e-3", ValueGrammar.hasFraction),
            ("1.25e1", ValueGrammar.hasFraction), ("-0.5", ValueGrammar.hasFraction),
            ("9223372036854775808", ValueGrammar.beyond64Bits), ("-9223372036854775809", ValueGrammar.beyond64Bits),
            ("1" + String(repeating: "0", count: 30), ValueGrammar.beyond64Bits),
            ("1e30", ValueGrammar.beyond64Bits), ("1e999999999999999999999", ValueGrammar.beyond64Bits),
            ("18446744073709551616", ValueGrammar.beyond64Bits), ("9.3e18", ValueGrammar.beyond64Bits),
            (#""9223372036854775808""#, ValueGrammar.beyond64Bits),
            (#""-9223372036854775809""#, ValueGrammar.beyond64Bits),
            (#""99999999999999999999999999999""#, ValueGrammar.beyond64Bits),
            (#""abc""#, ValueGrammar.notAnInteger), (#""50.0""#, ValueGrammar.notAnInteger),
            (#""5 0""#, ValueGrammar.notAnInteger), (#""-""#, ValueGrammar.notAnInteger),
            (#""+""#, ValueGrammar.notAnInteger), (#""0x10""#, ValueGrammar.notAnInteger),
            (#""1e3""#, ValueGrammar.notAnInteger), (#""--1""#, ValueGrammar.notAnInteger),
            (#""١٢""#, ValueGrammar.notAnInteger), (#""５０""#, ValueGrammar.notAnInteger),
            ("true", ValueGrammar.notAnInteger), ("false", ValueGrammar.notAnInteger),
            ("[]", ValueGrammar.notAnInteger), ("[1]", ValueGrammar.notAnInteger),
            ("{}", ValueGrammar.notAnInteger), (#"{"a":1}"#, ValueGrammar.notAnInteger),
        ])
    func integerUnusable(json: String, problem: String) throws {
        #expect(ValueGrammar.integer(try DecoderTestSupport.value(json)) == .unusable(problem: problem))
    }

    @Test("integer: unknown without a warning", arguments: ["null", #""""#, #""   ""#, #""\t""#])
    func integerUnknown(json: String) throws {
        #expect(ValueGrammar.integer(try DecoderTestSupport.value(json)) == .unknown)
    }

    @Test func integerMissingIsUnknown() {
        #expect(ValueGrammar.integer(nil) == .unknown)
    }

    // MARK: Flag

    @Test(
        "flag: valid forms",
        arguments: [
            ("true", true), ("1", true), (#""1""#, true), (#""true""#, true),
            ("false", false), ("0", false), (#""0""#, false), (#""false""#, false),
        ])
    func flagValid(json: String, expected: Bool) throws {
        #expect(ValueGrammar.flag(try DecoderTestSupport.value(json)) == .valid(expected))
    }

    @Test(
        "flag: unknown with a warning",
        arguments: [
            "2", "-1", "1.0", "0.0", "-0", "1e0", #""yes""#, #""TRUE""#, #""True""#, #"" 1""#, #""""#, #""2""#,
            #""on""#, "[]", "[1]", "{}", #"{"a":true}"#,
        ])
    func flagUnusable(json: String) throws {
        #expect(ValueGrammar.flag(try DecoderTestSupport.value(json)) == .unusable(problem: ValueGrammar.notAFlag))
    }

    @Test func flagNullAndMissingAreUnknown() throws {
        #expect(ValueGrammar.flag(try DecoderTestSupport.value("null")) == .unknown)
        #expect(ValueGrammar.flag(nil) == .unknown)
    }

    // MARK: Text

    @Test(
        "text: strings as received, numbers and booleans as their JSON text, the rest empty",
        arguments: [
            (#""abc""#, "abc"), (#""""#, ""), (#""  x ""#, "  x "), ("123", "123"), ("1.50", "1.50"),
            ("1e3", "1e3"), ("-0", "-0"), ("true", "true"), ("false", "false"), ("null", ""), ("[]", ""),
            (#"["a"]"#, ""), (#"{"a":1}"#, ""), (#""=1+2""#, "=1+2"), (#""a|b\tc\nd""#, "a|b\tc\nd"),
            (#""\u0000x""#, "\u{0}x"),
        ])
    func text(json: String, expected: String) throws {
        let text = ValueGrammar.text(try DecoderTestSupport.value(json))
        #expect(ScalarOrder.equal(text, expected), "\(text.debugDescription)")
    }

    @Test func textMissingIsEmpty() {
        #expect(ValueGrammar.text(nil) == "")
    }

    @Test(
        "engine: as received, unset when empty after trimming",
        arguments: [
            (#""aliYun1""#, "aliYun1"), (#"" aliYun1 ""#, " aliYun1 "), (#""""#, ""), (#""   ""#, ""),
            (#""\t\n\r""#, ""), (#""\u3000""#, ""), ("null", ""), ("{}", ""), ("0", "0"),
        ])
    func engine(json: String, expected: String) throws {
        #expect(ValueGrammar.engine(try DecoderTestSupport.value(json)) == expected)
    }

    // MARK: deleted_at

    @Test(
        "deleted_at: what means deleted",
        arguments: [
            ("null", false), (#""""#, false), (#""  ""#, false), (#""0000-00-00 00:00:00""#, false),
            (#"" 0000-00-00 00:00:00 ""#, false), ("[]", false), ("{}", false),
            (#""2024-09-26 18:36:59""#, true), (#""2025-01-01T00:00:00+08:00""#, true), (#""garbage""#, true),
            (#""2027-02-30 00:00:00""#, true), (#""0000-00-00""#, true), ("1", true), ("0", true),
            ("true", true), ("false", true), ("[1]", true), (#"{"a":1}"#, true),
        ])
    func deletedAt(json: String, deleted: Bool) throws {
        #expect(ValueGrammar.isDeleted(try DecoderTestSupport.value(json)) == deleted)
    }

    @Test func deletedAtMissingIsNotDeleted() {
        #expect(ValueGrammar.isDeleted(nil) == false)
    }
}
