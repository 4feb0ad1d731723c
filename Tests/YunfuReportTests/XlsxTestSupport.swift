import Foundation
import Testing

@testable import YunfuReport

/// Helpers of the workbook tests: a hand-built `Report`, and reading a written .xlsx back.
enum XlsxFixture {
    static let zone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
    /// 2026-11-25 00:00:00 +08:00.
    static let asOf = Date(timeIntervalSince1970: 1_795_536_000)
    /// A name over Excel's 32,767-character cell limit.
    static let hugeName = String(repeating: "长", count: 20_000) + String(repeating: "x", count: 20_000)
    /// A payload text that Excel would take for a formula if written as one.
    static let formulaLikeName = "=HYPERLINK(\"http://evil.example\",\"click\")"
    /// A control character (not allowed raw in XML) and Excel's own escape syntax, both to be kept as they are.
    static let awkwardRemark = "控制\u{01}字符 _x0041_ tab\tend"

    static func account(_ user: String, _ sub: String? = nil, label: String = "", order: Int) -> AccountRef {
        AccountRef(id: AccountID(userID: user, subUserID: sub), label: label, order: order)
    }

    static func day(_ days: Double) -> Date { asOf.addingTimeInterval(days * 86_400) }

    static func line(
        _ id: String, name: String, node: String, concurrency: Int64?, residue: Int64?, availableInDays: Double?,
        status: ExpiryStatus, accounts: [AccountRef]
    ) -> LineRow {
        let inUse: Int64? = {
            guard let concurrency, let residue else { return nil }
            return concurrency - residue
        }()
        return LineRow(
            lineID: id, name: name, remark: id == "L1" ? awkwardRemark : "备注\n第二行", belongUser: "owner", lineType: "手机",
            bindType: "独享",
            node: node, concurrency: concurrency, residue: residue, inUse: inUse,
            utilization: Utilization(inUse, over: concurrency),
            availableAt: availableInDays.map(day), daysToExpiry: availableInDays.map { Int64(($0).rounded(.down)) },
            expiryStatus: status, accounts: accounts)
    }

    /// A small report touching every sheet: an ok and a failed account, lines in every expiry
    /// status (one named like a formula, one with a 40,000-character name), a suppressed finding.
    /// The script-group rows of `report()`'s accounts (the run streams them; they are not in a report).
    static func scriptGroups() -> [ScriptGroupRow] {
        let main = account("10001", label: "华东运营", order: 0)
        let sub = account("10001", "20002", label: "华东运营", order: 1)
        return [
            ScriptGroupRow(
                account: main, groupID: 1, name: "催收话术", asr: "ali", tts: "", llm: "", isActive: true, debug: true,
                speed: 0, volume: 50),
            ScriptGroupRow(
                account: main, groupID: 2, name: "+cmd|' /C calc'!A0", asr: "", tts: "xf", llm: "glm", isActive: false,
                debug: false, speed: nil, volume: nil),
            ScriptGroupRow(
                account: sub, groupID: 3, name: "回访", asr: "ali", tts: "xf", llm: "", isActive: true, debug: nil,
                speed: 1, volume: 60),
        ]
    }

