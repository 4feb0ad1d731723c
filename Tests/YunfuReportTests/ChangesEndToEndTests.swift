import Foundation
import Logging
import Testing
import YunfuSimulator

@testable import YunfuReport

/// Small, exact answer bodies for the simulated platform, so that each change between two nights
/// is one deliberate edit.
enum ChangesFleet {
    struct Line {
        var id: String
        var concurrency: Int = 4
        var residue: Int = 2
        var availableAt: String = "2027-03-01 00:00:00"
    }

    struct Group {
        var id: Int
        var name: String
        var debug: Bool
    }

    /// The name a line is written with (`line_name` = `new_line.name`).
    static func name(_ lineID: String) -> String { "线路" + lineID }

    /// A task-init answer: these lines, these active script groups (engines set), and an enabled
    /// recycle rule covering status 6 when `recycle`.
    static func body(_ lines: [Line], groups: [Group] = [], recycle: Bool = true) -> [UInt8] {
        let lineJSON = lines.map { line in
            """
            {"line_id":"\(line.id)","name":null,"remark":"备注","line_concurrency":\(line.concurrency),\
            "residue":\(line.residue),"available_at":"\(line.availableAt)",\
            "new_line":{"name":"\(name(line.id))","type_str":"外部线路","bind_type_str":"IP","node":{"name":"fs-node1"}}}
            """
        }
        let groupJSON = groups.map { group in
            """
            {"id":\(group.id),"name":"\(group.name)","is_active":1,"debug":\(group.debug ? 1 : 0),\
            "exclusive_asr":"aliYun1","exclusive_tts":"aliyunv2_siyue","deleted_at":null}
            """
        }
        let rules =
            recycle
            ? """
            [{"id":1,"name":"默认重呼规则","status":true,"details":[{"rule_id":1,"number_status":6,"time":30,"number_status_str":"关机"}]}]
            """ : "[]"
        let json = """
            {"code":200,"status":"success","message":"ok","data":{"caller_line_list":[\(lineJSON.joined(separator: ","))],\
            "outbound_group":[\(groupJSON.joined(separator: ","))],"auto_recycle_rules":\(rules),"max_recycle_limit":50}}
            """
        return Array(json.utf8)
    }

    static func ref(_ account: SimAccount, _ label: String, _ order: Int) -> AccountRef {
        AccountRef(id: AccountID(userID: account.userID, subUserID: account.subUserID), label: label, order: order)
    }

    /// 2026-11-24 00:00:00 +08:00: the night before `Plain.asOf`.
    static let night1 = Plain.asOf.addingTimeInterval(-86_400)
    static let night2 = Plain.asOf
}

/// One `changes.csv` row, in column order.
struct ExpectedChange: Equatable, CustomStringConvertible {
    var change, checkID, severity, objectType, objectID, objectName, accounts, before, after: String

    init(
        _ change: String, _ checkID: String, _ severity: String, _ objectType: String, _ objectID: String,
        _ objectName: String, _ accounts: String, _ before: String = "", _ after: String = ""
    ) {
        (self.change, self.checkID, self.severity, self.objectType, self.objectID) =
            (change, checkID, severity, objectType, objectID)
        (self.objectName, self.accounts, self.before, self.after) = (objectName, accounts, before, after)
    }

    init(row: [String: String]) {
        self.init(
            row["change"] ?? "?", row["check_id"] ?? "?", row["severity"] ?? "?", row["object_type"] ?? "?",
            row["object_id"] ?? "?", row["object_name"] ?? "?", row["accounts"] ?? "?", row["before"] ?? "?",
            row["after"] ?? "?")
    }

    var description: String {
        [change, checkID, severity, objectType, objectID, objectName, accounts, before, after].joined(separator: ",")
    }

    static func line(
        _ change: String, _ lineID: String, _ accounts: String, _ before: String = "", _ after: String = ""
    ) -> ExpectedChange {
        ExpectedChange(change, "", "", "line", lineID, ChangesFleet.name(lineID), accounts, before, after)
    }
}

@Suite("Changes since the previous run and suppressions, end to end")
struct ChangesEndToEndTests {
    typealias Line = ChangesFleet.Line

    static func changes(_ dir: URL) throws -> [ExpectedChange] {
        try JobHarness.table(dir, .changes).map(ExpectedChange.init(row:))
    }

    static func counts(_ manifest: [String: Any], _ key: String) -> [String: Int]? {
        manifest[key] as? [String: Int]
    }

    static func zeroChanges() -> [String: Int] {
        Dictionary(uniqueKeysWithValues: ChangeKind.allCases.map { ($0.rawValue, 0) })
    }

    /// The path the comparison names a run directory by.
    static func path(_ url: URL) -> String { url.standardizedFileURL.path }

    // MARK: - 1. Two nights, the fleet changed between them

