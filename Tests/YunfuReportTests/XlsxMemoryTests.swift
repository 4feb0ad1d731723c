import Foundation
import Logging
import Testing
import XlsxWriter

@testable import YunfuReport

/// The workbook's memory at 5,000 accounts. Not part of the normal run (it takes a while); measure with
///
///     YUNFU_XLSX_MEMORY=constant swift test --skip-build --filter XlsxMemory
///     YUNFU_XLSX_MEMORY=normal   swift test --skip-build --filter XlsxMemory
///
/// It builds the report first, resets the process's peak RSS (`/proc/self/clear_refs`), writes the
/// workbook, and prints the peak RSS during the write next to the RSS the report itself holds.
@Suite("XLSX memory")
struct XlsxMemoryTests {
    static let mode = ProcessInfo.processInfo.environment["YUNFU_XLSX_MEMORY"]

    @Test(.enabled(if: mode != nil, "set YUNFU_XLSX_MEMORY=constant or =normal to measure"))
    func peakMemoryOfALargeWorkbook() throws {
        let constant = Self.mode != "normal"
        let before = Self.status("VmRSS")
        let (report, groups) = XlsxFixture.largeReport(accounts: 5_000, groupsPerAccount: 6)
        let withReport = Self.status("VmRSS")
        // Peak RSS from here on ("5" resets VmHWM to the current RSS).
        try "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
        let directory = try XlsxFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("large.xlsx")
        let started = ContinuousClock.now
        try ReportPath.workbook(
            report, scriptGroups: groups, to: file, options: Workbook.Options(constantMemory: constant))
        let elapsed = ContinuousClock.now - started
        let peak = Self.status("VmHWM")
        let size = (try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
        print(
            """
            XLSX memory (\(constant ? "constant_memory" : "normal") mode): \
            \(report.accounts.count) accounts, \(groups.count) script groups, \
            \(report.lines.count) lines, \(report.coverage.count) coverage rows, \(report.findings.count) findings; \
            RSS before report \(before / 1024) MiB, with report \(withReport / 1024) MiB, \
            peak while writing \(peak / 1024) MiB (+\((peak - withReport) / 1024) MiB over the report); \
            file \(size / 1024) KiB; \(elapsed)
            """)
        withExtendedLifetime(report) {}
        #expect(size > 0)
    }

    /// Writes a mid-sized sample workbook to look at (`scripts/render-xlsx.sh`):
    ///
    ///     YUNFU_XLSX_SAMPLE=/tmp/sample.xlsx swift test --skip-build --filter XlsxMemory
    @Test(.enabled(if: ProcessInfo.processInfo.environment["YUNFU_XLSX_SAMPLE"] != nil, "set YUNFU_XLSX_SAMPLE=FILE"))
    func writesASampleToLookAt() throws {
        let path = try #require(ProcessInfo.processInfo.environment["YUNFU_XLSX_SAMPLE"])
        var (report, groups) = XlsxFixture.largeReport(accounts: 60, groupsPerAccount: 3, nodes: 6)
        if ProcessInfo.processInfo.environment["YUNFU_XLSX_SAMPLE_LOCALE"] == "en" { report.settings.locale = .en }
        try ReportPath.workbook(report, scriptGroups: groups, to: URL(fileURLWithPath: path))
    }

    /// A field of /proc/self/status, in KiB.
    static func status(_ field: String) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
            return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
        }
        return 0
    }
}

