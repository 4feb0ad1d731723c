import Foundation
import Testing

@testable import YunfuReport

/// The decoder's own JSON parser: strict RFC 8259, literals kept as text, order kept.
@Suite("Decoder JSON parser")
struct DecoderJSONParserTests {
    private func parse(_ text: String, shape: JSONShape = .all) throws(JSONSyntaxError) -> JSONValue {
        try JSONParser.parse(text, shape: shape)
    }

    private func error(_ text: String) -> JSONSyntaxError? {
        error(Array(text.utf8))
    }

    private func error(_ bytes: [UInt8]) -> JSONSyntaxError? {
        do {
            _ = try JSONParser.parse(bytes)
            return nil
        } catch {
            return error
        }
    }

    @Test func scalars() throws {
        #expect(try parse("null") == .null)
        #expect(try parse(" true ") == .bool(true))
        #expect(try parse("\n\tfalse\r\n") == .bool(false))
        #expect(try parse(#""hi""#) == .string("hi"))
        #expect(try parse("[]") == .array([]))
        #expect(try parse("{}") == .object([]))
    }

    @Test(
        "number literals are kept exactly as written",
        arguments: [
            "0", "-0", "50", "50.0", "50.00", "1e3", "1E3", "1e+3", "1e-3", "-12.5e-07", "0.5",
            "123456789012345678901234567890", "1e999999", String(repeating: "9", count: 5000),
        ])
    func numbersKeepTheirText(literal: String) throws {
        #expect(try parse(literal) == .number(literal))
        #expect(try parse("[\(literal)]") == .array([.number(literal)]))
    }

    @Test func objectsKeepKeyOrderAndDuplicates() throws {
        let value = try parse(#"{"b":1,"a":2,"b":3,"":4}"#)
        #expect(
            value
                == .object([
                    JSONMember(key: "b", value: .number("1")), JSONMember(key: "a", value: .number("2")),
                    JSONMember(key: "b", value: .number("3")), JSONMember(key: "", value: .number("4")),
                ]))
        #expect(value["b"] == .number("1"))  // the first of a repeated key
        #expect(value["a"] == .number("2"))
        #expect(value["c"] == nil)
    }