    @Test func twoNightsGiveEveryChangeRowAndTheFailedAccountRules() async throws {
        let root = try JobHarness.temporaryDirectory("changes")
        defer { try? FileManager.default.removeItem(at: root) }
        let platform = JobHarness.platform(users: 1, subs: 0)
        let a = SimAccount(userID: "ua")
        let b = SimAccount(userID: "ua", subUserID: "sb")  // fails on night 2
        let c = SimAccount(userID: "uc")  // fails on night 1
        let refs = [ChangesFleet.ref(a, "甲", 0), ChangesFleet.ref(b, "乙", 1), ChangesFleet.ref(c, "丙", 2)]

        // Night 1.
        platform.setAnswer(
            ChangesFleet.body(
                [
                    Line(id: "L-RENEW"),
                    Line(id: "L-SHORT", availableAt: "2027-05-01 00:00:00"),
                    Line(id: "L-GONE"),
                    Line(id: "L-CAP", concurrency: 5),
                    Line(id: "L-SAT", concurrency: 2, residue: 0),  // LINE_SATURATED, resolved on night 2
                    Line(id: "L-SHARED"),
                ], groups: [.init(id: 7, name: "组七", debug: false)]), for: a)
        platform.setAnswer(
            ChangesFleet.body(
                [
                    // Merged: the larger concurrency and the earlier date are B's; without B they move.
                    Line(id: "L-SHARED", concurrency: 10, residue: 3, availableAt: "2027-01-15 00:00:00"),
                    // Seen by B alone, expiring soon: neither gone nor resolved when B fails.
                    Line(id: "L-BONLY", concurrency: 2, residue: 1, availableAt: "2026-11-27 00:00:00"),
                ], recycle: false), for: b)
        platform.plan([.envelopeError(code: 401, message: "未授权")], for: c)
        platform.setAnswer(ChangesFleet.body([Line(id: "L-C", concurrency: 3, residue: 1)], recycle: false), for: c)

        let (first, second, secondLogs) = try await platform.withRunning { baseURL in
            let config = JobHarness.configuration(baseURL: baseURL, accounts: refs, outputRoot: root)
            let first = try await JobHarness.run(config, options: JobOptions(asOf: ChangesFleet.night1))

            // Night 2: the fleet as it changed.
            platform.setAnswer(
                ChangesFleet.body(
                    [
                        Line(id: "L-RENEW", availableAt: "2027-06-01 00:00:00"),
                        Line(id: "L-SHORT", availableAt: "2026-11-28 12:00:00"),  // now LINE_EXPIRES_SOON
                        Line(id: "L-NEW", concurrency: 2, residue: 1),
                        Line(id: "L-CAP", concurrency: 8),
                        Line(id: "L-SAT", concurrency: 2, residue: 1),
                        Line(id: "L-SHARED"),
                    ], groups: [.init(id: 7, name: "组七", debug: true)]), for: a)
            platform.removeAnswer(for: b)  // HTTP 404
            let logs = LogRecorder()
            let second = try await JobHarness.run(config, options: JobOptions(asOf: ChangesFleet.night2), logs: logs)
            return (first, second, logs)
        }
        #expect(first.status == .incomplete)
        #expect(second.status == .incomplete)
        let dir1 = try #require(first.runDir)
        let dir2 = try #require(second.runDir)
        #expect(dir1.lastPathComponent == "2026-11-24")
        #expect(dir2.lastPathComponent == "2026-11-25")

        // Night 1 compared with nothing: header only.
        #expect(try JobHarness.table(dir1, .changes).isEmpty)
        let manifest1 = try JobHarness.manifest(dir1)
        #expect(manifest1["compared_to"] is NSNull)
        #expect(manifest1["compare_warning"] is NSNull)
        #expect(Self.counts(manifest1, "changes") == Self.zeroChanges())

        // The findings of each night, as the rows below assume them.
        let findings1 = try JobHarness.table(dir1, .findings).map { "\($0["check_id"] ?? "") \($0["object_id"] ?? "") \($0["accounts"] ?? "")" }
        #expect(findings1 == [
            "FETCH_FAILED uc uc", "LINE_EXPIRES_SOON L-BONLY ua/sb", "ACCOUNT_NO_RECYCLE ua/sb ua/sb",
            "LINE_SATURATED L-SAT ua", "RECYCLE_STATUS_UNCOVERED 6 ua/sb",
        ])
        let findings2 = try JobHarness.table(dir2, .findings).map { "\($0["check_id"] ?? "") \($0["object_id"] ?? "") \($0["accounts"] ?? "")" }
        #expect(findings2 == [
            "FETCH_FAILED ua/sb ua/sb", "LINE_EXPIRES_SOON L-SHORT ua", "ACCOUNT_NO_RECYCLE uc uc",
            "RECYCLE_STATUS_UNCOVERED 6 uc", "SCRIPT_GROUP_DEBUG 7 ua",
        ])

        // Every row of night 2's changes.csv, in the contract's order. Left out by the failed-account
        // rules: L-BONLY gone and its LINE_EXPIRES_SOON resolved, B's ACCOUNT_NO_RECYCLE and
        // RECYCLE_STATUS_UNCOVERED resolved (B failed now); L-SHARED renewed and capacity (B failed now);
        // L-C new and C's ACCOUNT_NO_RECYCLE and RECYCLE_STATUS_UNCOVERED new (C failed before).
        let expected: [ExpectedChange] = [
            ExpectedChange("finding_new", "FETCH_FAILED", "critical", "account", "ua/sb", "乙", "ua/sb"),
            ExpectedChange("finding_new", "LINE_EXPIRES_SOON", "high", "line", "L-SHORT", ChangesFleet.name("L-SHORT"), "ua"),
            ExpectedChange("finding_new", "SCRIPT_GROUP_DEBUG", "low", "script_group", "7", "组七", "ua"),
            ExpectedChange("finding_resolved", "FETCH_FAILED", "critical", "account", "uc", "丙", "uc"),
            ExpectedChange("finding_resolved", "LINE_SATURATED", "medium", "line", "L-SAT", ChangesFleet.name("L-SAT"), "ua"),
            .line("line_new", "L-NEW", "ua", "", "2027-03-01 00:00:00"),
            .line("line_gone", "L-GONE", "ua", "2027-03-01 00:00:00", ""),
            .line("line_renewed", "L-RENEW", "ua", "2027-03-01 00:00:00", "2027-06-01 00:00:00"),
            .line("line_shortened", "L-SHORT", "ua", "2027-05-01 00:00:00", "2026-11-28 12:00:00"),
            .line("line_capacity", "L-CAP", "ua", "5", "8"),
        ]
        let rows = try Self.changes(dir2)
        #expect(rows == expected)
        for (index, pair) in zip(rows, expected).enumerated() where pair.0 != pair.1 {
            Issue.record("row \(index + 1): \(pair.0) ≠ \(pair.1)")
        }

        let manifest2 = try JobHarness.manifest(dir2)
        var changeCounts = Self.zeroChanges()
        changeCounts["finding_new"] = 3
        changeCounts["finding_resolved"] = 2
        for kind in ["line_new", "line_gone", "line_renewed", "line_shortened", "line_capacity"] { changeCounts[kind] = 1 }
        #expect(Self.counts(manifest2, "changes") == changeCounts)
        let comparedTo = try #require(manifest2["compared_to"] as? [String: Any])
        #expect(comparedTo["run_dir"] as? String == Self.path(dir1))
        #expect(comparedTo["as_of"] as? String == "2026-11-24T00:00:00+08:00")
        #expect(comparedTo["complete"] as? Bool == false)  // C failed on night 1
        #expect(manifest2["compare_warning"] is NSNull)
        #expect(!secondLogs.all.contains { $0.contains("not compared") })
        #expect(Self.counts(manifest2, "findings") == ["critical": 1, "high": 1, "medium": 1, "low": 2, "info": 0])
        #expect(Self.counts(manifest2, "suppressed") == ["critical": 0, "high": 0, "medium": 0, "low": 0, "info": 0])
        #expect((manifest2["files"] as? [String: Any]).flatMap { $0["csv"] as? [String: String] }?["changes"] == "changes.csv")
        let hashes = try #require(manifest2["sha256"] as? [String: String])
        #expect(hashes["changes.csv"] == Digest.sha256Hex(try JobHarness.bytes(dir2, "changes.csv")))
    }

    // MARK: - 2. A damaged previous run

    enum Damage: String, CaseIterable, CustomTestStringConvertible {
        case findingsMissing, linesTruncated, manifestNotJSON
        var testDescription: String { rawValue }
    }

    @Test(arguments: Damage.allCases)
    func aDamagedPreviousRunIsNamedAndNotComparedWith(_ damage: Damage) async throws {
        let root = try JobHarness.temporaryDirectory("damaged")
        defer { try? FileManager.default.removeItem(at: root) }
        let control = try JobHarness.temporaryDirectory("damaged-control")
        defer { try? FileManager.default.removeItem(at: control) }
        let platform = JobHarness.platform(users: 1, subs: 0)
        let a = SimAccount(userID: "ua")
        let refs = [ChangesFleet.ref(a, "甲", 0)]
        let night1Lines = [Line(id: "L-1"), Line(id: "L-2", availableAt: "2027-04-01 00:00:00"), Line(id: "L-3")]
        platform.setAnswer(ChangesFleet.body(night1Lines), for: a)

        let (second, reference, logs) = try await platform.withRunning { baseURL in
            var config = JobHarness.configuration(baseURL: baseURL, accounts: refs, outputRoot: root, formats: [.csv])
            let first = try await JobHarness.run(config, options: JobOptions(asOf: ChangesFleet.night1))
            let dir1 = try #require(first.runDir)
            #expect(first.status == .complete)
            // Night 2 would differ from night 1 if it were compared.
            platform.setAnswer(ChangesFleet.body([Line(id: "L-1", concurrency: 9), Line(id: "L-4")]), for: a)
            switch damage {
            case .findingsMissing:
                try FileManager.default.removeItem(at: dir1.appendingPathComponent("findings.csv"))
            case .linesTruncated:
                let url = dir1.appendingPathComponent("lines.csv")
                let bytes = try JobHarness.bytes(dir1, "lines.csv")
                // Cut in the middle of the last row: after its first field and part of the second
                // (the line's name `线路L-…` cut after `线路L-`).
                let lastRowStart = try #require(bytes.dropLast(2).lastIndex(of: 0x0A)) + 1
                let comma = try #require(bytes[lastRowStart...].firstIndex(of: 0x2C))
                #expect(Array(bytes[(comma + 1)...].prefix(8)) == Array("线路L-".utf8))
                try Data(bytes[..<(comma + 1 + 8)]).write(to: url)
            case .manifestNotJSON:
                try Data("{\"as_of\": \"2026-11-24T00:00:00+08:00\", \"complete\": tr".utf8)
                    .write(to: dir1.appendingPathComponent("manifest.json"))
            }
            let logs = LogRecorder()
            let second = try await JobHarness.run(config, options: JobOptions(asOf: ChangesFleet.night2), logs: logs)
            // The same night with nothing to compare with, elsewhere: the status to expect.
            config.report.outputRoot = control
            var options = JobOptions(asOf: ChangesFleet.night2)
            options.compareTo = .none
            let reference = try await JobHarness.run(config, options: options)
            return (second, reference, logs)
        }
        #expect(second.status == reference.status)
        #expect(second.status == .complete)
        let dir2 = try #require(second.runDir)
        #expect(dir2.lastPathComponent == "2026-11-25")
        // changes.csv: the header only.
        #expect(try JobHarness.table(dir2, .changes).isEmpty)
        let header = Array("\u{FEFF}\(ReportCSV.Table.changes.header.joined(separator: ","))\r\n".utf8)
        #expect(try JobHarness.bytes(dir2, "changes.csv") == header)
        // The other tables are those of a run that compared with nothing (the trend reads only
        // manifests: it has the earlier night as a row).
        let referenceDir = try #require(reference.runDir)
        for table in ReportCSV.Table.allCases where table != .trend {
            #expect(try JobHarness.bytes(dir2, table.fileName) == JobHarness.bytes(referenceDir, table.fileName), "\(table.fileName)")
        }

        let manifest = try JobHarness.manifest(dir2)
        #expect(manifest["compared_to"] is NSNull)
        #expect(Self.counts(manifest, "changes") == Self.zeroChanges())
        #expect(manifest["complete"] as? Bool == true)
        let warning = try #require(manifest["compare_warning"] as? String)
        let dir1Path = Self.path(root.appendingPathComponent("2026-11-24"))
        switch damage {
        case .findingsMissing:
            #expect(warning.contains(dir1Path) && warning.contains("findings.csv is missing"), "\(warning)")
        case .linesTruncated:
            #expect(warning.contains(dir1Path) && warning.contains("lines.csv is not a valid CSV file"), "\(warning)")
        case .manifestNotJSON:
            #expect(warning.contains("2026-11-24") && warning.contains("manifest.json is not JSON"), "\(warning)")
        }
        #expect(warning.contains("compared with nothing"), "\(warning)")
        // A sentence: a capital first, a full stop last, one line.
        #expect(warning.first?.isUppercase == true && warning.hasSuffix(".") && !warning.contains("\n"), "\(warning)")
        // Said on standard error too (a warning log line).
        #expect(logs.all.contains { $0.hasPrefix("warning") && $0.contains("not compared with the previous run") })
    }

    // MARK: - 3. An incomplete previous run

    @Test func anIncompletePreviousRunIsUsedAndSaidToBeIncomplete() async throws {
        let root = try JobHarness.temporaryDirectory("incomplete")
        defer { try? FileManager.default.removeItem(at: root) }
        let platform = JobHarness.platform(users: 1, subs: 0)
        let a = SimAccount(userID: "ua")
        let b = SimAccount(userID: "ub")
        let refs = [ChangesFleet.ref(a, "甲", 0), ChangesFleet.ref(b, "乙", 1)]
        platform.setAnswer(ChangesFleet.body([Line(id: "L-A")]), for: a)
        platform.setAnswer(ChangesFleet.body([Line(id: "L-B")]), for: b)
        platform.plan([.notFound], for: b)
        let (first, second) = try await platform.withRunning { baseURL in
            let config = JobHarness.configuration(baseURL: baseURL, accounts: refs, outputRoot: root, formats: [.csv])
            let first = try await JobHarness.run(config, options: JobOptions(asOf: ChangesFleet.night1))
            platform.setAnswer(ChangesFleet.body([Line(id: "L-A", concurrency: 6)]), for: a)
            let second = try await JobHarness.run(config, options: JobOptions(asOf: ChangesFleet.night2))
            return (first, second)
        }
        #expect(first.status == .incomplete)
        #expect(second.status == .complete)
        let dir1 = try #require(first.runDir)
        let dir2 = try #require(second.runDir)
        #expect(try JobHarness.manifest(dir1)["complete"] as? Bool == false)
        let manifest = try JobHarness.manifest(dir2)
        let comparedTo = try #require(manifest["compared_to"] as? [String: Any])
        #expect(comparedTo["run_dir"] as? String == Self.path(dir1))
        #expect(comparedTo["as_of"] as? String == "2026-11-24T00:00:00+08:00")
        #expect(comparedTo["complete"] as? Bool == false)
        #expect(manifest["compare_warning"] is NSNull)
        // Used: B's fetch failure is resolved, L-A's capacity moved; L-B is not new (B failed before).
        #expect(try Self.changes(dir2) == [
            ExpectedChange("finding_resolved", "FETCH_FAILED", "critical", "account", "ub", "乙", "ub"),
            .line("line_capacity", "L-A", "ua", "4", "6"),
        ])
    }

    // MARK: - 4. Suppressions

    @Test func suppressionsMatchByCheckObjectAndAccountUntilTheirLastDay() async throws {
        let root = try JobHarness.temporaryDirectory("suppress")
        defer { try? FileManager.default.removeItem(at: root) }
        let platform = JobHarness.platform(users: 1, subs: 0)
        let a = SimAccount(userID: "ua")
        let b = SimAccount(userID: "ub")
        let refs = [ChangesFleet.ref(a, "甲", 0), ChangesFleet.ref(b, "乙", 1)]
        // L-X: the only high finding (expires soon), seen by both accounts. No recycle rule anywhere.
        platform.setAnswer(
            ChangesFleet.body(
                [Line(id: "L-X", availableAt: "2026-11-28 00:00:00"), Line(id: "L-Y")],
                groups: [.init(id: 3, name: "调试组", debug: true)], recycle: false), for: a)
        platform.setAnswer(ChangesFleet.body([Line(id: "L-X", availableAt: "2026-11-28 00:00:00")], recycle: false), for: b)
        let shanghai = try #require(TimeZone(identifier: "Asia/Shanghai"))
        let lastDay = CalendarDay(year: 2026, month: 11, day: 25)
        let suppressions = [
            // By account: ub is one of L-X's accounts. Its last day is the as-of day.
            Suppression(index: 0, line: 21, checkID: .lineExpiresSoon, account: "ub", reason: "线路已退订, 工单 4521", until: lastDay),
            // By object: ua's ACCOUNT_NO_RECYCLE only.
            Suppression(index: 1, line: 26, checkID: .accountNoRecycle, objectID: "ua", reason: "主账户不重呼"),
            // By check: every SCRIPT_GROUP_DEBUG.
            Suppression(index: 2, line: 29, checkID: .scriptGroupDebug, reason: "测试话术"),
            // Matches nothing: stale.
            Suppression(index: 3, line: 31, checkID: .lineSaturated, reason: "never"),
            // Its last day has passed: stale, and suppresses nothing (ub's ACCOUNT_NO_RECYCLE stays).
            Suppression(
                index: 4, line: 33, checkID: .accountNoRecycle, reason: "expired",
                until: CalendarDay(year: 2026, month: 11, day: 24)),
            // Also matches ua's ACCOUNT_NO_RECYCLE, after index 1: not stale, its reason not used.
            Suppression(index: 5, line: 37, checkID: .accountNoRecycle, account: "ua", reason: "second"),
        ]
        // The last second of 2026-11-25 in Shanghai, and the first of 2026-11-26 (still 2026-11-25 in UTC).
        let lastSecond = Plain.asOf.addingTimeInterval(86_400 - 1)
        let nextDay = Plain.asOf.addingTimeInterval(86_400)
        let (within, after, unsuppressed, logs) = try await platform.withRunning { baseURL in
            var config = JobHarness.configuration(baseURL: baseURL, accounts: refs, outputRoot: root, formats: [.csv])
            config.report.timeZone = shanghai
            config.suppressions = suppressions
            var options = JobOptions(asOf: lastSecond, runDir: root.appendingPathComponent("within"))
            options.failOn = .high
            let logs = LogRecorder()
            let within = try await JobHarness.run(config, options: options, logs: logs)
            options = JobOptions(asOf: nextDay, runDir: root.appendingPathComponent("after"))
            options.failOn = .high
            let after = try await JobHarness.run(config, options: options)
            config.suppressions = []
            options = JobOptions(asOf: lastSecond, runDir: root.appendingPathComponent("none"))
            options.failOn = .high
            let unsuppressed = try await JobHarness.run(config, options: options)
            return (within, after, unsuppressed, logs)
        }

        // On the last day: the only high finding is suppressed, --fail-on high passes.
        #expect(within.status == .complete)
        #expect(unsuppressed.status == .findingsAtOrAbove)
        let dir = try #require(within.runDir)
        let findings = try JobHarness.table(dir, .findings)
        func row(_ check: String, _ id: String) -> [String: String]? {
            findings.first { $0["check_id"] == check && $0["object_id"] == id }
        }
        #expect(findings.count == 6)
        let lx = try #require(row("LINE_EXPIRES_SOON", "L-X"))
        #expect(lx["accounts"] == "ua;ub")
        #expect(lx["suppressed"] == "true")
        #expect(lx["message"] == "Line L-X expires in 2 days. [suppressed: 线路已退订, 工单 4521]")
        let noRecycleA = try #require(row("ACCOUNT_NO_RECYCLE", "ua"))
        #expect(noRecycleA["suppressed"] == "true")
        #expect(noRecycleA["message"] == "Account ua has no enabled recycle rule. [suppressed: 主账户不重呼]")
        let noRecycleB = try #require(row("ACCOUNT_NO_RECYCLE", "ub"))
        #expect(noRecycleB["suppressed"] == "false")
        #expect(noRecycleB["message"] == "Account ub has no enabled recycle rule.")
        let debug = try #require(row("SCRIPT_GROUP_DEBUG", "3"))
        #expect(debug["suppressed"] == "true")
        #expect(debug["message"]?.hasSuffix(" [suppressed: 测试话术]") == true)
        let notSuppressed = findings.filter { $0["suppressed"] == "false" }.map { "\($0["check_id"] ?? "") \($0["object_id"] ?? "")" }
        #expect(notSuppressed == ["ACCOUNT_NO_RECYCLE ub", "RECYCLE_STATUS_UNCOVERED 6", "RECYCLE_STATUS_UNCOVERED 6"])
        #expect(findings.allSatisfy { $0["suppressed"] == "true" || !($0["message"] ?? "").contains("[suppressed") })

        let manifest = try JobHarness.manifest(dir)
        #expect(Self.counts(manifest, "findings") == ["critical": 0, "high": 0, "medium": 1, "low": 2, "info": 0])
        #expect(Self.counts(manifest, "suppressed") == ["critical": 0, "high": 1, "medium": 1, "low": 1, "info": 0])
        let stale = try #require(manifest["stale_suppressions"] as? [[String: Any]])
        #expect(stale.map { $0["index"] as? Int } == [3, 4])
        #expect(stale.map { $0["line"] as? Int } == [31, 33])
        let why = stale.map { $0["why"] as? String ?? "" }
        #expect(why.count == 2)
        #expect(why.first?.contains("matches no finding") == true, "\(why)")
        #expect(why.last?.contains("2026-11-24") == true && why.last?.contains("passed") == true, "\(why)")
        // Named on standard error too.
        let staleLogs = logs.all.filter { $0.contains("stale suppression") }
        #expect(staleLogs.count == 2)
        #expect(staleLogs.first?.contains("31") == true && staleLogs.last?.contains("33") == true)

        // The next day in the report time zone: index 0 is stale and L-X is no longer suppressed.
        #expect(after.status == .findingsAtOrAbove)
        let afterDir = try #require(after.runDir)
        let afterLX = try #require(try JobHarness.table(afterDir, .findings).first { $0["object_id"] == "L-X" })
        #expect(afterLX["suppressed"] == "false")
        #expect(afterLX["message"] == "Line L-X expires in 2 days.")
        let afterManifest = try JobHarness.manifest(afterDir)
        #expect(Self.counts(afterManifest, "findings")?["high"] == 1)
        #expect(Self.counts(afterManifest, "suppressed")?["high"] == 0)
        let afterStale = try #require(afterManifest["stale_suppressions"] as? [[String: Any]])
        #expect(afterStale.map { $0["index"] as? Int } == [0, 3, 4])
        #expect(afterStale.map { $0["line"] as? Int } == [21, 31, 33])
        #expect((afterStale.first?["why"] as? String)?.contains("2026-11-25") == true)
    }

    // MARK: - 5. The command line

    static var binary: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/yunfu-report")
    }

    struct ProcessResult {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static let tokenVariable = "YUNFU_E2E_CHANGES_TOKEN"

    /// Runs the built binary with these arguments; the token in its environment.
    static func runBinary(_ arguments: [String], in dir: URL) async throws -> ProcessResult {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment[tokenVariable] = JobHarness.token
        process.environment = environment
        process.currentDirectoryURL = dir
        let outURL = dir.appendingPathComponent("stdout-\(UUID().uuidString)")
        let errURL = dir.appendingPathComponent("stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { process in continuation.resume(returning: process.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        try out.close()
        try err.close()
        let stdout = String(decoding: try Data(contentsOf: outURL), as: UTF8.self)
        let stderr = String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
        try? FileManager.default.removeItem(at: outURL)
        try? FileManager.default.removeItem(at: errURL)
        return ProcessResult(status: status, stdout: stdout, stderr: stderr)
    }

    static func yaml(baseURL: String, suppressions: String = "") -> String {
        """
        api:
          base_url: \(baseURL)
          token_env: \(tokenVariable)
        accounts:
          - user_id: ua
            label: 甲
        report:
          output_root: out
          formats: [csv]
        \(suppressions)
        """
    }

    @Test func runWithCompareToAMissingDirectoryExitsTwoBeforeAnyRequest() async throws {
        let binary = Self.binary
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build first: \(binary.path)")
        let dir = try JobHarness.temporaryDirectory("cli-compare")
        defer { try? FileManager.default.removeItem(at: dir) }
        let platform = JobHarness.platform(users: 1, subs: 0)
        platform.setAnswer(ChangesFleet.body([Line(id: "L-1")]), for: SimAccount(userID: "ua"))
        let (result, requests, wroteRun, control) = try await platform.withRunning { baseURL in
            let config = dir.appendingPathComponent("config.yaml")
            try Data(Self.yaml(baseURL: baseURL).utf8).write(to: config)
            let result = try await Self.runBinary(
                ["run", "--config", config.path, "--as-of", "2026-11-25", "--compare-to", "/no/such/dir"], in: dir)
            let requests = platform.stats().requests
            let wroteRun = FileManager.default.fileExists(atPath: dir.appendingPathComponent("out/2026-11-25").path)
            // The same configuration with `--compare-to none` does fetch and write (the control).
            let control = try await Self.runBinary(
                ["run", "--config", config.path, "--as-of", "2026-11-25", "--compare-to", "none", "--quiet"], in: dir)
            return (result, requests, wroteRun, control)
        }
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("/no/such/dir"), "\(result.stderr)")
        #expect(requests == 0)
        #expect(!wroteRun)
        #expect(!result.stderr.contains(JobHarness.token) && !result.stdout.contains(JobHarness.token))
        #expect(control.status == 0, "\(control.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("out/2026-11-25/changes.csv").path))
    }

    enum BadSuppression: String, CaseIterable, CustomTestStringConvertible {
        case unknownCheck, emptyReason, badUntil
        var testDescription: String { rawValue }

        /// The suppressions block (it starts on line 10 of the file; the mistake is on `line`).
        var yaml: String {
            let bad: String
            switch self {
            case .unknownCheck: bad = "  - check_id: LINE_GONE_FOREVER\n    reason: 线路已退订"
            case .emptyReason: bad = "  - check_id: LINE_EXPIRED\n    reason: \"\""
            case .badUntil: bad = "  - check_id: LINE_EXPIRED\n    reason: 线路已退订\n    until: 2026-02-30"
            }
            return "suppressions:\n  - check_id: LINE_EXPIRY_UNKNOWN\n    reason: 已知\n" + bad
        }

        var line: Int {
            switch self {
            case .unknownCheck: 13
            case .emptyReason: 14
            case .badUntil: 15
            }
        }

        var words: String {
            switch self {
            case .unknownCheck: "LINE_GONE_FOREVER"
            case .emptyReason: "reason"
            case .badUntil: "until"
            }
        }
    }

    @Test(arguments: BadSuppression.allCases)
    func checkConfigRejectsABadSuppressionWithItsLine(_ mistake: BadSuppression) async throws {
        let binary = Self.binary
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build first: \(binary.path)")
        let dir = try JobHarness.temporaryDirectory("cli-check")
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("config.yaml")
        let text = Self.yaml(baseURL: "http://127.0.0.1:9", suppressions: mistake.yaml)
        try Data(text.utf8).write(to: config)
        // The line the test names is the line of the mistake.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[mistake.line - 1].contains(mistake == .unknownCheck ? "check_id" : mistake.words))
        let result = try await Self.runBinary(["check-config", config.path], in: dir)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("config.yaml:\(mistake.line):"), "\(result.stderr)")
        #expect(result.stderr.contains(mistake.words), "\(result.stderr)")
        #expect(!result.stdout.contains("OK"))

        // Without the mistake the file passes.
        try Data(Self.yaml(baseURL: "http://127.0.0.1:9", suppressions: "suppressions:\n  - check_id: LINE_EXPIRY_UNKNOWN\n    reason: 已知\n    until: 2026-12-31").utf8).write(to: config)
        let fine = try await Self.runBinary(["check-config", config.path], in: dir)
        #expect(fine.status == 0, "\(fine.stderr)")
        #expect(fine.stdout.contains("suppressions: 1"))
    }

    // MARK: - 6. replay compares too

    @Test func replayOfANightComparesWithTheNightBeforeAsTheNightDid() async throws {
        let root = try JobHarness.temporaryDirectory("replay-changes")
        defer { try? FileManager.default.removeItem(at: root) }
        let platform = JobHarness.platform(users: 1, subs: 0)
        let a = SimAccount(userID: "ua")
        let b = SimAccount(userID: "ub")
        let refs = [ChangesFleet.ref(a, "甲", 0), ChangesFleet.ref(b, "乙", 1)]
        platform.setAnswer(
            ChangesFleet.body([Line(id: "L-1"), Line(id: "L-2"), Line(id: "L-3", concurrency: 2, residue: 0)]), for: a)
        platform.setAnswer(ChangesFleet.body([Line(id: "L-B")], groups: [.init(id: 1, name: "组一", debug: true)]), for: b)
        let (config, first, second) = try await platform.withRunning { baseURL in
            let config = JobHarness.configuration(baseURL: baseURL, accounts: refs, outputRoot: root, formats: [.csv])
            let first = try await JobHarness.run(config, options: JobOptions(asOf: ChangesFleet.night1))
            platform.setAnswer(
                ChangesFleet.body([
                    Line(id: "L-1", availableAt: "2027-09-01 00:00:00"), Line(id: "L-3", concurrency: 3, residue: 0),
                    Line(id: "L-4", availableAt: "2026-11-26 00:00:00"),
                ]), for: a)
            platform.removeAnswer(for: b)  // HTTP 404
            var options = JobOptions(asOf: ChangesFleet.night2)
            options.archiveRaw = true
            let second = try await JobHarness.run(config, options: options)
            return (config, first, second)
        }
        let dir1 = try #require(first.runDir)
        let dir2 = try #require(second.runDir)
        #expect(first.status == .complete)
        #expect(second.status == .incomplete)
        let nightRows = try Self.changes(dir2)
        #expect(nightRows == [
            ExpectedChange("finding_new", "FETCH_FAILED", "critical", "account", "ub", "乙", "ub"),
            ExpectedChange("finding_new", "LINE_EXPIRES_SOON", "high", "line", "L-4", ChangesFleet.name("L-4"), "ua"),
            .line("line_new", "L-4", "ua", "", "2026-11-26 00:00:00"),
            .line("line_gone", "L-2", "ua", "2027-03-01 00:00:00", ""),
            .line("line_renewed", "L-1", "ua", "2027-03-01 00:00:00", "2027-09-01 00:00:00"),
            .line("line_capacity", "L-3", "ua", "2", "3"),
        ])

        let archive = try RawArchive.open(dir2.appendingPathComponent("raw"))
        var replayConfig = config
        replayConfig.api.baseURL = nil
        replayConfig.api.token = nil
        replayConfig.accounts = archive.entries.map(\.account)
        let replayDir = root.appendingPathComponent("2026-11-25-replayed")
        let options = JobOptions(asOf: try #require(archive.asOf), runDir: replayDir)  // compare: automatic
        let quiet = Logger(label: "replay") { _ in SwiftLogNoOpLogHandler() }
        let job = ReportJob(configuration: replayConfig, options: options, logger: quiet, markdown: nil)
        let replayed = await job.run(
            source: ReplaySource(archive: archive, decoder: AnswerDecoder(apiTimeZone: config.api.timeZone)),
            accounts: replayConfig.accounts)
        #expect(replayed.status == second.status)
        let again = try #require(replayed.runDir)
        #expect(again.lastPathComponent == "2026-11-25-replayed")
        #expect(try JobHarness.bytes(again, "changes.csv") == JobHarness.bytes(dir2, "changes.csv"))
        let nightManifest = try JobHarness.manifest(dir2)
        let replayManifest = try JobHarness.manifest(again)
        let nightCompared = try #require(nightManifest["compared_to"] as? [String: Any])
        let replayCompared = try #require(replayManifest["compared_to"] as? [String: Any])
        #expect(replayCompared["run_dir"] as? String == Self.path(dir1))
        #expect(nightCompared["run_dir"] as? String == Self.path(dir1))
        #expect(replayCompared["as_of"] as? String == nightCompared["as_of"] as? String)
        #expect(replayCompared["complete"] as? Bool == true)
        #expect(nightCompared["complete"] as? Bool == true)
        #expect(replayManifest["compare_warning"] is NSNull)
        #expect(Self.counts(replayManifest, "changes") == Self.counts(nightManifest, "changes"))
    }
}
