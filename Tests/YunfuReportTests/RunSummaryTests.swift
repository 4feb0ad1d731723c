import Foundation
import Testing

@testable import YunfuReport

@Suite("The summary printed at the end of a run")
struct RunSummaryTests {
    @Test func nearestExpiriesAreTheNextToExpireAndExpiredLinesAreCounted() {
        let account = Plain.account("u1", order: 0)
        let report = Plain.build([
            Plain.ok(account, Plain.snapshot(lines: [
                Plain.line("gone", at: Plain.asOf.addingTimeInterval(-90 * 86_400)),
                Plain.line("next", at: Plain.asOf.addingTimeInterval(3600)),
                Plain.line("later", at: Plain.asOf.addingTimeInterval(86_400 + 60)),
                Plain.line("unknown", at: nil),
            ]))
        ])
        let lines = RunSummary.lines(JobOutcome(status: .complete, runDir: URL(fileURLWithPath: "/tmp/r"), report: report))
        #expect(lines.contains("Lines expired: 1"))
        let nearest = lines.drop { $0 != "Nearest expiries:" }.dropFirst().prefix { $0.hasPrefix("  ") }
        #expect(nearest.map { $0.split(separator: " ").first.map(String.init) ?? "" } == ["next", "later"])
        #expect(nearest.first?.contains("in less than a day") == true)
        #expect(nearest.last?.contains("in 1 day,") == true)
        #expect(lines.last == "Exit 0: complete: every account fetched, reports written")
    }
}
