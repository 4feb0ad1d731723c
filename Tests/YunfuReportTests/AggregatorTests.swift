import Foundation
import Testing

@testable import YunfuReport

/// Plain-value builders for the aggregation tests.
enum Plain {
    static let shanghai = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
    /// 2026-11-25 00:00:00 +08:00
    static let asOf = Date(timeIntervalSince1970: 1_795_536_000)

    static func settings() -> ReportSettings {
        ReportSettings(outputRoot: URL(fileURLWithPath: "/tmp/unused"))
    }

    static func account(_ user: String, _ sub: String? = nil, order: Int, label: String = "") -> AccountRef {
        AccountRef(id: AccountID(userID: user, subUserID: sub), label: label, order: order)
    }

    static func line(
        _ id: String, concurrency: Int64? = 10, residue: Int64? = 5, at: Date? = nil, node: String = "fs-node1",
        name: String = ""
    ) -> LineRecord {
        LineRecord(lineID: id, name: name, node: node, concurrency: concurrency, residue: residue, availableAt: at)
    }

    static func rule(_ id: Int64?, enabled: Bool? = true, statuses: [(Int64, Int64?)]) -> RecycleRuleRecord {
        RecycleRuleRecord(
            id: id, status: enabled,
            details: statuses.map { RecycleDetail(ruleID: id, numberStatus: $0.0, time: $0.1) })
    }

    static func ok(_ account: AccountRef, _ snapshot: AccountSnapshot, warnings: [DecodeWarning] = []) -> AccountResult {
        AccountResult(account: account, attempts: 1, outcome: .ok(snapshot, warnings: warnings))
    }

    static func failed(_ account: AccountRef, _ error: String = "HTTP 503") -> AccountResult {
        AccountResult(account: account, attempts: 5, outcome: .failed(FailureReason(recorded: error)))
    }

    static func snapshot(
        lines: [LineRecord] = [], groups: [ScriptGroupRecord] = [],
        rules: [RecycleRuleRecord] = [rule(1, statuses: [(6, 0)])]
    ) -> AccountSnapshot {
        AccountSnapshot(lines: lines, scriptGroups: groups, recycleRules: rules, maxRecycleLimit: 50)
    }

    static func build(_ results: [AccountResult], asOf: Date = asOf, settings: ReportSettings = settings()) -> Report {
        ReportPath.report(results: results, settings: settings, asOf: asOf)
    }

    static func checks(_ report: Report, objectID: String? = nil) -> [CheckID] {
        report.findings.filter { objectID == nil || $0.objectID == objectID }.map(\.checkID)
    }
}

@Suite("Aggregation on plain values")
struct AggregatorTests {
    let a = Plain.account("u1", order: 0, label: "华东")
    let b = Plain.account("u1", "s1", order: 1, label: "华东")

    @Test(arguments: [
        // (seconds after as of, expected status, expected days)
        (-86_400, .expired, -1),
        (-1, .expired, -1),
        (0, .expired, 0),
        (1, .soon, 0),
        (7 * 86_400 - 1, .soon, 6),
        (7 * 86_400, .upcoming, 7),
        (7 * 86_400 + 1, .upcoming, 7),
        (30 * 86_400 - 1, .upcoming, 29),
        (30 * 86_400, .ok, 30),
        (30 * 86_400 + 1, .ok, 30),
    ] as [(Double, ExpiryStatus, Int64)])
    func expiryStatusAtItsBoundaries(offset: Double, status: ExpiryStatus, days: Int64) throws {
        let at = Plain.asOf.addingTimeInterval(offset)
        let report = Plain.build([Plain.ok(a, Plain.snapshot(lines: [Plain.line("L", at: at)]))])
        let line = try #require(report.lines.first)
        #expect(line.expiryStatus == status)
        #expect(line.daysToExpiry == days)
        let expected = Self.check(for: status)
        let lineChecks: [CheckID] = Plain.checks(report, objectID: "L")
        let wanted: [CheckID] = expected.map { [$0] } ?? []
        #expect(lineChecks == wanted)
    }

    static func check(for status: ExpiryStatus) -> CheckID? {
        switch status {
        case .expired: .lineExpired
        case .soon: .lineExpiresSoon
        case .upcoming: .lineExpiresUpcoming
        case .unknown: .lineExpiryUnknown
        case .ok: nil
        }
    }