    static func report(locale: ReportLocale = .zhCN, comparison: Comparison = .none) -> Report {
        let main = account("10001", label: "华东运营", order: 0)
        let sub = account("10001", "20002", label: "华东运营", order: 1)
        let failed = account("30003", label: "broken", order: 2)
        var settings = ReportSettings(outputRoot: URL(fileURLWithPath: "/tmp/unused"))
        settings.locale = locale
        settings.timeZone = zone

        let lines = [
            line(
                "L1", name: "过期线路", node: "北京节点", concurrency: 10, residue: 0, availableInDays: -2, status: .expired,
                accounts: [main]),
            line(
                "L2", name: formulaLikeName, node: "北京节点", concurrency: 20, residue: 5, availableInDays: 7.5,
                status: .upcoming, accounts: [main, sub]),
            line(
                "L3", name: "即将到期 😀", node: "上海节点", concurrency: 30, residue: 30, availableInDays: 3, status: .soon,
                accounts: [sub]),
            line(
                "L4", name: hugeName, node: "", concurrency: nil, residue: nil, availableInDays: nil, status: .unknown,
                accounts: [sub]),
        ]
        let nodes = [
            NodeRow(
                node: "", lines: 1, totalConcurrency: 0, totalResidue: 0, inUse: 0, utilization: nil, saturatedLines: 0,
                expiringLines: 0),
            NodeRow(
                node: "上海节点", lines: 1, totalConcurrency: 30, totalResidue: 30, inUse: 0,
                utilization: Utilization(0, over: 30), saturatedLines: 0, expiringLines: 1),
            NodeRow(
                node: "北京节点", lines: 2, totalConcurrency: 30, totalResidue: 5, inUse: 25,
                utilization: Utilization(25, over: 30), saturatedLines: 1, expiringLines: 1),
        ]
        let accounts = [
            AccountRow(
                account: main, error: nil, attempts: 1, lines: 2, totalConcurrency: 30, totalResidue: 5,
                scriptGroups: 2, activeScriptGroups: 1, recycleRules: 1, enabledRecycleRules: 1, maxRecycleLimit: 3,
                warnings: 1),
            AccountRow(
                account: sub, error: nil, attempts: 2, lines: 3, totalConcurrency: 50, totalResidue: 35,
                scriptGroups: 1, activeScriptGroups: 1, recycleRules: 0, enabledRecycleRules: 0, maxRecycleLimit: nil,
                warnings: 0),
            AccountRow(account: failed, error: "HTTP 503", attempts: 5, warnings: 0),
        ]
        let engines = [
            EngineRow(kind: .asr, engine: "ali", scriptGroups: 2, activeScriptGroups: 2, accounts: 2),
            EngineRow(kind: .asr, engine: "", scriptGroups: 1, activeScriptGroups: 0, accounts: 1),
            EngineRow(kind: .tts, engine: "xf", scriptGroups: 2, activeScriptGroups: 1, accounts: 2),
        ]
        let statuses = [
            RecycleStatus(status: 3, name: "无人接听", required: false),
            RecycleStatus(status: 6, name: "关机", required: true),
        ]
        let coverage = [
            CoverageRow(
                account: main, status: 3, statusName: "无人接听", required: false, covered: true, ruleIDs: [7],
                redialAfterMinutes: 30),
            CoverageRow(
                account: main, status: 6, statusName: "关机", required: true, covered: false, ruleIDs: [],
                redialAfterMinutes: nil),
            CoverageRow(
                account: sub, status: 3, statusName: "无人接听", required: false, covered: false, ruleIDs: [],
                redialAfterMinutes: nil),
            CoverageRow(
                account: sub, status: 6, statusName: "关机", required: true, covered: true, ruleIDs: [9],
                redialAfterMinutes: 60),
        ]
        let findings = [
            Finding(
                checkID: .fetchFailed, severity: .critical, objectType: .account, objectID: failed.key,
                objectName: "broken", accounts: [failed], message: "HTTP 503"),
            Finding(
                checkID: .lineExpired, severity: .critical, objectType: .line, objectID: "L1", objectName: "过期线路",
                accounts: [main], message: "expired 2 days ago"),
            Finding(
                checkID: .lineExpiresSoon, severity: .high, objectType: .line, objectID: "L3", objectName: "即将到期 😀",
                accounts: [sub], message: "expires in 3 days"),
            Finding(
                checkID: .lineExpiryUnknown, severity: .low, objectType: .line, objectID: "L4", objectName: "x",
                accounts: [sub], message: "no date", suppressedBy: "线路已退订, 工单 4521"),
        ]
        let warnings = [
            WarningRow(
                account: main,
                warning: DecodeWarning(
                    path: "caller_line_list[3].available_at", value: "2027-02-30", problem: "not a real date"))
        ]
        return Report(
            asOf: asOf, timeZone: zone, settings: settings, run: RunStatus(), accounts: accounts, lines: lines,
            nodes: nodes, engines: engines, statuses: statuses, coverage: CoverageTable(coverage),
            findings: findings, warnings: warnings, comparison: comparison)
    }

    // MARK: Reading a workbook back

    /// A fresh empty directory under the system's temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "xlsx-tests-" + UUID().uuidString, isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    struct ProcessResult {
        var status: Int32
        var stdout: Data
        var stderr: String
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> ProcessResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read before waiting, so a large member cannot fill the pipe and stall the child.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return ProcessResult(
            status: process.terminationStatus, stdout: stdout, stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// One member of the zip container, as text (`unzip -p`).
    static func member(_ name: String, of file: URL) throws -> String {
        let result = try run("/usr/bin/unzip", ["-p", file.path, name])
        try #require(result.status == 0, "unzip -p \(name): \(result.stderr)")
        return String(decoding: result.stdout, as: UTF8.self)
    }

    static func memberNames(of file: URL) throws -> [String] {
        let result = try run("/usr/bin/unzip", ["-Z1", file.path])
        try #require(result.status == 0, "unzip -Z1: \(result.stderr)")
        return String(decoding: result.stdout, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// The `<c …>…</c>` element of one cell in a sheet's XML, or nil.
    static func cell(_ reference: String, in sheetXML: String) -> String? {
        guard let start = sheetXML.range(of: "<c r=\"\(reference)\"") else { return nil }
        let rest = sheetXML[start.lowerBound...]
        guard let tagEnd = rest.firstIndex(of: ">") else { return nil }
        if rest[rest.index(before: tagEnd)] == "/" { return String(rest[...tagEnd]) }
        guard let end = rest.range(of: "</c>") else { return nil }
        return String(rest[..<end.upperBound])
    }

    /// The value of attribute `name` in an XML start tag.
    static func attribute(_ name: String, in element: String) -> String? {
        guard let start = element.range(of: " \(name)=\"") else { return nil }
        let rest = element[start.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end])
    }

    /// The sheet names in workbook order, from `xl/workbook.xml`.
    static func sheetNames(of file: URL) throws -> [String] {
        let xml = try member("xl/workbook.xml", of: file)
        return xml.components(separatedBy: "<sheet ").dropFirst().compactMap { attribute("name", in: " " + $0) }
            .map(unescapeXML)
    }

    static func unescapeXML(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    /// The `formatCode` of the number format of cell style `index` (`cellXfs`), or nil for none.
    static func numberFormat(ofStyle index: Int, in stylesXML: String) -> String? {
        guard let xfsStart = stylesXML.range(of: "<cellXfs"), let xfsEnd = stylesXML.range(of: "</cellXfs>") else {
            return nil
        }
        let xfs = stylesXML[xfsStart.upperBound..<xfsEnd.lowerBound].components(separatedBy: "<xf ").dropFirst()
        guard index < xfs.count else { return nil }
        let xf = " " + xfs[xfs.index(xfs.startIndex, offsetBy: index)]
        guard let id = attribute("numFmtId", in: xf) else { return nil }
        for numFmt in stylesXML.components(separatedBy: "<numFmt ").dropFirst() {
            if attribute("numFmtId", in: " " + numFmt) == id { return attribute("formatCode", in: " " + numFmt) }
        }
        return nil
    }
}
