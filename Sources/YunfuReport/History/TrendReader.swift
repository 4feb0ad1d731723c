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
        for name in listing.notRuns where PreviousRunLocator.nameDate(name) != nil {
            let manifest = outputRoot.appendingPathComponent(name).appendingPathComponent("manifest.json")
            let why =
                FileManager.default.fileExists(atPath: manifest.path)
                ? "its manifest.json cannot be read as yunfu-report's" : "it has no manifest.json"
            warnings.append("\(name): \(why); no trend row for it")
        }
        let rows = byDay.values.sorted { $0.asOfDate < $1.asOfDate }.suffix(Trend.maxNights - 1)
        return Previous(rows: Array(rows), warnings: warnings)
    }

    /// What a manifest says that a trend row needs.
    private struct ManifestFields: Decodable {
        struct Accounts: Decodable {
            var total: Int
            var failed: Int
        }
        struct Fleet: Decodable {
            var lines: Int
            var lines_expired: Int
            var lines_soon: Int
            var lines_upcoming: Int
            var lines_saturated: Int
            var total_concurrency: Int64
            var total_in_use: Int64
            var utilization: Double?
        }
        var as_of: String?
        var complete: Bool?
        var accounts: Accounts?
        var findings: [String: Int]?
        var fleet: Fleet?
    }

    /// One night's row from its `manifest.json`.
    static func read(_ dir: URL) throws(PreviousRunProblem) -> TrendRow {
        guard let data = FileManager.default.contents(atPath: dir.appendingPathComponent("manifest.json").path) else {
            throw PreviousRunProblem("its manifest.json cannot be read")
        }
        guard (try? JSONSerialization.jsonObject(with: data)) != nil else {
            throw PreviousRunProblem("its manifest.json is not JSON")
        }
        let fields: ManifestFields
        do {
            fields = try JSONDecoder().decode(ManifestFields.self, from: data)
        } catch {
            throw PreviousRunProblem("its manifest.json has figures of the wrong type")
        }
        guard let asOf = fields.as_of, let asOfDate = ISO8601Instant.parse(asOf) else {
            throw PreviousRunProblem("its manifest.json has no as_of instant")
        }
        guard let fleet = fields.fleet else {
            throw PreviousRunProblem("its manifest.json has no fleet figures (written before trends)")
        }
        guard let accounts = fields.accounts, let findings = fields.findings else {
            throw PreviousRunProblem("its manifest.json has no account or finding counts")
        }
        var counts: [Severity: Int] = [:]
        for severity in Severity.allCases { counts[severity] = findings[severity.rawValue] ?? 0 }
        return TrendRow(
            asOf: asOf, asOfDate: asOfDate, complete: fields.complete ?? false, accounts: accounts.total,
            accountsFailed: accounts.failed, lines: fleet.lines, linesExpired: fleet.lines_expired,
            linesSoon: fleet.lines_soon, linesUpcoming: fleet.lines_upcoming, linesSaturated: fleet.lines_saturated,
            totalConcurrency: fleet.total_concurrency, totalInUse: fleet.total_in_use,
            utilization: fleet.utilization, findings: counts)
    }
}