    @Test func daysToExpiryCountsElapsedSecondsAcrossADaylightSavingChange() throws {
        // Europe/Berlin leaves summer time on 2026-10-25: that calendar day has 25 hours.
        let berlin = try #require(TimeZone(identifier: "Europe/Berlin"))
        var settings = Plain.settings()
        settings.timeZone = berlin
        let asOf = DateText.instant(.init(year: 2026, month: 10, day: 24, hour: 12, minute: 0, second: 0), in: berlin)
        // Same wall-clock time 7 calendar days later is 7 × 86 400 + 3 600 s later: still 7 days.
        let later = DateText.instant(.init(year: 2026, month: 10, day: 31, hour: 12, minute: 0, second: 0), in: berlin)
        // 11:00 a week later is exactly 7 × 86 400 s: 7 days, upcoming.
        let exact = later.addingTimeInterval(-3600)
        // 10:59:59 is 1 s short of 7 days of elapsed time: 6 days, soon.
        let short = exact.addingTimeInterval(-1)
        let report = ReportPath.report(
            results: [
                Plain.ok(a, Plain.snapshot(lines: [
                    Plain.line("later", at: later), Plain.line("exact", at: exact), Plain.line("short", at: short),
                ]))
            ], settings: settings, asOf: asOf)
        let byID = Dictionary(uniqueKeysWithValues: report.lines.map { ($0.lineID, $0) })
        #expect(byID["later"]?.daysToExpiry == 7)
        #expect(byID["exact"]?.daysToExpiry == 7)
        #expect(byID["exact"]?.expiryStatus == .upcoming)
        #expect(byID["short"]?.daysToExpiry == 6)
        #expect(byID["short"]?.expiryStatus == .soon)
    }

    @Test func unknownExpiryIsLowAndSortsLast() {
        let report = Plain.build([
            Plain.ok(a, Plain.snapshot(lines: [
                Plain.line("Z", at: nil), Plain.line("B", at: Plain.asOf.addingTimeInterval(40 * 86_400)),
                Plain.line("A", at: Plain.asOf.addingTimeInterval(40 * 86_400)),
            ]))
        ])
        #expect(report.lines.map(\.lineID) == ["A", "B", "Z"])
        #expect(report.lines.last?.expiryStatus == .unknown)
        #expect(Plain.checks(report, objectID: "Z") == [.lineExpiryUnknown])
    }

    @Test(arguments: [
        // concurrency, residue, saturated, capacity invalid, in_use, utilization text
        (Int64?(10), Int64?(0), true, false, Int64?(10), "1"),
        (10, -2, true, true, 12, "1.2"),
        (10, 12, false, true, -2, "-0.2"),
        (0, 0, false, false, 0, ""),
        (0, -1, false, true, 1, ""),
        (3, 2, false, false, 1, "0.3333"),
        (4, 1, false, false, 3, "0.75"),
        (nil, 3, false, true, nil, ""),
        (5, nil, false, true, nil, ""),
        (-5, -6, false, true, 1, ""),
    ] as [(Int64?, Int64?, Bool, Bool, Int64?, String)])
    func capacityChecks(concurrency: Int64?, residue: Int64?, saturated: Bool, invalid: Bool, inUse: Int64?, utilization: String) throws {
        let report = Plain.build([
            Plain.ok(a, Plain.snapshot(lines: [
                Plain.line("L", concurrency: concurrency, residue: residue, at: Plain.asOf.addingTimeInterval(90 * 86_400))
            ]))
        ])
        let line = try #require(report.lines.first)
        #expect(line.inUse == inUse)
        let text = line.utilization.map { ReportCSV.formatFraction($0.numerator, over: $0.denominator) } ?? ""
        #expect(text == utilization)
        let checks = Plain.checks(report, objectID: "L")
        #expect(checks.contains(.lineSaturated) == saturated)
        #expect(checks.contains(.lineCapacityInvalid) == invalid)
    }

