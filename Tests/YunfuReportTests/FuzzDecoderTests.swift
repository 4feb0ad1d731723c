import Foundation
import Testing

@testable import YunfuReport

/// A deterministic generator (SplitMix64), so every run fuzzes the same inputs.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Seeded fuzzing of the decoder: mutated samples, random JSON from a grammar, pathological
/// bodies. Every input must come back as an outcome (no crash, no hang), and the answers must
/// hold to a few invariants.
@Suite("Fuzz decoder")
struct FuzzDecoderTests {
    typealias Support = DecoderTestSupport

    /// Checks one body: decode returns; "not JSON" exactly when the full parser rejects it;
    /// warnings are well formed. Returns the outcome.
    @discardableResult
    private func check(_ bytes: [UInt8], _ decoder: AnswerDecoder, _ label: @autoclosure () -> String) -> DecodeOutcome
    {
        let outcome = decoder.decode(bytes)
        let fullParse = Result { () throws(JSONSyntaxError) in try JSONParser.parse(bytes) }
        switch outcome {
        case .failure(let message):
            let notJSON = message.hasPrefix("the answer is not JSON: ")
            if case .success = fullParse, notJSON {
                Issue.record("\(label()): the shaped parse rejected what the full parse accepts: \(message)")
            }
            if case .failure = fullParse, !notJSON {
                Issue.record("\(label()): the full parse rejects, the decoder said: \(message)")
            }
        case .snapshot(let snapshot, let warnings):
            if case .failure(let error) = fullParse {
                Issue.record("\(label()): a snapshot from a body the full parse rejects: \(error)")
            }
            for warning in warnings where warning.value.unicodeScalars.count > 200 || warning.path.isEmpty {
                Issue.record("\(label()): a malformed warning \(warning.path)")
            }
            for line in snapshot.lines where line.lineID.isBlank {
                Issue.record("\(label()): a line with a blank id")
            }
        }
        return outcome
    }

    private static let tokens: [[UInt8]] =
        [
            "{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "\\ud800", "\\udc00", "\\n", "0", "-", "1e", "1e999",
            "null", "true", "false", " ", "\n", "é", "😀", "\u{301}", "[]", "{}", "0000-00-00 00:00:00", "2027-02-30",
            "99999999999999999999", "<html>", "\u{FEFF}",
        ].map { Array($0.utf8) } + [[0xFF], [0xC3], [0xE4, 0xB8], [0xED, 0xA0, 0x80], [0x00], [0x7F]]

    private static let validValues: [[UInt8]] = [
        "null", "\"\"", "\"50\"", "\" 7 \"", "1e3", "50.0", "12.5", "[]", "{}", "[1,{}]", "{\"0\":{}}", "true", "false",
        "-0", "\"2027-02-30 00:00:00\"", "\"0000-00-00 00:00:00\"", "\"2025-11-28T00:00:00Z\"", "\"\\ud800\"",
        "99999999999999999999", "\"e\\u0301\"", "\"1\"", "\"0\"", "2",
    ].map { Array($0.utf8) }

