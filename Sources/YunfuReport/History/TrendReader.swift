import Foundation

/// Reads the nights before this one for `trend.csv` (over-time-and-monitoring.md): the run
/// directories under `output_root` that `latest` may point at (`OutputRoot.list`: not
/// interrupted, not hidden or temporary), as of on or before this run's, through their
/// manifests only. A run that gives no row is named in a warning; it never fails the run.
enum TrendReader {
    struct Previous: Sendable, Equatable {
        /// Oldest first, at most `Trend.maxNights − 1` (the newest), one per night.
        var rows: [TrendRow]
        /// One sentence per run directory that gave no row.
        var warnings: [String]
    }

    static func previousNights(
        outputRoot: URL, currentAsOf: Date, currentRunDir: URL, timeZone: TimeZone
    ) -> Previous {
        let listing = OutputRoot.list(outputRoot)
        let current = currentRunDir.standardizedFileURL.resolvingSymlinksInPath().path
        let currentDay = CalendarDay(currentAsOf, in: timeZone)
        var warnings: [String] = []
        var byDay: [String: TrendRow] = [:]
        for run in listing.runs where !run.interrupted && run.asOf <= currentAsOf {
            // A rerun of tonight replaces its directory: tonight is this run's own row.
            guard run.url.standardizedFileURL.resolvingSymlinksInPath().path != current else { continue }
            let day = CalendarDay(run.asOf, in: timeZone)
            guard day != currentDay else { continue }
            do throws(PreviousRunProblem) {
                let row = try read(run.url)
                if let kept = byDay[day.description], kept.asOfDate >= row.asOfDate { continue }
                byDay[day.description] = row
            } catch {
                warnings.append("\(run.url.lastPathComponent): \(error); no trend row for it")
            }
        }
        // Named like a night but no run this tool can read: said, not skipped silently.
        for name in listing.notRuns where RunDirectoryName.date(name) != nil {
            let manifest = outputRoot.appendingPathComponent(name).appendingPathComponent("manifest.json")
            let why =
                FileManager.default.fileExists(atPath: manifest.path)
                ? "its manifest.json cannot be read as yunfu-report's" : "it has no manifest.json"
            warnings.append("\(name): \(why); no trend row for it")
        }
        let rows = byDay.values.sorted { $0.asOfDate < $1.asOfDate }.suffix(Trend.maxNights - 1)
        return Previous(rows: Array(rows), warnings: warnings)
    }

    /// One night's row from its `manifest.json`.
    static func read(_ dir: URL) throws(PreviousRunProblem) -> TrendRow {
        let manifest: ManifestDocument
        do {
            manifest = try ManifestDocument.read(in: dir)
        } catch {
            switch error {
            case .missing: throw PreviousRunProblem("its manifest.json cannot be read")
            case .notJSON: throw PreviousRunProblem("its manifest.json is not JSON")
            case .notAnObject: throw PreviousRunProblem("its manifest.json has figures of the wrong type")
            }
        }
        guard manifest.malformed.isDisjoint(with: [.asOf, .complete, .accounts, .findings, .fleet]) else {
            throw PreviousRunProblem("its manifest.json has figures of the wrong type")
        }
        guard let asOf = manifest.asOf, let asOfDate = ISO8601Instant.parse(asOf) else {
            throw PreviousRunProblem("its manifest.json has no as_of instant")
        }
        guard let fleet = manifest.fleet else {
            throw PreviousRunProblem("its manifest.json has no fleet figures (written before trends)")
        }
        guard let accounts = manifest.accounts, let findings = manifest.findings else {
            throw PreviousRunProblem("its manifest.json has no account or finding counts")
        }
        var counts: [Severity: Int] = [:]
        for severity in Severity.allCases { counts[severity] = findings[severity.rawValue] ?? 0 }
        return TrendRow(
            asOf: asOf, asOfDate: asOfDate, complete: manifest.complete ?? false, accounts: accounts.total,
            accountsFailed: accounts.failed, lines: fleet.lines, linesExpired: fleet.linesExpired,
            linesSoon: fleet.linesSoon, linesUpcoming: fleet.linesUpcoming, linesSaturated: fleet.linesSaturated,
            totalConcurrency: fleet.totalConcurrency, totalInUse: fleet.totalInUse,
            utilization: fleet.utilization, findings: counts)
    }
}