extension XlsxFixture {
    /// A synthetic fleet: `accounts` accounts (sub-accounts of 500 users), each seeing two of
    /// `accounts * 3 / 5` shared lines and `groupsPerAccount` script groups, 8 recycle statuses.
    static func largeReport(
        accounts count: Int, groupsPerAccount: Int, nodes nodeCount: Int = 40
    ) -> (report: Report, scriptGroups: [ScriptGroupRow]) {
        var settings = ReportSettings(outputRoot: URL(fileURLWithPath: "/tmp/unused"))
        settings.timeZone = zone
        let refs = (0..<count).map { index in
            account(
                "user-\(index % 500)", index < 500 ? nil : "sub-\(index)", label: "运营团队 \(index % 500)", order: index)
        }
        let lineCount = max(1, count * 3 / 5)
        var seenBy = Array(repeating: [AccountRef](), count: lineCount)
        for (index, ref) in refs.enumerated() {
            seenBy[index % lineCount].append(ref)
            seenBy[(index * 7 + 3) % lineCount].append(ref)
        }
        let statuses: [ExpiryStatus] = [.expired, .soon, .upcoming, .ok, .ok, .ok, .unknown]
        let lines = (0..<lineCount).map { index in
            let status = statuses[index % statuses.count]
            let days: Double? =
                switch status {
                case .expired: -Double(index % 30) - 1
                case .soon: Double(index % 7)
                case .upcoming: 7 + Double(index % 23)
                case .ok: 30 + Double(index % 300)
                case .unknown: nil
                }
            return line(
                "line-\(index)-29c39ec4-b292-4af9-a88b", name: "线路 \(index) 北京移动", node: "节点 \(index % nodeCount)",
                concurrency: Int64(10 + index % 90), residue: Int64(index % 50), availableInDays: days, status: status,
                accounts: seenBy[index])
        }
        let nodes = (0..<nodeCount).map { index in
            let mine = lines.filter { $0.node == "节点 \(index)" }
            let concurrency = mine.reduce(Int64(0)) { $0 + ($1.concurrency ?? 0) }
            let residue = mine.reduce(Int64(0)) { $0 + ($1.residue ?? 0) }
            return NodeRow(
                node: "节点 \(index)", lines: mine.count, totalConcurrency: concurrency, totalResidue: residue,
                inUse: concurrency - residue, utilization: Utilization(concurrency - residue, over: concurrency),
                saturatedLines: mine.filter(\.isSaturated).count,
                expiringLines: mine.filter { $0.expiryStatus == .expired || $0.expiryStatus == .soon }.count)
        }
        var groups: [ScriptGroupRow] = []
        groups.reserveCapacity(count * groupsPerAccount)
        for ref in refs {
            for group in 0..<groupsPerAccount {
                groups.append(
                    ScriptGroupRow(
                        account: ref, groupID: Int64(group + 1), name: "话术组 \(group) 催收回访二期",
                        asr: group % 3 == 0 ? "" : "ali-asr-v\(group)", tts: group % 4 == 0 ? "" : "xf-tts",
                        llm: group % 2 == 0 ? "glm-4" : "", isActive: group % 5 != 0, debug: group == 1,
                        speed: 0, volume: 50))
            }
        }
        let recycle = (1...8).map { RecycleStatus(status: Int64($0), name: "状态 \($0)", required: $0 == 6) }
        var coverage: [CoverageRow] = []
        coverage.reserveCapacity(count * recycle.count)
        var findings: [Finding] = []
        for ref in refs {
            for status in recycle {
                let covered = (ref.order + Int(status.status)) % 3 != 0
                coverage.append(
                    CoverageRow(
                        account: ref, status: status.status, statusName: status.name, required: status.required,
                        covered: covered, ruleIDs: covered ? [Int64(status.status * 10)] : [],
                        redialAfterMinutes: covered ? 30 : nil))
                if status.required && !covered {
                    findings.append(
                        Finding(
                            checkID: .recycleStatusUncovered, severity: .low, objectType: .recycleStatus,
                            objectID: "6", objectName: status.name, accounts: [ref], message: "status 6 not covered"))
                }
            }
        }
        for group in groups where group.isActive && (group.asr.isEmpty || group.tts.isEmpty) {
            findings.append(
                Finding(
                    checkID: .scriptGroupEngineUnset, severity: .info, objectType: .scriptGroup,
                    objectID: String(group.groupID ?? 0), objectName: group.name, accounts: [group.account],
                    message: "ASR or TTS engine unset"))
        }
        let accounts = refs.map { ref in
            AccountRow(
                account: ref, error: ref.order % 97 == 0 ? "HTTP 503" : nil, attempts: 1, lines: 2,
                totalConcurrency: 100, totalResidue: 40, scriptGroups: groupsPerAccount, activeScriptGroups: 5,
                recycleRules: 3, enabledRecycleRules: 2, maxRecycleLimit: 3, warnings: 0)
        }
        let engines = [
            EngineRow(
                kind: .asr, engine: "ali-asr-v1", scriptGroups: count, activeScriptGroups: count, accounts: count),
            EngineRow(kind: .asr, engine: "", scriptGroups: count * 2, activeScriptGroups: count, accounts: count),
            EngineRow(
                kind: .tts, engine: "xf-tts", scriptGroups: count * 4, activeScriptGroups: count, accounts: count),
        ]
        let warnings = refs.prefix(1_000).map {
            WarningRow(
                account: $0,
                warning: DecodeWarning(
                    path: "caller_line_list[0].available_at", value: "2027-02-30", problem: "not a real date"))
        }
        let report = Report(
            asOf: asOf, timeZone: zone, settings: settings, run: RunStatus(), accounts: accounts, lines: lines,
            nodes: nodes, engines: engines, statuses: recycle, coverage: CoverageTable(coverage),
            findings: findings, warnings: Array(warnings))
        return (report, groups)
    }
}
