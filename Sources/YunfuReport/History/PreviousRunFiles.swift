import Foundation

/// What this run reads of a previous run: only its machine interface (`manifest.json`,
/// `findings.csv`, `lines.csv`), through the strict CSV reader.
struct PreviousRunFiles: Sendable, Equatable {
    /// The run directory, as a standardized absolute path.
    var runDir: String
    /// `as_of` as written in its manifest.
    var asOf: String
    var asOfDate: Date
    var complete: Bool
    /// Its `time_zone`: the zone its `lines.csv` dates are written in. The current report's zone
    /// when the manifest names none the system knows.
    var timeZone: TimeZone?
    var findings: [PreviousFinding]
    var lines: [PreviousLine]

    /// The accounts that failed in that run: the `accounts` of its `FETCH_FAILED` rows, and those
    /// its `RUN_INTERRUPTED` row names as not fetched (what was not read then is no change now).
    var failedAccounts: Set<ScalarKey> {
        var out: Set<ScalarKey> = []
        for finding in findings
        where ScalarOrder.equal(finding.checkID, CheckID.fetchFailed.rawValue)
            || ScalarOrder.equal(finding.checkID, CheckID.runInterrupted.rawValue)
        {
            for key in finding.accounts { out.insert(ScalarKey(key)) }
        }
        return out
    }

    var previousRun: PreviousRun { PreviousRun(runDir: runDir, asOf: asOf, complete: complete) }
}

/// One row of a previous `findings.csv`, its text fields with the formula guard undone.
struct PreviousFinding: Sendable, Equatable {
    var severity: Severity
    var checkID: String
    var objectType: String
    var objectID: String
    var objectName: String
    /// The account keys, as listed.
    var accounts: [String]
    var suppressed: Bool
}

/// One row of a previous `lines.csv`: what the comparison uses.
struct PreviousLine: Sendable, Equatable {
    var lineID: String
    var name: String
    var concurrency: Int64?
    /// `available_at` as written (`YYYY-MM-DD HH:MM:SS` in that run's zone), "" when unknown.
    var availableAtText: String
    /// The account keys, as listed.
    var accounts: [String]
}

/// Why a previous run cannot be used: a sentence fragment naming the file and the problem.
struct PreviousRunProblem: Error, Equatable, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

enum PreviousRunReader {
    /// `findings.csv`'s columns, in order (report-contract.md).
    static let findingsColumns = [
        "severity", "check_id", "object_type", "object_id", "object_name", "accounts", "message", "suppressed",
    ]
    /// `lines.csv`'s columns, in order (report-contract.md).
    static let linesColumns = [
        "line_id", "line_name", "remark", "belong_user", "line_type", "bind_type", "node", "line_concurrency",
        "residue", "in_use", "utilization", "available_at", "days_to_expiry", "expiry_status", "account_count",
        "accounts",
    ]

    /// What a manifest says that the comparison needs.
    struct Manifest: Sendable, Equatable {
        var asOf: String
        var asOfDate: Date
        var complete: Bool
        var timeZone: TimeZone?
    }

    /// Reads `dir/manifest.json`.
    static func readManifest(in dir: URL) throws(PreviousRunProblem) -> Manifest {
        let bytes = try readFile("manifest.json", in: dir)
        let manifest: ManifestDocument
        do throws(ManifestDocument.Unreadable) {
            manifest = try ManifestDocument.parse(Data(bytes))
        } catch {
            throw PreviousRunProblem(
                error == .notJSON ? "its manifest.json is not JSON" : "its manifest.json is not a JSON object")
        }
        guard let asOf = manifest.asOf else {
            throw PreviousRunProblem("its manifest.json has no as_of text")
        }
        guard let asOfDate = parseInstant(asOf) else {
            throw PreviousRunProblem("its manifest.json as_of \"\(asOf.prefixScalars(40))\" is not an ISO 8601 instant")
        }
        guard let complete = manifest.complete else {
            throw PreviousRunProblem("its manifest.json has no complete that is true or false")
        }
        let timeZone = manifest.timeZone.flatMap { TimeZone(identifier: $0) }
        return Manifest(asOf: asOf, asOfDate: asOfDate, complete: complete, timeZone: timeZone)
    }

    /// Reads a whole previous run: its manifest, `findings.csv` and `lines.csv`.
    static func read(runDir dir: URL) throws(PreviousRunProblem) -> PreviousRunFiles {
        try read(runDir: dir, manifest: try readManifest(in: dir))
    }

    /// Reads `findings.csv` and `lines.csv` of a run whose manifest is already read.
    static func read(runDir dir: URL, manifest: Manifest) throws(PreviousRunProblem) -> PreviousRunFiles {
        let findings = try readFindings(try readFile("findings.csv", in: dir))
        let lines = try readLines(try readFile("lines.csv", in: dir))
        return PreviousRunFiles(
            runDir: dir.standardizedFileURL.path, asOf: manifest.asOf, asOfDate: manifest.asOfDate,
            complete: manifest.complete, timeZone: manifest.timeZone, findings: findings, lines: lines)
    }