    @Test func linesSeenByManyAccountsMerge() throws {
        let early = Plain.asOf.addingTimeInterval(3 * 86_400)
        let late = Plain.asOf.addingTimeInterval(60 * 86_400)
        let report = Plain.build([
            Plain.ok(a, Plain.snapshot(lines: [
                LineRecord(lineID: "L", name: "", remark: "first remark", concurrency: 10, residue: 4, availableAt: late),
                LineRecord(lineID: "L", name: "duplicate in one view", concurrency: 99, residue: 0, availableAt: nil),
            ])),
            Plain.ok(b, Plain.snapshot(lines: [
                LineRecord(lineID: "L", name: "线路名", remark: "second", node: "fs-node2", concurrency: 20, residue: 6, availableAt: early)
            ])),
        ])
        let line = try #require(report.lines.first)
        #expect(report.lines.count == 1)
        #expect(line.concurrency == 20)
        #expect(line.residue == 4)
        #expect(line.availableAt == early)
        #expect(line.name == "线路名")
        #expect(line.remark == "first remark")
        #expect(line.node == "fs-node2")
        #expect(line.accountKeys == ["u1", "u1/s1"])
        // The duplicate entry in one view counts once, with its first entry.
        #expect(report.accounts[0].lines == 1)
        #expect(report.accounts[0].totalConcurrency == 10)
    }

    @Test func failedAccountsReportOnlyTheirFailure() throws {
        let report = Plain.build([Plain.failed(a, "code 401: 未授权"), Plain.ok(b, Plain.snapshot())])
        let row = try #require(report.accounts.first)
        #expect(!row.ok)
        #expect(row.lines == nil && row.scriptGroups == nil && row.maxRecycleLimit == nil)
        #expect(row.warnings == 0 && row.attempts == 5)
        let fetch = report.findings.filter { $0.checkID == .fetchFailed }
        #expect(fetch.count == 1)
        #expect(fetch.first?.objectID == "u1")
        #expect(fetch.first?.severity == .critical)
        // The ok account with no line is ACCOUNT_NO_LINES.
        #expect(report.findings.contains { $0.checkID == .accountNoLines && $0.objectID == "u1/s1" })
    }

    @Test func recycleCoverageOverTheStatusUniverse() throws {
        var settings = Plain.settings()
        settings.requiredRecycleStatuses = [6, 9]
        settings.statusNames = [9: "空号"]
        let report = Plain.build(
            [
                Plain.ok(a, Plain.snapshot(rules: [
                    Plain.rule(3, statuses: [(6, 30), (1, 10)]),
                    Plain.rule(2, statuses: [(6, 5)]),
                    Plain.rule(7, enabled: false, statuses: [(4, 1)]),
                ])),
                Plain.ok(b, Plain.snapshot(rules: [Plain.rule(1, enabled: nil, statuses: [(6, 0)])])),
            ], settings: settings)
        #expect(report.statuses.map(\.status) == [1, 4, 6, 9])
        #expect(report.statuses.first { $0.status == 9 }?.name == "空号")
        let aSix = try #require(report.coverage.first { $0.account == a && $0.status == 6 })
        #expect(aSix.covered && aSix.ruleIDs == [2, 3] && aSix.redialAfterMinutes == 5)
        let aFour = try #require(report.coverage.first { $0.account == a && $0.status == 4 })
        #expect(!aFour.covered && aFour.redialAfterMinutes == nil)
        // b's only rule has no status: not enabled.
        #expect(report.findings.contains { $0.checkID == .accountNoRecycle && $0.objectID == "u1/s1" })
        let uncovered = report.findings.filter { $0.checkID == .recycleStatusUncovered }.map { "\($0.accountKeys[0]):\($0.objectID)" }
        #expect(uncovered == ["u1/s1:6", "u1:9", "u1/s1:9"])
        #expect(report.coverage.count == 8)
    }

