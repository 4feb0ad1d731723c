import Foundation

/// The few lines printed at the end of a run, for the person or the log reading it.
package enum RunSummary {
    package static func lines(_ outcome: JobOutcome) -> [String] {
        var out: [String] = []
        if let runDir = outcome.runDir { out.append("Run directory: \(runDir.path)") }
        if let report = outcome.report {
            if let unreachable = report.run.unreachable {
                out.append("Platform unreachable: \(unreachable); no account was fetched, the rest were not attempted.")
            }
            let tally = AccountTally(report.accounts)
            out.append(
                "Accounts: \(tally.ok) ok, \(tally.failed) failed"
                    + (tally.notFetched > 0 ? ", \(tally.notFetched) not fetched (the run was interrupted)" : ""))
            var counts: [Severity: Int] = [:]
            var suppressed = 0
            for finding in report.findings {
                if finding.suppressed { suppressed += 1 } else { counts[finding.severity, default: 0] += 1 }
            }
            let bySeverity = Severity.allCases.map { "\($0.rawValue) \(counts[$0] ?? 0)" }.joined(separator: ", ")
            out.append("Findings: \(bySeverity)" + (suppressed > 0 ? " (\(suppressed) suppressed)" : ""))
            // The next lines to expire, soonest first; the expired ones are counted, they are in
            // the findings.
            let expired = report.lines.count(where: { $0.expiryStatus == .expired })
            let nearest = report.lines.filter { $0.availableAt != nil && $0.expiryStatus != .expired }
                .sorted(by: LineRow.nearestExpiryFirst).prefix(3)
            if expired > 0 { out.append("Lines expired: \(expired)") }
            if !nearest.isEmpty {
                out.append("Nearest expiries:")
                for line in nearest {
                    let name = line.name.isEmpty ? line.remark : line.name
                    let when = line.availableAt.map { DateText.plain($0, in: report.timeZone) } ?? ""
                    let days = line.daysToExpiry.map { "in " + FindingDetail.dayCount($0) } ?? ""
                    out.append("  \(line.lineID) \(name.isEmpty ? "" : "(\(oneLine(name))) ")— \(when), \(days), \(line.expiryStatus.rawValue)")
                }
            }
            switch report.comparison {
            case .compared(let previous, let changes):
                var byKind: [ChangeKind: Int] = [:]
                for change in changes { byKind[change.change, default: 0] += 1 }
                let text = ChangeKind.allCases.compactMap { kind in byKind[kind].map { "\(kind.rawValue) \($0)" } }
                out.append(
                    "Changes since \(previous.asOf): " + (text.isEmpty ? "none" : text.joined(separator: ", ")))
            case .none(let warning):
                if let warning { out.append("Not compared with a previous run: \(warning)") }
            }
            if report.run.interrupted { out.append("The run was interrupted: accounts not fetched are marked `interrupted`.") }
        }
        for error in outcome.errors { out.append("Error: \(error)") }
        out.append("Exit \(outcome.status.rawValue): \(outcome.status.words)")
        return out
    }

    private static func oneLine(_ text: String) -> String {
        String(text.prefixScalars(60).map { $0.isNewline ? " " : $0 })
    }
}
