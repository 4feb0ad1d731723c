import Foundation
import Testing

@testable import YunfuReport

/// The answer decoder end to end: the sample, the envelope, every field through the grammar with
/// its warning path, the drift of real PHP answers, bodies that are not JSON.
@Suite("Decoder")
struct DecoderTests {
    typealias Support = DecoderTestSupport

    // MARK: The sample

    static func expectedSample() throws -> AccountSnapshot {
        var line = LineRecord(lineID: "29c39ec4-b292-4af9-a88b-922d61866aag")
        line.name = "修改线路测试1111"
        line.remark = "yw代理-测试主账户1"
        line.belongUser = "310edbc9-ae93-4570-85ea-4734936dac1d"
        line.lineType = "外部线路"
        line.bindType = "IP"
        line.node = "fs-node1"
        line.concurrency = 1
        line.residue = 1
        line.availableAt = try Support.utc(2025, 11, 27, 16)  // 2025-11-28 00:00:00 in Beijing
        var group = ScriptGroupRecord()
        group.id = 1
        group.name = "测试-抖音-1"
        group.asr = "aliYun1"
        group.tts = "aliyunv2_siyue"
        group.llm = "local_zhipu-api"
        group.activeFlag = true
        group.deleted = false
        group.debug = true
        group.speed = 50
        group.volume = 50
        var rule = RecycleRuleRecord()
        rule.id = 1
        rule.name = "默认重呼规则"
        rule.status = true
        rule.isDefault = true
        rule.details = [RecycleDetail(ruleID: 1, numberStatus: 6, time: 0, statusName: "关机")]
        return AccountSnapshot(lines: [line], scriptGroups: [group], recycleRules: [rule], maxRecycleLimit: 50)
    }

    @Test func theSampleDecodesToTheExpectedSnapshot() throws {
        let (snapshot, warnings) = try Support.snapshot(try Support.sampleBytes())
        #expect(warnings == [])
        #expect(snapshot == (try Self.expectedSample()))
        #expect(snapshot.scriptGroups.first?.isActive == true)
        #expect(snapshot.recycleRules.first?.isEnabled == true)
    }

    @Test func theSampleInAnotherAPITimeZone() throws {
        let (snapshot, _) = try Support.snapshot(try Support.sampleBytes(), zone: try Support.zone("UTC"))
        #expect(snapshot.lines.first?.availableAt == (try Support.utc(2025, 11, 28)))
        let (newYork, _) = try Support.snapshot(try Support.sampleBytes(), zone: try Support.zone("America/New_York"))
        #expect(newYork.lines.first?.availableAt == (try Support.utc(2025, 11, 28, 5)))
    }

    @Test func bothEntryPointsAgree() throws {
        let bytes = try Support.sampleBytes()
        let decoder = AnswerDecoder(apiTimeZone: Support.shanghai)
        let viaPointer = bytes.withUnsafeBytes { decoder.decode($0) }
        guard case .snapshot(let a, _) = viaPointer, case .snapshot(let b, _) = decoder.decode(bytes) else {
            Issue.record("expected snapshots")
            return
        }
        #expect(a == b)
    }

    @Test func decodesFromConcurrentTasks() async throws {
        let bytes = try Support.sampleBytes()
        let decoder = AnswerDecoder(apiTimeZone: Support.shanghai)
        let expected = try Self.expectedSample()
        let results = await withTaskGroup(of: AccountSnapshot?.self) { group in
            for _ in 0..<16 {
                group.addTask {
                    if case .snapshot(let snapshot, _) = decoder.decode(bytes) { return snapshot }
                    return nil
                }
            }
            var all: [AccountSnapshot?] = []
            for await result in group { all.append(result) }
            return all
        }
        #expect(results.count == 16)
        #expect(results.allSatisfy { $0 == expected })
    }

    // MARK: Envelope