    static func readFindings(_ bytes: [UInt8]) throws(PreviousRunProblem) -> [PreviousFinding] {
        let records = try table(bytes, columns: findingsColumns, file: "findings.csv")
        var out: [PreviousFinding] = []
        out.reserveCapacity(records.count)
        for record in records {
            let f = record.fields
            guard let severity = Severity(rawValue: f[0]) else {
                throw PreviousRunProblem(
                    "its findings.csv line \(record.line) has severity \"\(f[0].prefixScalars(40))\", which is not a severity")
            }
            let objectType = unguard(f[2])
            guard ObjectType(rawValue: objectType) != nil else {
                throw PreviousRunProblem(
                    "its findings.csv line \(record.line) has object_type \"\(objectType.prefixScalars(40))\", which is not an object type"
                )
            }
            guard let suppressed = csvBool(f[7]) else {
                throw PreviousRunProblem(
                    "its findings.csv line \(record.line) has suppressed \"\(f[7].prefixScalars(40))\", which is neither true nor false")
            }
            out.append(
                PreviousFinding(
                    severity: severity, checkID: unguard(f[1]), objectType: objectType, objectID: unguard(f[3]),
                    objectName: unguard(f[4]), accounts: keyList(unguard(f[5])), suppressed: suppressed))
        }
        return out
    }

    static func readLines(_ bytes: [UInt8]) throws(PreviousRunProblem) -> [PreviousLine] {
        let records = try table(bytes, columns: linesColumns, file: "lines.csv")
        var out: [PreviousLine] = []
        out.reserveCapacity(records.count)
        for record in records {
            let f = record.fields
            let concurrencyText = f[7]
            var concurrency: Int64?
            if !concurrencyText.isEmpty {
                guard let value = Int64(concurrencyText) else {
                    throw PreviousRunProblem(
                        "its lines.csv line \(record.line) has line_concurrency \"\(concurrencyText.prefixScalars(40))\", which is not an integer"
                    )
                }
                concurrency = value
            }
            let availableAt = unguard(f[11])
            if !availableAt.isEmpty, DateText.parsePlain(availableAt) == nil {
                throw PreviousRunProblem(
                    "its lines.csv line \(record.line) has available_at \"\(availableAt.prefixScalars(40))\", which is not a real YYYY-MM-DD HH:MM:SS date"
                )
            }
            out.append(
                PreviousLine(
                    lineID: unguard(f[0]), name: unguard(f[1]), concurrency: concurrency,
                    availableAtText: availableAt, accounts: keyList(unguard(f[15]))))
        }
        return out
    }

    // MARK: - Helpers

    private static func readFile(_ name: String, in dir: URL) throws(PreviousRunProblem) -> [UInt8] {
        let url = dir.appendingPathComponent(name, isDirectory: false)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw PreviousRunProblem("its \(name) is missing")
        }
        do {
            return [UInt8](try Data(contentsOf: url))
        } catch {
            throw PreviousRunProblem("its \(name) cannot be read")
        }
    }

    private static func table(
        _ bytes: [UInt8], columns: [String], file: String
    ) throws(PreviousRunProblem) -> [CSVReader.Record] {
        do throws(CSVReadError) {
            return try CSVReader.parseTableRecords(bytes, expectedHeader: columns)
        } catch {
            if case .otherColumnLayout = error.kind {
                throw PreviousRunProblem("its \(file) has another column layout")
            }
            throw PreviousRunProblem("its \(file) is not a valid CSV file (\(error))")
        }
    }

    /// Undoes the CSV form's formula guard: one leading `'` before `=`, `+`, `-`, `@`, a tab or a
    /// carriage return is dropped.
    static func unguard(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard scalars.first == "'" else { return text }
        let rest = scalars.dropFirst()
        guard let next = rest.first, ["=", "+", "-", "@", "\t", "\r"].contains(next) else { return text }
        return String(rest)
    }

    /// A `;`-joined list of account keys (keys write `;` as `%3B`); "" is no key.
    static func keyList(_ text: String) -> [String] {
        text.isEmpty ? [] : text.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
    }

    private static func csvBool(_ text: String) -> Bool? {
        switch text {
        case "true": true
        case "false": false
        default: nil
        }
    }

    /// The manifest keys the comparison reads; a key of another type reads as absent.
    /// An ISO 8601 instant with an offset (or `Z`), with or without a fraction of a second.
    static func parseInstant(_ text: String) -> Date? { ISO8601Instant.parse(text) }
}
