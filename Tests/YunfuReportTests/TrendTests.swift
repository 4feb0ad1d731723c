import Foundation
import Testing
import YunfuSimulator

@testable import YunfuReport

/// trend.csv and the manifest's `fleet` (over-time-and-monitoring.md), five nights into one
/// output root with the real executable against the simulated platform.
@Suite("The fleet over time", .serialized)
struct TrendTests {
    typealias Support = ProcessSupport

    @Test("Five nights give five trend rows matching each night's manifest; damaged runs give a warning, no row")
    func fiveNights() async throws {
        let ws = try ProcessWorkspace("trend")
        defer { ws.remove() }
        let fm = FileManager.default
        // Before the first night: a run written before trends (no fleet), a night whose manifest
        // is not JSON, and an interrupted run: none gives a row.
        func plant(_ name: String, _ manifest: String) throws {
            let dir = ws.outputRoot.appendingPathComponent(name)
            try fm.createDirectory(at: dir, withIntermediateDirectories: true)
            try Data(manifest.utf8).write(to: dir.appendingPathComponent("manifest.json"))
        }
        try plant("2026-11-01", #"{"tool": "yunfu-report", "as_of": "2026-11-01T00:00:00+08:00", "complete": true, "accounts": {"total": 1, "ok": 1, "failed": 0}, "findings": {}}"#)
        try plant("2026-11-02", "{ not json")
        try plant("2026-11-03-interrupted", #"{"tool": "yunfu-report", "as_of": "2026-11-03T00:00:00+08:00", "interrupted": true}"#)

        let platform = Support.platform(users: 3, subs: 2)
        let days = (0..<5).map { Support.day($0 * 3) }
        var stderrs: [String] = []
        try await platform.withRunning { base in
            try ws.writeConfig(baseURL: base, accounts: platform.accounts, maxConcurrency: 4)
            for day in days {
                let (child, end) = try await ws.run(asOf: day)
                #expect(end == .exit(0), "\(day): \(child.stderrText)")
                stderrs.append(child.stderrText)
            }
        }
        let last = ws.runDir(days[4])
        let trend = try JobHarness.table(last, .trend)
        #expect(trend.count == 5, "\(trend)")
        for (row, day) in zip(trend, days) {
            let manifest = try Support.manifest(ws.runDir(day))
            let fleet = try #require(manifest["fleet"] as? [String: Any])
            let accounts = try #require(manifest["accounts"] as? [String: Int])
            let findings = try #require(manifest["findings"] as? [String: Int])
            #expect(row["as_of"] == manifest["as_of"] as? String)
            #expect(row["complete"] == "true")
            #expect(row["accounts"] == accounts["total"].map(String.init))
            #expect(row["accounts_failed"] == accounts["failed"].map(String.init))
            for key in ["lines", "lines_expired", "lines_soon", "lines_upcoming", "lines_saturated", "total_concurrency", "total_in_use"] {
                #expect(row[key] == (fleet[key] as? Int).map(String.init), "\(day) \(key)")
            }
            let utilization = try #require(fleet["utilization"] as? Double)
            #expect(row["utilization"].flatMap(Double.init) == utilization)
            for severity in Severity.allCases {
                #expect(row["findings_\(severity.rawValue)"] == findings[severity.rawValue].map(String.init))
            }
        }
        // The manifest names trend.csv and hashes it.
        let manifest = try Support.manifest(last)
        #expect(((manifest["files"] as? [String: Any])?["csv"] as? [String: String])?["trend"] == "trend.csv")
        #expect((manifest["sha256"] as? [String: String])?["trend.csv"] != nil)
        // The fleet figures add up as the contract defines them.
        let fleet = try #require(manifest["fleet"] as? [String: Any])
        let lines = try JobHarness.table(last, .lines)
        #expect(fleet["lines"] as? Int == lines.count)
        #expect(fleet["lines_expired"] as? Int == lines.count { $0["expiry_status"] == "expired" })
        #expect((fleet["total_concurrency"] as? Int ?? 0) - (fleet["total_residue"] as? Int ?? 0) == fleet["total_in_use"] as? Int)
        // Each planted run is named once in a warning of every night; the nights stay complete.
        let firstNight = stderrs[0]
        #expect(firstNight.contains("2026-11-01: its manifest.json has no fleet figures"), "\(firstNight)")
        #expect(firstNight.contains("2026-11-02:"), "\(firstNight)")
        #expect(!firstNight.contains("2026-11-03-interrupted:"), "an interrupted run is no night, and no warning")

        // A rerun of the last night counts once.
        try await platform.withRunning { base in
            try ws.writeConfig(baseURL: base, accounts: platform.accounts, maxConcurrency: 4)
            let (child, end) = try await ws.run(asOf: days[4])
            #expect(end == .exit(0), "\(child.stderrText)")
        }
        #expect(try JobHarness.table(last, .trend).count == 5)
    }

    @Test("Deltas: the headline numbers with their change since the previous night, nothing on a first night")
    func deltas() throws {
        var report = SummaryReportFixture(locale: .zhCN).build()
        let tonight = TrendRow(report: report, fleet: FleetFigures(report), asOfText: "2026-11-25T00:00:00+08:00")
        report.trend = Trend(rows: [tonight])
        let first = try MarkdownReportWriter(templatesDir: nil, locale: .zhCN).render(report)
        #expect(!first.contains("较上次"))
        var before = tonight
        before.asOf = "2026-11-24T00:00:00+08:00"
        before.asOfDate = tonight.asOfDate.addingTimeInterval(-86_400)
        before.linesExpired = tonight.linesExpired - 4
        report.trend = Trend(rows: [before, tonight])
        let zh = try MarkdownReportWriter(templatesDir: nil, locale: .zhCN).render(report)
        #expect(zh.contains("- 已过期的线路：**\(tonight.linesExpired)**（较上次 +4）"), "\(zh)")
        var en = SummaryReportFixture(locale: .en).build()
        en.trend = report.trend
        let english = try MarkdownReportWriter(templatesDir: nil, locale: .en).render(en)
        #expect(english.contains("(+4 since 2026-11-24)"), "\(english)")
        let html = HTMLReportWriter.render(en, locale: .en)
        #expect(html.contains("+4 since 2026-11-24"))
    }
}