    @Test func scriptGroupsEnginesAndTheirChecks() {
        let groups = [
            ScriptGroupRecord(id: 10, name: "b", asr: "aliYun1", tts: "", llm: "qwen", activeFlag: true, debug: true),
            ScriptGroupRecord(id: 2, name: "a", asr: "  ", tts: "v1", activeFlag: true, debug: false),
            ScriptGroupRecord(id: 3, name: "deleted", asr: "aliYun1", tts: "v1", activeFlag: true, deleted: true, debug: true),
            ScriptGroupRecord(id: nil, name: "no id", asr: "aliYun1", tts: "v1", activeFlag: nil),
        ]
        let results = [Plain.ok(a, Plain.snapshot(groups: groups)), Plain.ok(b, Plain.snapshot(groups: [groups[0]]))]
        let report = Plain.build(results)
        let rows = ReportPath.scriptGroupRows(results)
        #expect(rows.filter { $0.account == a }.map(\.groupID) == [2, 3, 10, nil])
        #expect(rows.first { $0.groupID == 2 }?.asr == "")
        #expect(report.scriptGroupCount == 5 && report.activeScriptGroupCount == 3)
        let asr = report.engines.filter { $0.kind == .asr }
        #expect(asr.map(\.engine) == ["aliYun1", ""])
        #expect(asr.first?.scriptGroups == 4 && asr.first?.activeScriptGroups == 2 && asr.first?.accounts == 2)
        #expect(report.engines.map(\.kind.rawValue) == ["asr", "asr", "tts", "tts", "llm", "llm"])
        let debug = report.findings.filter { $0.checkID == .scriptGroupDebug }
        #expect(debug.map(\.objectID) == ["10", "10"])
        #expect(debug.map { $0.accounts[0].order } == [0, 1])
        let unset = report.findings.filter { $0.checkID == .scriptGroupEngineUnset }.map(\.objectID)
        #expect(unset == ["2", "10", "10"])
        #expect(report.accounts[0].activeScriptGroups == 2)
    }