    @Test(
        "escapes decode",
        arguments: [
            (#""\"\\\/\b\f\n\r\t""#, "\"\\/\u{8}\u{C}\n\r\t"),
            (#""\u0041\u00e9\u4E2D""#, "Aé中"),
            (#""\ud83d\ude00""#, "😀"),  // a surrogate pair
            (#""\uD83D\uDE00x""#, "😀x"),
            (#""\ud800""#, "\u{FFFD}"),  // lone high surrogate
            (#""\udc00""#, "\u{FFFD}"),  // lone low surrogate
            (#""\ud800x""#, "\u{FFFD}x"),
            (#""\ud800\u0041""#, "\u{FFFD}A"),
            (#""\ud800\ud800\udc00""#, "\u{FFFD}𐀀"),
            (#""\u0000""#, "\u{0}"),
            (#""e\u0301""#, "e\u{301}"),
            ("\"中文 🎉 עברית\"", "中文 🎉 עברית"),
        ])
    func escapes(json: String, expected: String) throws {
        guard case .string(let text) = try parse(json) else {
            Issue.record("not a string")
            return
        }
        #expect(Array(text.unicodeScalars) == Array(expected.unicodeScalars))
    }

    @Test func escapedKeysMatchShapes() throws {
        let shape = JSONShape.object([JSONShape.Field("code")])
        let value = try parse(#"{"c\u006fde":200,"other":[1,2]}"#, shape: shape)
        #expect(value == .object([JSONMember(key: "code", value: .number("200"))]))
    }

    @Test func unicodeScalarsArePreservedWithoutNormalisation() throws {
        let value = try parse("[\"e\u{301}\",\"\u{E9}\"]")
        guard case .array(let items) = value, items.count == 2,
            case .string(let decomposed) = items[0], case .string(let composed) = items[1]
        else {
            Issue.record("unexpected \(value)")
            return
        }
        #expect(decomposed.unicodeScalars.count == 2)
        #expect(composed.unicodeScalars.count == 1)
        #expect(!ScalarOrder.equal(decomposed, composed))
        #expect(items[0] != items[1])
    }

    @Test func shapesBuildOnlyWhatTheyName() throws {
        let shape = JSONShape.object([
            JSONShape.Field("keep"), JSONShape.Field("list", .list(.object([JSONShape.Field("a")]))),
        ])
        let value = try parse(
            #"{"skip":{"deep":[1,{"x":"y"}]},"keep":[1,2],"list":[{"a":1,"b":2},{"b":3}],"tail":"z"}"#, shape: shape)
        #expect(
            value
                == .object([
                    JSONMember(key: "keep", value: .array([.number("1"), .number("2")])),
                    JSONMember(
                        key: "list",
                        value: .array([.object([JSONMember(key: "a", value: .number("1"))]), .object([])])),
                ]))
        // A list shape over an object reads the values of the map; over a scalar, the scalar.
        let map = try parse(#"{"list":{"0":{"a":1,"b":2},"5":{"a":2}}}"#, shape: shape)
        #expect(map["list"]?.listElements.count == 2)
        #expect(try parse(#"{"list":"x"}"#, shape: shape)["list"] == .string("x"))
        // An object shape over an array builds it whole.
        #expect(try parse(#"{"list":[[1]]}"#, shape: shape)["list"] == .array([.array([.number("1")])]))
    }

    @Test func skippedPartsAreStillValidated() {
        let shape = JSONShape.object([JSONShape.Field("keep")])
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(#"{"keep":1,"skip":[1,}"#, shape: shape) }
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(#"{"keep":1,"skip":"\x"}"#, shape: shape) }
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(#"{"keep":1,"skip":01}"#, shape: shape) }
        #expect(throws: JSONSyntaxError.self) {
            try JSONParser.parse([0x7B, 0x22, 0x73, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D], shape: shape)
        }
    }

    @Test(
        "invalid JSON is rejected",
        arguments: [
            "", " ", "\n\t", "{", "[", "[1", "[1,", "[1,]", "[,1]", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{a:1}",
            "{'a':1}", "'x'", "\"abc", "\"\\\"", "\"\\x\"", "\"\\u12\"", "\"\\u12G4\"", "tru", "truex", "nul", "NaN",
            "Infinity", "-Infinity", "01", "-01", "1.", ".5", "-", "+1", "1e", "1e+", "0x10", "1 2", "{} {}",
            "[1] x", "\"a\nb\"", "\"a\tb\"", "\u{1}", "<html></html>", "<!DOCTYPE html>", "// c\n1", "[1]//",
            "{\"a\":1 \"b\":2}", "[1 2]", "{\"a\" 1}", "{1:2}", "[\"a\":1]", "\u{FEFF}\u{FEFF}1",
        ])
    func invalid(text: String) {
        #expect(error(text) != nil, "accepted \(text.debugDescription)")
    }

    @Test(
        "invalid UTF-8 in a string is rejected",
        arguments: [
            [0xFF], [0x80], [0xC0, 0xAF], [0xC1, 0xBF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80],
            [0xF0, 0x80, 0x80, 0xAF],
            [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xE4, 0xB8], [0xC3], [0xE4, 0x41, 0x41],
        ] as [[UInt8]])
    func invalidUTF8(bytes: [UInt8]) {
        #expect(error([0x22] + bytes + [0x22]) != nil)
    }

    @Test func validUTF8AtTheEdges() throws {
        for bytes: [UInt8] in [
            [0xC2, 0x80], [0xDF, 0xBF], [0xE0, 0xA0, 0x80], [0xEF, 0xBF, 0xBF], [0xF0, 0x90, 0x80, 0x80],
            [0xF4, 0x8F, 0xBF, 0xBF], [0xEE, 0x80, 0x80],
        ] {
            let value = try JSONParser.parse([0x22] + bytes + [0x22])
            #expect(value == .string(String(decoding: bytes, as: UTF8.self)))
        }
    }

    @Test func aLeadingByteOrderMarkIsSkipped() throws {
        #expect(try JSONParser.parse([0xEF, 0xBB, 0xBF] + Array("[1]".utf8)) == .array([.number("1")]))
    }

    @Test func errorsNameWhatAndWhere() {
        #expect(error("")?.description == "the body is empty")
        #expect(error("  ")?.description == "the body holds only white space")
        #expect(error("<!DOCTYPE html>")?.description == "unexpected character '<' (an HTML or XML page?) at byte 0")
        #expect(error("[1,")?.description == "unexpected end of the body (truncated?) at byte 3")
        #expect(error("[1] x")?.description == "unexpected character 'x' after the JSON value at byte 4")
        #expect(error([0x5B, 0xFF])?.description == "unexpected byte 0xFF at byte 1")
        #expect(error("\"a\u{1}\"")?.description == "unescaped control character in a string at byte 2")
    }

    @Test func nestingIsLimited() throws {
        let limit = JSONParser.maximumDepth
        let deepest = String(repeating: "[", count: limit) + String(repeating: "]", count: limit)
        #expect(throws: Never.self) { try JSONParser.parse(deepest) }
        let tooDeep = String(repeating: "[", count: limit + 1) + String(repeating: "]", count: limit + 1)
        #expect(error(tooDeep)?.reason == "nesting deeper than \(limit) levels")
        let objects = String(repeating: #"{"a":"#, count: limit + 1) + "1" + String(repeating: "}", count: limit + 1)
        #expect(error(objects)?.reason == "nesting deeper than \(limit) levels")
        // In skipped parts too.
        let shape = JSONShape.object([JSONShape.Field("keep")])
        #expect(throws: JSONSyntaxError.self) {
            try JSONParser.parse(#"{"skip":"# + String(repeating: "[", count: 100_000) + "}", shape: shape)
        }
    }

    @Test func compactJSONRoundTrips() throws {
        let text = #"{"a":[1,-0.5e3,true,false,null,"x\"\\\n\u0001é"],"b":{},"c":[]}"#
        let value = try parse(text)
        #expect(value.compactJSON == #"{"a":[1,-0.5e3,true,false,null,"x\"\\\n\u0001é"],"b":{},"c":[]}"#)
        #expect(try parse(value.compactJSON) == value)
    }

    @Test func warningTextIsCutToScalars() throws {
        #expect(JSONValue.string("abc").warningText() == "abc")
        #expect(JSONValue.number("1e400").warningText() == "1e400")
        #expect(JSONValue.null.warningText() == "null")
        #expect(try parse(#"{"a": [1, 2]}"#).warningText() == #"{"a":[1,2]}"#)
        let long = String(repeating: "e\u{301}", count: 150)  // 300 scalars
        let cut = JSONValue.string(long).warningText()
        #expect(cut.unicodeScalars.count == 200)
        let array = JSONValue.array(Array(repeating: .number("12345"), count: 100)).warningText()
        #expect(array.unicodeScalars.count == 200)
        #expect(array.hasPrefix("[12345,12345,"))
    }
}