    @Test(
        "envelope errors fail the account with code and message",
        arguments: [
            (#"{"code":401,"status":"error","message":"无效的token","data":null}"#, "code 401: 无效的token"),
            (#"{"code":500,"status":"error","data":null}"#, "code 500"),
            (#"{"code":500,"message":null}"#, "code 500"),
            (#"{"code":500,"message":"  "}"#, "code 500"),
            (#"{"code":"403","message":"forbidden"}"#, "code 403: forbidden"),
            (#"{"code":0,"message":"  spaced  "}"#, "code 0:   spaced  "),
            (#"{"code":422,"message":"line1\nline2","data":{"caller_line_list":[]}}"#, "code 422: line1\nline2"),
            (#"{"code":-1,"message":12}"#, "code -1: 12"),
            (#"{"status":"success","message":"x","data":{}}"#, "the answer has no code"),
            (#"{"code":null,"data":{}}"#, "the answer has no code"),
            (#"{"code":"","data":{}}"#, "the answer has no code"),
            (#"{"code":"abc","data":{}}"#, "the answer's code is not an integer: abc"),
            (#"{"code":200.5,"data":{}}"#, "the answer's code is not an integer: 200.5"),
            (#"{"code":true,"data":{}}"#, "the answer's code is not an integer: true"),
            (#"{"code":200,"data":null}"#, "code 200 but no data"),
            (#"{"code":200,"message":"ok"}"#, "code 200 but no data"),
            (#"{"code":200,"data":"x"}"#, "code 200 but data is not an object (a string)"),
            (#"{"code":200,"data":[1]}"#, "code 200 but data is not an object (an array)"),
            (#"{"code":200,"data":[{"caller_line_list":[]}]}"#, "code 200 but data is not an object (an array)"),
            (#"{"code":200,"data":true}"#, "code 200 but data is not an object (a boolean)"),
            (#"[{"code":200}]"#, "the answer is not a JSON object but an array"),
            (#""ok""#, "the answer is not a JSON object but a string"),
            ("null", "the answer is not a JSON object but null"),
        ])
    func envelopeErrors(body: String, expected: String) throws {
        #expect(try Support.failure(Array(body.utf8)) == expected)
    }

    @Test func aLongMessageIsCutTo200Scalars() throws {
        let message = String(repeating: "错", count: 500)
        let failure = try Support.failure(Array(#"{"code":500,"message":"\#(message)"}"#.utf8))
        #expect(failure == "code 500: " + String(repeating: "错", count: 200))
    }

    @Test(
        "code 200 in every valid integer form is success",
        arguments: ["200", "200.0", "2e2", #""200""#, #"" 200 ""#])
    func successCodes(code: String) throws {
        let (snapshot, warnings) = try Support.snapshot(Support.answer(data: "{}", code: code))
        #expect(snapshot == AccountSnapshot())
        #expect(warnings == [])
    }

    @Test func anEmptyPHPArrayAsDataIsAnEmptySnapshot() throws {
        let (snapshot, warnings) = try Support.snapshot(Support.answer(data: "[]"))
        #expect(snapshot == AccountSnapshot())
        #expect(warnings == [])
    }

    @Test func theEnvelopeMayComeInAnyOrder() throws {
        let body = #"{"data":{"max_recycle_limit":7},"message":"ok","code":200}"#
        let (snapshot, _) = try Support.snapshot(Array(body.utf8))
        #expect(snapshot.maxRecycleLimit == 7)
    }

    // MARK: Bodies that are not JSON

    @Test func bodiesThatAreNotJSONFail() throws {
        let html = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
        let failure = try Support.failure(Array(html.utf8))
        #expect(failure.hasPrefix("the answer is not JSON: unexpected character '<'"))

        #expect(try Support.failure([]) == "the answer is not JSON: the body is empty")
        #expect(try Support.failure(Array("  \r\n".utf8)) == "the answer is not JSON: the body holds only white space")

        let sample = try Support.sampleBytes()
        for cut in [1, 10, sample.count / 3, sample.count / 2, sample.count - 1] {
            let failure = try Support.failure(Array(sample.prefix(cut)))
            #expect(failure.hasPrefix("the answer is not JSON: "), "\(failure)")
        }
        let truncated = try Support.failure(Array(sample.prefix(sample.count / 2)))
        #expect(truncated.contains("truncated"))

        #expect(
            try Support.failure(sample + Array("x".utf8)).hasPrefix("the answer is not JSON: unexpected character 'x'"))
        #expect(try Support.failure(Array("OK".utf8)).hasPrefix("the answer is not JSON"))
        // Invalid UTF-8 anywhere in a string, kept or not.
        var bad = Array(#"{"code":200,"data":{"bridge_groups":[{"name":"x"}]}}"#.utf8)
        if let index = bad.firstIndex(of: UInt8(ascii: "x")) { bad[index] = 0xFF }
        #expect(try Support.failure(bad).hasPrefix("the answer is not JSON: invalid UTF-8"))
    }

    @Test func aByteOrderMarkBeforeTheSampleIsAccepted() throws {
        let (snapshot, _) = try Support.snapshot([0xEF, 0xBB, 0xBF] + (try Support.sampleBytes()))
        #expect(snapshot == (try Self.expectedSample()))
    }

    // MARK: Fields through the grammar, with warning paths

    /// A data object with one line whose `field` holds `json`, after two well-formed lines.
    private func lineAnswer(field: String, json: String) -> [UInt8] {
        Support.answer(
            data: #"""
                {"caller_line_list":[{"line_id":"a"},{"line_id":"b"},{"line_id":"c","\#(field)":\#(json)}]}
                """#)
    }

    struct FieldCase: Sendable, CustomTestStringConvertible {
        var field: String
        var json: String
        var warning: DecodeWarning?
        var testDescription: String { "\(field) = \(json)" }
    }

    static let lineCases: [FieldCase] = [
        FieldCase(field: "line_concurrency", json: "10", warning: nil),
        FieldCase(field: "line_concurrency", json: #""10""#, warning: nil),
        FieldCase(field: "line_concurrency", json: "null", warning: nil),
        FieldCase(field: "line_concurrency", json: #""""#, warning: nil),
        FieldCase(
            field: "line_concurrency", json: "10.5",
            warning: DecodeWarning(
                path: "caller_line_list[2].line_concurrency", value: "10.5", problem: ValueGrammar.hasFraction)),
        FieldCase(
            field: "line_concurrency", json: #""ten""#,
            warning: DecodeWarning(
                path: "caller_line_list[2].line_concurrency", value: "ten", problem: ValueGrammar.notAnInteger)),
        FieldCase(
            field: "line_concurrency", json: "1" + String(repeating: "0", count: 30),
            warning: DecodeWarning(
                path: "caller_line_list[2].line_concurrency", value: "1" + String(repeating: "0", count: 30),
                problem: ValueGrammar.beyond64Bits)),
        FieldCase(
            field: "residue", json: "true",
            warning: DecodeWarning(
                path: "caller_line_list[2].residue", value: "true", problem: ValueGrammar.notAnInteger)),
        FieldCase(
            field: "residue", json: #"{"n": [1, "2"]}"#,
            warning: DecodeWarning(
                path: "caller_line_list[2].residue", value: #"{"n":[1,"2"]}"#, problem: ValueGrammar.notAnInteger)),
        FieldCase(field: "available_at", json: #""2025-11-28 00:00:00""#, warning: nil),
        FieldCase(field: "available_at", json: #""0000-00-00 00:00:00""#, warning: nil),
        FieldCase(field: "available_at", json: #""""#, warning: nil),
        FieldCase(field: "available_at", json: "null", warning: nil),
        FieldCase(
            field: "available_at", json: #""2027-02-30 00:00:00""#,
            warning: DecodeWarning(
                path: "caller_line_list[2].available_at", value: "2027-02-30 00:00:00",
                problem: PayloadDateReader.impossible)),
        FieldCase(
            field: "available_at", json: #""永久""#,
            warning: DecodeWarning(
                path: "caller_line_list[2].available_at", value: "永久", problem: PayloadDateReader.notADate)),
        FieldCase(
            field: "available_at", json: "1764259200",
            warning: DecodeWarning(
                path: "caller_line_list[2].available_at", value: "1764259200", problem: PayloadDateReader.notAString)),
        FieldCase(field: "remark", json: "[1,2]", warning: nil),
        FieldCase(field: "new_line", json: "[]", warning: nil),
        FieldCase(field: "new_line", json: #""x""#, warning: nil),
        FieldCase(field: "new_line", json: #"{"node":"fs-node1"}"#, warning: nil),
    ]

    @Test("line fields: warnings and their paths", arguments: lineCases)
    func lineFields(fieldCase: FieldCase) throws {
        let (snapshot, warnings) = try Support.snapshot(lineAnswer(field: fieldCase.field, json: fieldCase.json))
        #expect(snapshot.lines.map(\.lineID) == ["a", "b", "c"])
        #expect(warnings == (fieldCase.warning.map { [$0] } ?? []))
    }

    static let groupCases: [FieldCase] = [
        FieldCase(field: "id", json: #""7""#, warning: nil),
        FieldCase(
            field: "id", json: #""g-7""#,
            warning: DecodeWarning(path: "outbound_group[1].id", value: "g-7", problem: ValueGrammar.notAnInteger)),
        FieldCase(
            field: "speed", json: "50.5",
            warning: DecodeWarning(path: "outbound_group[1].speed", value: "50.5", problem: ValueGrammar.hasFraction)),
        FieldCase(
            field: "volume", json: "[]",
            warning: DecodeWarning(path: "outbound_group[1].volume", value: "[]", problem: ValueGrammar.notAnInteger)),
        FieldCase(field: "is_active", json: #""1""#, warning: nil),
        FieldCase(field: "is_active", json: "null", warning: nil),
        FieldCase(
            field: "is_active", json: "2",
            warning: DecodeWarning(path: "outbound_group[1].is_active", value: "2", problem: ValueGrammar.notAFlag)),
        FieldCase(
            field: "is_active", json: #""yes""#,
            warning: DecodeWarning(path: "outbound_group[1].is_active", value: "yes", problem: ValueGrammar.notAFlag)),
        FieldCase(
            field: "debug", json: #""""#,
            warning: DecodeWarning(path: "outbound_group[1].debug", value: "", problem: ValueGrammar.notAFlag)),
        FieldCase(field: "deleted_at", json: #""garbage""#, warning: nil),
        FieldCase(field: "exclusive_asr", json: "{}", warning: nil),
        FieldCase(field: "name", json: "12.0", warning: nil),
    ]

    @Test("script group fields: warnings and their paths", arguments: groupCases)
    func groupFields(fieldCase: FieldCase) throws {
        let data = #"{"outbound_group":[{"id":1},{"\#(fieldCase.field)":\#(fieldCase.json)}]}"#
        let (snapshot, warnings) = try Support.snapshot(Support.answer(data: data))
        #expect(snapshot.scriptGroups.count == 2)
        #expect(warnings == (fieldCase.warning.map { [$0] } ?? []))
    }

    static let ruleCases: [FieldCase] = [
        FieldCase(
            field: "number_status", json: #""six""#,
            warning: DecodeWarning(
                path: "auto_recycle_rules[0].details[2].number_status", value: "six", problem: ValueGrammar.notAnInteger
            )),
        FieldCase(
            field: "time", json: "-1.5",
            warning: DecodeWarning(
                path: "auto_recycle_rules[0].details[2].time", value: "-1.5", problem: ValueGrammar.hasFraction)),
        FieldCase(
            field: "rule_id", json: "false",
            warning: DecodeWarning(
                path: "auto_recycle_rules[0].details[2].rule_id", value: "false", problem: ValueGrammar.notAnInteger)),
        FieldCase(field: "number_status", json: #"" 6 ""#, warning: nil),
        FieldCase(field: "number_status_str", json: "null", warning: nil),
    ]

    @Test("recycle detail fields: warnings and their paths", arguments: ruleCases)
    func detailFields(fieldCase: FieldCase) throws {
        let data = #"""
            {"auto_recycle_rules":[{"id":1,"status":true,"details":[{"number_status":1},{"number_status":2},{"\#(fieldCase.field)":\#(fieldCase.json)}]}]}
            """#
        let (snapshot, warnings) = try Support.snapshot(Support.answer(data: data))
        #expect(snapshot.recycleRules.first?.details.count == 3)
        #expect(warnings == (fieldCase.warning.map { [$0] } ?? []))
    }

    @Test func ruleAndTopLevelFieldWarnings() throws {
        let data = #"""
            {"auto_recycle_rules":[{"id":"x","status":"enabled","is_default":3,"name":"r"}],"max_recycle_limit":"fifty"}
            """#
        let (snapshot, warnings) = try Support.snapshot(Support.answer(data: data))
        let rule = try #require(snapshot.recycleRules.first)
        #expect(rule.id == nil && rule.status == nil && rule.isDefault == nil && rule.name == "r")
        #expect(!rule.isEnabled)
        #expect(snapshot.maxRecycleLimit == nil)
        #expect(
            warnings == [
                DecodeWarning(path: "auto_recycle_rules[0].id", value: "x", problem: ValueGrammar.notAnInteger),
                DecodeWarning(path: "auto_recycle_rules[0].status", value: "enabled", problem: ValueGrammar.notAFlag),
                DecodeWarning(path: "auto_recycle_rules[0].is_default", value: "3", problem: ValueGrammar.notAFlag),
                DecodeWarning(path: "max_recycle_limit", value: "fifty", problem: ValueGrammar.notAnInteger),
            ])
    }

    @Test func allFieldsOfALine() throws {
        let data = #"""
            {"caller_line_list":[{"name":"alias","remark":null,"line_id":123,"belong_user":true,
              "line_concurrency":"30","residue":" 12 ","available_at":"2026-01-01T00:00:00+08:00",
              "new_line":{"name":"线路A","type":1,"type_str":"外部线路","bind_type_str":"IP","node":{"name":"fs-node2"},"extra":[1]}}]}
            """#
        let (snapshot, warnings) = try Support.snapshot(Support.answer(data: data))
        #expect(warnings == [])
        var expected = LineRecord(lineID: "123")
        expected.name = "线路A"
        expected.remark = ""
        expected.belongUser = "true"
        expected.lineType = "外部线路"
        expected.bindType = "IP"
        expected.node = "fs-node2"
        expected.concurrency = 30
        expected.residue = 12
        expected.availableAt = try Support.utc(2025, 12, 31, 16)
        #expect(snapshot.lines == [expected])
    }

    @Test func allFieldsOfAScriptGroup() throws {
        let data = #"""
            {"outbound_group":[
              {"id":"5","name":"组","exclusive_asr":"  ","exclusive_tts":null,"big_model_type":" llm ","is_active":"true",
               "deleted_at":"2025-01-01 00:00:00","debug":0,"speed":"-3","volume":100.0},
              {"id":6,"is_active":true,"deleted_at":"0000-00-00 00:00:00"},
              {"id":7}]}
            """#
        let (snapshot, warnings) = try Support.snapshot(Support.answer(data: data))
        #expect(warnings == [])
        var deleted = ScriptGroupRecord()
        deleted.id = 5
        deleted.name = "组"
        deleted.llm = " llm "
        deleted.activeFlag = true
        deleted.deleted = true
        deleted.debug = false
        deleted.speed = -3
        deleted.volume = 100
        var active = ScriptGroupRecord()
        active.id = 6
        active.activeFlag = true
        var missing = ScriptGroupRecord()
        missing.id = 7
        #expect(snapshot.scriptGroups == [deleted, active, missing])
        #expect(snapshot.scriptGroups.map(\.isActive) == [false, true, false])
    }

    // MARK: Lines: ids and duplicates

    @Test(
        "a line with no usable line_id is skipped with a warning",
        arguments: [
            (#"{"remark":"no id"}"#, ""), (#"{"line_id":null}"#, "null"), (#"{"line_id":""}"#, ""),
            (#"{"line_id":"   "}"#, "   "), (#"{"line_id":{"id":"x"}}"#, #"{"id":"x"}"#), (#"{"line_id":[]}"#, "[]"),
        ])
    func linesWithoutAnID(line: String, value: String) throws {
        let data = #"{"caller_line_list":[{"line_id":"a"},\#(line),{"line_id":"b"}]}"#
        let (snapshot, warnings) = try Support.snapshot(Support.answer(data: data))
        #expect(snapshot.lines.map(\.lineID) == ["a", "b"])
        #expect(
            warnings == [
                DecodeWarning(
                    path: "caller_line_list[1].line_id", value: value, problem: "line has no line_id; skipped")
            ])
    }

    @Test func aLineListedTwiceKeepsItsFirstEntry() throws {
        let data = #"""
            {"caller_line_list":[
              {"line_id":"L1","line_concurrency":5,"remark":"first"},
              {"line_id":"L2"},
              {"line_id":"L1","line_concurrency":"bad","remark":"second","available_at":"nope"},
              {"line_id":7},{"line_id":"7"}]}
            """#
        let (snapshot, warnings) = try Support.snapshot(Support.answer(data: data))
        #expect(snapshot.lines.map(\.lineID) == ["L1", "L2", "7"])
        #expect(snapshot.lines.first?.remark == "first")
        #expect(snapshot.lines.first?.concurrency == 5)
        #expect(warnings == [])  // the dropped entry is not read
    }

    @Test func lineIDsAreComparedByUnicodeScalars() throws {
        // "é" precomposed and "e" + combining acute are canonically equivalent but distinct ids.
        let data =
            #"{"caller_line_list":[{"line_id":"\u00e9","remark":"e\u0301"},{"line_id":"e\u0301","remark":"\u00e9"}]}"#
        let (snapshot, warnings) = try Support.snapshot(Support.answer(data: data))
        #expect(warnings == [])
        #expect(snapshot.lines.count == 2)
        #expect(snapshot.lines.map { Array($0.lineID.unicodeScalars) } == [["\u{E9}"], ["e", "\u{301}"]])
        #expect(snapshot.lines.map { $0.remark.unicodeScalars.count } == [2, 1])
    }

    @Test func nonObjectListElementsAreSkippedWithAWarning() throws {
        let data = #"""
            {"caller_line_list":[null,{"line_id":"a"},"b"],"outbound_group":[1,{"id":2}],
             "auto_recycle_rules":[{"id":1,"details":[[6],{"number_status":6}]},false]}
            """#
        let (snapshot, warnings) = try Support.snapshot(Support.answer(data: data))
        #expect(snapshot.lines.map(\.lineID) == ["a"])
        #expect(snapshot.scriptGroups.map(\.id) == [2])
        #expect(snapshot.recycleRules.count == 1)
        #expect(snapshot.recycleRules.first?.details.map(\.numberStatus) == [6])
        #expect(
            warnings == [
                DecodeWarning(path: "caller_line_list[0]", value: "null", problem: "not an object; skipped"),
                DecodeWarning(path: "caller_line_list[2]", value: "b", problem: "not an object; skipped"),
                DecodeWarning(path: "outbound_group[0]", value: "1", problem: "not an object; skipped"),
                DecodeWarning(
                    path: "auto_recycle_rules[0].details[0]", value: "[6]", problem: "not an object; skipped"),
                DecodeWarning(path: "auto_recycle_rules[1]", value: "false", problem: "not an object; skipped"),
            ])
    }

    // MARK: The drift of real answers (task-create-api.md)

    @Test func flagsInEveryForm() throws {
        let data = #"""
            {"auto_recycle_rules":[
              {"id":1,"status":true,"is_default":false},{"id":2,"status":1,"is_default":0},
              {"id":3,"status":"1","is_default":"0"},{"id":4,"status":"true","is_default":"false"},
              {"id":5,"status":null},{"id":6}]}
            """#
        let (snapshot, warnings) = try Support.snapshot(Support.answer(data: data))
        #expect(warnings == [])
        #expect(snapshot.recycleRules.map(\.status) == [true, true, true, true, nil, nil])
        #expect(snapshot.recycleRules.map(\.isDefault) == [false, false, false, false, nil, nil])
        #expect(snapshot.recycleRules.map(\.isEnabled) == [true, true, true, true, false, false])
    }

    @Test func integersAsNumericStrings() throws {
        let data =
            #"{"max_recycle_limit":"50","caller_line_list":[{"line_id":"a","line_concurrency":"50","residue":"-2"}]}"#
        let (snapshot, warnings) = try Support.snapshot(Support.answer(data: data))
        #expect(warnings == [])
        #expect(snapshot.maxRecycleLimit == 50)
        #expect(snapshot.lines.first?.concurrency == 50)
        #expect(snapshot.lines.first?.residue == -2)
    }

    @Test func nullsAndMissingKeysEverywhere() throws {
        let data = #"""
            {"caller_line_list":[{"line_id":"a","name":null,"remark":null,"belong_user":null,"line_concurrency":null,
              "residue":null,"available_at":null,"new_line":null}],
             "outbound_group":[{}],"auto_recycle_rules":[{"details":null}],"max_recycle_limit":null,
             "end_actions":null,"task_dial_times":null}
            """#
        let (snapshot, warnings) = try Support.snapshot(Support.answer(data: data))
        #expect(warnings == [])
        #expect(snapshot.lines == [LineRecord(lineID: "a")])
        #expect(snapshot.scriptGroups == [ScriptGroupRecord()])
        #expect(snapshot.recycleRules == [RecycleRuleRecord()])
        #expect(snapshot.maxRecycleLimit == nil)
        let (empty, noWarnings) = try Support.snapshot(Support.answer(data: "{}"))
        #expect(empty == AccountSnapshot())
        #expect(noWarnings == [])
    }

    @Test func emptyMapsAsPHPArraysAndMapsAsObjects() throws {
        let data = #"""
            {"end_actions":[],"caller_line_list":{"0":{"line_id":"a"},"3":{"line_id":"b","new_line":[]}},
             "outbound_group":{},"auto_recycle_rules":{"0":{"id":1,"details":{"0":{"number_status":6},"1":{"number_status":"x"}}}},
             "big_model_labels":{}}
            """#
        let (snapshot, warnings) = try Support.snapshot(Support.answer(data: data))
        #expect(snapshot.lines.map(\.lineID) == ["a", "b"])
        #expect(snapshot.scriptGroups == [])
        #expect(snapshot.recycleRules.first?.details.map(\.numberStatus) == [6, nil])
        // Indexes are positions in the list, 0-based.
        #expect(
            warnings == [
                DecodeWarning(
                    path: "auto_recycle_rules[0].details[1].number_status", value: "x",
                    problem: ValueGrammar.notAnInteger)
            ])
    }

    @Test func listFieldsHoldingScalarsAreEmptyWithoutWarning() throws {
        let data = #"{"caller_line_list":"none","outbound_group":0,"auto_recycle_rules":null,"max_recycle_limit":1}"#
        let (snapshot, warnings) = try Support.snapshot(Support.answer(data: data))
        #expect(snapshot == AccountSnapshot(maxRecycleLimit: 1))
        #expect(warnings == [])
    }

    @Test func datesInEveryDriftedForm() throws {
        let data = #"""
            {"caller_line_list":[{"line_id":"a","available_at":"0000-00-00 00:00:00"},{"line_id":"b","available_at":""},
              {"line_id":"c","available_at":"2025-11-28T00:00:00+08:00"},{"line_id":"d","available_at":"2025-11-28 00:00:00"},
              {"line_id":"e","available_at":"2027-02-30 00:00:00"}]}
            """#
        let (snapshot, warnings) = try Support.snapshot(Support.answer(data: data))
        let expiry = try Support.utc(2025, 11, 27, 16)
        #expect(snapshot.lines.map(\.availableAt) == [nil, nil, expiry, expiry, nil])
        #expect(warnings.map(\.path) == ["caller_line_list[4].available_at"])
    }

    @Test func unknownExtraFieldsAnywhereAreIgnored() throws {
        let data = #"""
            {"zzz":{"deep":[[[{"x":[1,2,{"y":null}]}]]]},"caller_line_list":[{"line_id":"a","extra":{"k":[1]},
              "new_line":{"node":{"name":"n","ip":"10.0.0.1"},"more":true}}],"outbound_group":[{"id":1,"custom":[{}]}],
             "auto_recycle_rules":[{"id":1,"configs":[{"a":1}],"details":[{"number_status":6,"x":"y"}]}],"extra":1e999}
            """#
        let body = #"{"trace_id":"abc","code":200,"message":"ok","data":\#(data),"time":1.5}"#
        let (snapshot, warnings) = try Support.snapshot(Array(body.utf8))
        #expect(warnings == [])
        #expect(snapshot.lines.first?.node == "n")
        #expect(snapshot.scriptGroups.map(\.id) == [1])
        #expect(snapshot.recycleRules.first?.details.first?.numberStatus == 6)
    }

    @Test func textInAnyScriptIsKeptAsReceived() throws {
        let texts = [
            "中文线路", "😀🎉👨‍👩‍👧", "עברית ومرحبا", "=SUM(A1:A2)", "+1", "-2", "@cmd", "a|b", "tab\there",
            "line\nbreak\r\n", "e\u{301}", "\u{E9}", "\u{200F}rtl\u{202E}", "\u{0}nul",
        ]
        for text in texts {
            let encoded = JSONValue.string(text).compactJSON
            let data =
                #"{"caller_line_list":[{"line_id":\#(encoded),"remark":\#(encoded),"new_line":{"name":\#(encoded)}}]}"#
            let (snapshot, warnings) = try Support.snapshot(Support.answer(data: data))
            #expect(warnings == [])
            let line = try #require(snapshot.lines.first)
            #expect(Array(line.lineID.unicodeScalars) == Array(text.unicodeScalars))
            #expect(Array(line.remark.unicodeScalars) == Array(text.unicodeScalars))
            #expect(Array(line.name.unicodeScalars) == Array(text.unicodeScalars))
        }
    }

    @Test func veryLongStringsAreKeptWholeButCutInWarnings() throws {
        let long = String(repeating: "线路", count: 50_000)  // 100,000 scalars
        let data =
            #"{"caller_line_list":[{"line_id":"a","remark":"\#(long)","available_at":"\#(long)"}],"unused":"\#(long)"}"#
        let (snapshot, warnings) = try Support.snapshot(Support.answer(data: data))
        #expect(snapshot.lines.first?.remark.unicodeScalars.count == 100_000)
        #expect(warnings.count == 1)
        #expect(warnings.first?.value.unicodeScalars.count == 200)
        #expect(warnings.first?.value == String(repeating: "线路", count: 100))
    }

    @Test func oneMalformedFieldNeverLosesTheAccount() throws {
        var sample = String(decoding: try Support.sampleBytes(), as: UTF8.self)
        sample = sample.replacingOccurrences(of: #""line_concurrency": 1"#, with: #""line_concurrency": "一""#)
        sample = sample.replacingOccurrences(
            of: #""available_at": "2025-11-28 00:00:00""#, with: #""available_at": "2025-11-31 00:00:00""#)
        let (snapshot, warnings) = try Support.snapshot(Array(sample.utf8))
        var expected = try Self.expectedSample()
        expected.lines[0].concurrency = nil
        expected.lines[0].availableAt = nil
        #expect(snapshot == expected)
        #expect(
            warnings == [
                DecodeWarning(
                    path: "caller_line_list[0].line_concurrency", value: "一", problem: ValueGrammar.notAnInteger),
                DecodeWarning(
                    path: "caller_line_list[0].available_at", value: "2025-11-31 00:00:00",
                    problem: PayloadDateReader.impossible),
            ])
    }

    @Test func deepNestingInAFieldFailsCleanly() throws {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        let failure = try Support.failure(Support.answer(data: #"{"max_recycle_limit":\#(deep)}"#))
        #expect(failure.hasPrefix("the answer is not JSON: nesting deeper than 256 levels"))
        // Within the limit it is just a value that is no integer.
        let shallow = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        let (_, warnings) = try Support.snapshot(Support.answer(data: #"{"max_recycle_limit":\#(shallow)}"#))
        #expect(warnings.map(\.problem) == [ValueGrammar.notAnInteger])
        #expect(warnings.first?.value == String(shallow.prefix(200)))
    }
}