    /// The messages are composed when read, from the check, the object, the first account and
    /// the finding's detail (issue 6: tens of thousands of them were held as text): each check's
    /// sentence, word for word.
    @Test func everyChecksMessageWordForWord() {
        let day: TimeInterval = 86_400
        var settings = Plain.settings()
        settings.statusNames = [6: "关机"]
        let c = Plain.account("u2", order: 2)
        let report = Plain.build(
            [
                Plain.ok(a, Plain.snapshot(
                    lines: [
                        Plain.line("L-old", at: Plain.asOf.addingTimeInterval(-3 * day)),
                        Plain.line("L-today", at: Plain.asOf),
                        Plain.line("L-90min", at: Plain.asOf.addingTimeInterval(-5_400)),
                        Plain.line("L-one", at: Plain.asOf.addingTimeInterval(-day)),
                        Plain.line("L-soon", at: Plain.asOf.addingTimeInterval(3 * day + 5)),
                        Plain.line("L-hours", at: Plain.asOf.addingTimeInterval(3_600)),
                        Plain.line("L-up", at: Plain.asOf.addingTimeInterval(12 * day + 5)),
                        Plain.line("L-none", residue: 0, at: nil),
                        Plain.line("L-bad", residue: 12, at: Plain.asOf.addingTimeInterval(90 * day)),
                    ],
                    groups: [
                        ScriptGroupRecord(id: 7, name: "g", asr: "", tts: "", activeFlag: true, debug: true),
                        ScriptGroupRecord(id: 8, name: "h", asr: "aliYun1", tts: "", activeFlag: true),
                    ],
                    rules: [])),
                Plain.ok(b, Plain.snapshot()),
                Plain.failed(c, "HTTP 503"),
            ], settings: settings)
        let messages = report.findings.map { "\($0.checkID.rawValue) \($0.objectID): \($0.message)" }
        #expect(report.lines.first { $0.lineID == "L-90min" }?.daysToExpiry == -1)
        #expect(messages == [
            "FETCH_FAILED u2: Account u2 could not be fetched: HTTP 503.",
            // 1.5 hours ago: days_to_expiry is −1 (floored), the sentence says less than a day.
            "LINE_EXPIRED L-90min: Line L-90min expired less than a day ago.",
            "LINE_EXPIRED L-old: Line L-old expired 3 days ago.",
            "LINE_EXPIRED L-one: Line L-one expired 1 day ago.",
            "LINE_EXPIRED L-today: Line L-today expired less than a day ago.",
            "ACCOUNT_NO_LINES u1/s1: Account u1/s1 has no call line.",
            "LINE_EXPIRES_SOON L-hours: Line L-hours expires in less than a day.",
            "LINE_EXPIRES_SOON L-soon: Line L-soon expires in 3 days.",
            "ACCOUNT_NO_RECYCLE u1: Account u1 has no enabled recycle rule.",
            "LINE_EXPIRES_UPCOMING L-up: Line L-up expires in 12 days.",
            "LINE_SATURATED L-none: Line L-none has no concurrency left (0 of 10).",
            "LINE_CAPACITY_INVALID L-bad: Line L-bad: residue 12 exceeds line_concurrency 10.",
            "LINE_EXPIRY_UNKNOWN L-none: Line L-none has no valid expiry date.",
            "RECYCLE_STATUS_UNCOVERED 6: Account u1 has no enabled recycle rule for number status 6 (关机).",
            "SCRIPT_GROUP_DEBUG 7: Script group 7 of account u1 is active in debug mode.",
            "SCRIPT_GROUP_ENGINE_UNSET 7: Script group 7 of account u1 uses the platform default ASR and TTS.",
            "SCRIPT_GROUP_ENGINE_UNSET 8: Script group 8 of account u1 uses the platform default TTS.",
        ])
        // A message set by hand is kept as given, and findings compare by what they say.
        var edited = report.findings[0]
        edited.message = "Account u2 could not be fetched: HTTP 503."
        #expect(edited == report.findings[0])
        edited.message = "other"
        #expect(edited.message == "other" && edited != report.findings[0])
    }

    @Test func findingsSortBySeverityCheckObjectThenAccountOrder() {
        let report = Plain.build([
            Plain.ok(a, Plain.snapshot(lines: [
                Plain.line("10", at: Plain.asOf.addingTimeInterval(-5)), Plain.line("9", at: Plain.asOf.addingTimeInterval(-5)),
                Plain.line("x", at: Plain.asOf.addingTimeInterval(-5)),
            ], rules: [])),
            Plain.failed(b),
        ])
        let order = report.findings.map { "\($0.severity.rawValue):\($0.checkID.rawValue):\($0.objectID)" }
        #expect(order == [
            "critical:FETCH_FAILED:u1/s1",
            "critical:LINE_EXPIRED:9", "critical:LINE_EXPIRED:10", "critical:LINE_EXPIRED:x",
            "medium:ACCOUNT_NO_RECYCLE:u1",
            "low:RECYCLE_STATUS_UNCOVERED:6",
        ])
    }

    @Test func textIsComparedByUnicodeScalarsNotCanonicalEquivalence() {
        // "é" precomposed and "e" + combining acute are different line ids.
        let report = Plain.build([Plain.ok(a, Plain.snapshot(lines: [Plain.line("\u{E9}"), Plain.line("e\u{301}")]))])
        #expect(report.lines.count == 2)
        #expect(report.lines.map { $0.lineID.unicodeScalars.count } == [2, 1])
    }

    @Test func nodesSumTheirDistinctLines() throws {
        let report = Plain.build([
            Plain.ok(a, Plain.snapshot(lines: [
                Plain.line("1", concurrency: 10, residue: 0, at: Plain.asOf.addingTimeInterval(86_400), node: "n2"),
                Plain.line("2", concurrency: 6, residue: 3, node: "n2"),
                Plain.line("3", concurrency: 4, residue: nil, node: ""),
            ])),
            Plain.ok(b, Plain.snapshot(lines: [Plain.line("2", concurrency: 6, residue: 3, node: "n2")])),
        ])
        #expect(report.nodes.map(\.node) == ["", "n2"])
        let n2 = try #require(report.nodes.last)
        #expect(n2.lines == 2 && n2.totalConcurrency == 16 && n2.totalResidue == 3 && n2.inUse == 13)
        #expect(n2.saturatedLines == 1 && n2.expiringLines == 1)
        #expect(n2.utilization.map { ReportCSV.formatFraction($0.numerator, over: $0.denominator) } == "0.8125")
    }

    @Test func warningsSortByPathWithNumericIndexes() {
        let warnings = ["caller_line_list[10].residue", "caller_line_list[2].residue", "auto_recycle_rules[0].id"].map {
            DecodeWarning(path: $0, value: "x", problem: "not an integer")
        }
        let report = Plain.build([Plain.ok(a, Plain.snapshot(), warnings: warnings)])
        #expect(report.warnings.map(\.warning.path) == [
            "auto_recycle_rules[0].id", "caller_line_list[2].residue", "caller_line_list[10].residue",
        ])
        #expect(report.accounts[0].warnings == 3)
    }

    @Test(arguments: [
        ("u", nil, "u"), ("a/b", "c;d", "a%2Fb/c%3Bd"), ("100%", "x", "100%25/x"), ("用户 1", "+", "用户 1/+"),
    ] as [(String, String?, String)])
    func accountKeysEscapeTheirSeparators(user: String, sub: String?, key: String) {
        #expect(AccountID(userID: user, subUserID: sub).key == key)
    }
}