    /// Replaces the scalar value of the first member after `start` (the bytes between a `:` and the
    /// next `,` or `}` when they hold no bracket and no quote inside).
    private func replaceScalarValue(in bytes: inout [UInt8], from start: Int, with value: [UInt8]) {
        guard let colon = bytes[start...].firstIndex(of: UInt8(ascii: ":")) else { return }
        guard let end = bytes[(colon + 1)...].firstIndex(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "}") })
        else { return }
        let old = bytes[(colon + 1)..<end]
        let quotes = old.filter { $0 == UInt8(ascii: "\"") }.count
        guard !old.contains(where: { "{[]}\\".utf8.contains($0) }), quotes == 0 || quotes == 2 else { return }
        bytes.replaceSubrange((colon + 1)..<end, with: value)
    }

    @Test("mutated samples", .timeLimit(.minutes(2)))
    func mutatedSamples() throws {
        let sample = try Support.sampleBytes()
        let decoder = AnswerDecoder(apiTimeZone: Support.shanghai)
        var random = SplitMix64(seed: 0x5EED_0001)
        var outcomes = (snapshots: 0, failures: 0)
        for round in 0..<2_000 {
            var bytes = sample
            for _ in 0..<Int.random(in: 1...6, using: &random) {
                guard !bytes.isEmpty else { break }
                let at = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<9, using: &random) {
                case 0: bytes[at] = UInt8.random(in: 0...255, using: &random)
                case 1: bytes[at] ^= 1 << UInt8.random(in: 0..<8, using: &random)
                case 2: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...40, using: &random)))
                case 3:
                    bytes.insert(contentsOf: Self.tokens[Int.random(in: 0..<Self.tokens.count, using: &random)], at: at)
                case 4: bytes.removeSubrange(at...)  // truncation
                case 5:
                    let end = min(bytes.count, at + Int.random(in: 1...200, using: &random))
                    bytes.insert(contentsOf: bytes[at..<end], at: Int.random(in: 0...bytes.count, using: &random))
                case 7, 8:
                    // Replace a scalar member value with another valid value: the JSON stays valid.
                    replaceScalarValue(in: &bytes, from: at, with: Self.validValues.randomElement(using: &random) ?? [])
                default:
                    // Insert a token after a colon: structured damage.
                    if let quote = bytes[at...].firstIndex(of: UInt8(ascii: ":")) {
                        let token = Self.tokens[Int.random(in: 0..<Self.tokens.count, using: &random)]
                        bytes.insert(contentsOf: token, at: quote + 1)
                    }
                }
            }
            switch check(bytes, decoder, "mutation \(round)") {
            case .snapshot: outcomes.snapshots += 1
            case .failure: outcomes.failures += 1
            }
        }
        // The mix is deterministic; both kinds of outcome occur.
        #expect(outcomes.snapshots > 100)
        #expect(outcomes.failures > 100)
    }

    // MARK: Random JSON from a grammar

    private static let keys = [
        "line_id", "name", "remark", "belong_user", "line_concurrency", "residue", "available_at", "new_line", "node",
        "type_str", "bind_type_str", "id", "exclusive_asr", "is_active", "deleted_at", "debug", "speed", "details",
        "number_status", "time", "x", "", "键", "0", "1",
    ]

    private static let numbers = [
        "0", "-0", "1", "50", "50.0", "1e3", "-3", "12.5", "1e-3", "9223372036854775807", "9223372036854775808",
        "-9223372036854775809", "1" + String(repeating: "0", count: 30), "1e999999999", "0.000", "6",
    ]

    private static let strings = [
        "", " ", "50", " 50 ", "-3", "abc", "2025-11-28 00:00:00", "2025-11-28T00:00:00+08:00", "2027-02-30 00:00:00",
        "0000-00-00 00:00:00", "1", "0", "true", "false", "中文", "😀", "e\u{301}", "\u{0}\u{1F}\"\\/", "=cmd", "\u{FFFD}",
        "\u{10FFFF}", "a\tb\nc",
    ]

    private func randomString(_ random: inout SplitMix64) -> String {
        if Bool.random(using: &random) { return Self.strings[Int.random(in: 0..<Self.strings.count, using: &random)] }
        var scalars = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 0...12, using: &random) {
            let value: UInt32
            switch Int.random(in: 0..<4, using: &random) {
            case 0: value = UInt32.random(in: 0...0x7F, using: &random)
            case 1: value = UInt32.random(in: 0x80...0xD7FF, using: &random)
            case 2: value = UInt32.random(in: 0xE000...0xFFFD, using: &random)
            default: value = UInt32.random(in: 0x10000...0x10FFFF, using: &random)
            }
            if let scalar = Unicode.Scalar(value) { scalars.append(scalar) }
        }
        return String(scalars)
    }

    private func randomValue(_ random: inout SplitMix64, depth: Int) -> JSONValue {
        let kinds = depth >= 5 ? 4 : 6
        switch Int.random(in: 0..<kinds, using: &random) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &random))
        case 2: return .number(Self.numbers[Int.random(in: 0..<Self.numbers.count, using: &random)])
        case 3: return .string(randomString(&random))
        case 4:
            return .array(
                (0..<Int.random(in: 0...4, using: &random)).map { _ in randomValue(&random, depth: depth + 1) })
        default:
            return .object(
                (0..<Int.random(in: 0...5, using: &random)).map { _ in
                    let key =
                        Bool.random(using: &random)
                        ? Self.keys[Int.random(in: 0..<Self.keys.count, using: &random)] : randomString(&random)
                    return JSONMember(key: key, value: randomValue(&random, depth: depth + 1))
                })
        }
    }

    /// A record whose used fields hold random values.
    private func randomRecord(_ random: inout SplitMix64, fields: [String]) -> JSONValue {
        var members: [JSONMember] = []
        for field in fields where Int.random(in: 0..<4, using: &random) > 0 {
            members.append(JSONMember(key: field, value: randomValue(&random, depth: 2)))
        }
        if Bool.random(using: &random) { members.shuffle(using: &random) }
        return .object(members)
    }

    private func randomList(_ random: inout SplitMix64, fields: [String]) -> JSONValue {
        let records = (0..<Int.random(in: 0...5, using: &random)).map { _ in
            Int.random(in: 0..<8, using: &random) == 0
                ? randomValue(&random, depth: 2) : randomRecord(&random, fields: fields)
        }
        switch Int.random(in: 0..<6, using: &random) {
        case 0: return .object(records.enumerated().map { JSONMember(key: String($0.offset * 2), value: $0.element) })
        case 1: return randomValue(&random, depth: 1)
        default: return .array(records)
        }
    }

    @Test("random JSON from a grammar", .timeLimit(.minutes(2)))
    func grammarGenerated() throws {
        let decoder = AnswerDecoder(apiTimeZone: try Support.zone("America/New_York"))
        var random = SplitMix64(seed: 0x5EED_0002)
        let lineFields = [
            "line_id", "name", "remark", "belong_user", "line_concurrency", "residue", "available_at", "new_line",
            "extra",
        ]
        let groupFields = [
            "id", "name", "exclusive_asr", "exclusive_tts", "big_model_type", "is_active", "deleted_at", "debug",
            "speed",
            "volume",
        ]
        let ruleFields = ["id", "name", "status", "is_default", "details", "type"]
        for round in 0..<700 {
            var data: [JSONMember] = [
                JSONMember(key: "caller_line_list", value: randomList(&random, fields: lineFields)),
                JSONMember(key: "outbound_group", value: randomList(&random, fields: groupFields)),
                JSONMember(key: "auto_recycle_rules", value: randomList(&random, fields: ruleFields)),
                JSONMember(key: "max_recycle_limit", value: randomValue(&random, depth: 1)),
                JSONMember(key: "end_actions", value: randomValue(&random, depth: 1)),
            ]
            data.shuffle(using: &random)
            let envelope = JSONValue.object([
                JSONMember(key: "code", value: .number("200")), JSONMember(key: "message", value: .string("ok")),
                JSONMember(key: "data", value: .object(data)),
            ])
            let text = envelope.compactJSON
            // Our writer's text parses back to the same value.
            #expect(try JSONParser.parse(text) == envelope)
            guard case .snapshot = check(Array(text.utf8), decoder, "grammar \(round)") else {
                Issue.record("grammar \(round): valid JSON with code 200 and an object as data must decode")
                continue
            }
        }
    }

    @Test("random bytes", .timeLimit(.minutes(1)))
    func randomBytes() {
        let decoder = AnswerDecoder(apiTimeZone: DecoderTestSupport.shanghai)
        var random = SplitMix64(seed: 0x5EED_0003)
        for round in 0..<200 {
            let count = Int.random(in: 0...2_000, using: &random)
            var bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
            if round % 2 == 0, !bytes.isEmpty { bytes[0] = UInt8(ascii: "{") }
            check(bytes, decoder, "bytes \(round)")
        }
    }

    // MARK: Pathological bodies

    @Test("pathological bodies", .timeLimit(.minutes(1)))
    func pathological() throws {
        let decoder = AnswerDecoder(apiTimeZone: Support.shanghai)
        let hundredKB = String(repeating: "线", count: 34_000)
        let deepArrays = String(repeating: "[", count: 100_000)
        let deepObjects = String(repeating: #"{"a":"#, count: 50_000)
        let bodies: [(String, String)] = [
            ("deep arrays", deepArrays),
            ("deep arrays closed", deepArrays + String(repeating: "]", count: 100_000)),
            ("deep objects", deepObjects),
            (
                "deep in a used field",
                #"{"code":200,"data":{"caller_line_list":[{"line_id":"a","residue":"# + deepArrays
            ),
            ("deep in an unused field", #"{"code":200,"data":{"x":"# + deepObjects),
            ("deep list elements", #"{"code":200,"data":{"outbound_group":"# + deepArrays),
            ("10^30", #"{"code":200,"data":{"max_recycle_limit":1000000000000000000000000000000}}"#),
            ("10^30 code", #"{"code":1000000000000000000000000000000}"#),
            (
                "100k digits",
                #"{"code":200,"data":{"max_recycle_limit":"# + String(repeating: "7", count: 100_000) + "}}"
            ),
            ("huge exponent", #"{"code":200,"data":{"max_recycle_limit":1e99999999999999999999999999}}"#),
            ("100 KB remark", #"{"code":200,"data":{"caller_line_list":[{"line_id":"a","remark":"\#(hundredKB)"}]}}"#),
            ("100 KB unused", #"{"code":200,"data":{"big":"\#(hundredKB)"}}"#),
            (
                "100 KB date",
                #"{"code":200,"data":{"caller_line_list":[{"line_id":"a","available_at":"\#(hundredKB)"}]}}"#
            ),
            (
                "100 KB of escapes",
                #"{"code":200,"data":{"caller_line_list":[{"line_id":""# + String(repeating: #"\u00e9"#, count: 17_000)
                    + #""}]}}"#
            ),
            ("100 KB key", #"{"code":200,"data":{""# + hundredKB + #"":1}}"#),
            ("unterminated 100 KB string", #"{"code":200,"data":{"x":""# + hundredKB),
            (
                "many keys",
                #"{"code":200,"data":{"# + (0..<20_000).map { #""k\#($0)":\#($0)"# }.joined(separator: ",") + "}}"
            ),
            (
                "many lines",
                #"{"code":200,"data":{"caller_line_list":["#
                    + (0..<5_000).map { #"{"line_id":"\#($0 % 100)"}"# }
                    .joined(separator: ",") + "]}}"
            ),
            ("huge message", #"{"code":500,"message":"\#(hundredKB)"}"#),
        ]
        for (label, body) in bodies {
            check(Array(body.utf8), decoder, label)
        }
        if case .snapshot(let snapshot, let warnings) = decoder.decode(Array(bodies[6].1.utf8)) {
            #expect(snapshot.maxRecycleLimit == nil)
            #expect(warnings.first?.problem == ValueGrammar.beyond64Bits)
        } else {
            Issue.record("10^30 should decode with a warning")
        }
        if case .snapshot(let snapshot, _) = decoder.decode(Array(bodies[17].1.utf8)) {
            #expect(snapshot.lines.count == 100)
        } else {
            Issue.record("many lines should decode")
        }
    }

    /// Deep nesting decoded on the concurrency pool's threads, where stacks are smaller than the
    /// main thread's.
    @Test("deep nesting on a child task", .timeLimit(.minutes(1)))
    func deepNestingOnAChildTask() async {
        let body = Array((#"{"code":200,"data":{"max_recycle_limit":"# + String(repeating: "[", count: 254)).utf8)
        let decoder = AnswerDecoder(apiTimeZone: DecoderTestSupport.shanghai)
        let message = await Task.detached {
            if case .failure(let message) = decoder.decode(body) { return message }
            return ""
        }.value
        #expect(message.hasPrefix("the answer is not JSON"))
        let closed = body + Array(String(repeating: "]", count: 254).utf8) + Array("}}".utf8)
        let outcome = await Task.detached { decoder.decode(closed) }.value
        if case .snapshot(_, let warnings) = outcome {
            #expect(warnings.count == 1)
        } else {
            Issue.record("256 levels are allowed")
        }
    }
}
