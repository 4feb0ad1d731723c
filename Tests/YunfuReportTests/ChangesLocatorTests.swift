import Foundation
import Testing

@testable import YunfuReport

/// Run directories on disk, written the way a run writes its machine interface.
struct ChangesRunFolder {
    let root: URL

    init() throws {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("changes-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(at: root) }

    func url(_ name: String) -> URL { root.appendingPathComponent(name, isDirectory: true) }

    /// RFC 4180 with CRLF, a byte order mark, and the formula guard on the fields given as text.
    static func csv(_ rows: [[String]], bom: Bool = true) -> Data {
        var out = bom ? "\u{FEFF}" : ""
        for row in rows {
            out += row.map { field in
                let needsQuotes = field.contains { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }
                return needsQuotes ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
            }.joined(separator: ",") + "\r\n"
        }
        return Data(out.utf8)
    }

    static func manifest(asOf: String, complete: Bool = true, zone: String = "Asia/Shanghai") -> Data {
        Data(
            """
            {"tool": "yunfu-report", "version": "0.1.0", "as_of": "\(asOf)", "time_zone": "\(zone)",
             "complete": \(complete), "interrupted": false, "errors": [],
             "accounts": {"total": 1, "ok": 1, "failed": 0}}
            """.utf8)
    }

    static func findingRow(
        _ check: CheckID, _ id: String, _ accounts: String, name: String = "", suppressed: Bool = false
    ) -> [String] {
        [check.severity.rawValue, check.rawValue, check.objectType.rawValue, id, name, accounts, "m", "\(suppressed)"]
    }

    static func lineRow(_ id: String, name: String = "", concurrency: String = "10", availableAt: String, _ accounts: String)
        -> [String]
    {
        [id, name, "", "", "", "", "", concurrency, "0", "10", "1", availableAt, "", "ok", "1", accounts]
    }

    /// Writes a whole run directory; `nil` leaves a file out.
    @discardableResult
    func writeRun(
        _ name: String, asOf: String, complete: Bool = true, zone: String = "Asia/Shanghai",
        findings: [[String]]? = [], lines: [[String]]? = []
    ) throws -> URL {
        let dir = url(name)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Self.manifest(asOf: asOf, complete: complete, zone: zone).write(to: dir.appendingPathComponent("manifest.json"))
        if let findings {
            try Self.csv([PreviousRunReader.findingsColumns] + findings)
                .write(to: dir.appendingPathComponent("findings.csv"))
        }
        if let lines {
            try Self.csv([PreviousRunReader.linesColumns] + lines).write(to: dir.appendingPathComponent("lines.csv"))
        }
        return dir
    }

    func write(_ data: Data, to path: String) throws {
        try data.write(to: root.appendingPathComponent(path))
    }
}

@Suite("Finding the previous run")
struct ChangesLocatorTests {
    static let shanghai = TimeZone(identifier: "Asia/Shanghai") ?? .gmt

    private func instant(_ text: String) throws -> Date { try #require(PreviousRunReader.parseInstant(text)) }

    private func locate(
        _ folder: ChangesRunFolder, _ target: CompareTarget = .automatic, asOf: String = "2026-11-25T00:00:00+08:00",
        currentRunDir: URL? = nil
    ) throws -> LocatedPrevious {
        PreviousRunLocator.locate(
            compareTo: target, outputRoot: folder.root, currentAsOf: try instant(asOf), currentRunDir: currentRunDir,
            timeZone: Self.shanghai)
    }

    @Test func picksTheLatestRunStrictlyBeforeAmongRealDirectories() throws {
        let folder = try ChangesRunFolder()
        defer { folder.remove() }
        let outside = try ChangesRunFolder()
        defer { outside.remove() }

        try folder.writeRun("2026-11-22", asOf: "2026-11-22T00:00:00+08:00")
        try folder.writeRun("2026-11-23", asOf: "2026-11-23T00:00:00+08:00", complete: false)
        try folder.writeRun("2026-11-25", asOf: "2026-11-25T00:00:00+08:00")  // not strictly before
        try folder.writeRun("2026-11-26", asOf: "2026-11-26T00:00:00+08:00")
        try folder.writeRun(".2026-11-24.tmp-1", asOf: "2026-11-24T00:00:00+08:00")  // hidden
        try folder.writeRun("2026-11-24.tmp", asOf: "2026-11-24T00:00:00+08:00")  // temporary
        // Symbolic links are not runs: `latest`, or any other name.
        let linked = try outside.writeRun("2026-11-24", asOf: "2026-11-24T12:00:00+08:00")
        try FileManager.default.createSymbolicLink(at: folder.url("latest"), withDestinationURL: linked)
        try FileManager.default.createSymbolicLink(at: folder.url("2026-11-24"), withDestinationURL: linked)
        try folder.write(Data("x".utf8), to: "notes.txt")
        try FileManager.default.createDirectory(at: folder.url("archive"), withIntermediateDirectories: true)

        let located = try locate(folder)
        let previous = try #require(located.previous)
        #expect(previous.runDir == folder.url("2026-11-23").standardizedFileURL.path)
        #expect(previous.asOf == "2026-11-23T00:00:00+08:00")
        #expect(previous.complete == false)  // an incomplete run is used, and says so
        #expect(located.warning == nil)
    }

    @Test func comparesInstantsNotNames() throws {
        let folder = try ChangesRunFolder()
        defer { folder.remove() }
        try folder.writeRun("night-a", asOf: "2026-11-24T23:00:00Z")  // 2026-11-25 07:00 in Beijing
        try folder.writeRun("night-b", asOf: "2026-11-24T20:00:00+08:00")
        let previous = try #require(try locate(folder, asOf: "2026-11-25T08:00:00+08:00").previous)
        #expect(previous.asOf == "2026-11-24T23:00:00Z")
        #expect(try locate(folder, asOf: "2026-11-24T20:00:00+08:00").previous == nil)
    }

    @Test func neverTakesTheCurrentRunDirectory() throws {
        let folder = try ChangesRunFolder()
        defer { folder.remove() }
        try folder.writeRun("2026-11-24", asOf: "2026-11-24T00:00:00+08:00")
        let tonight = try folder.writeRun("2026-11-25", asOf: "2026-11-25T00:00:00+08:00")
        // A rerun of the night later that day is compared with the night before.
        let rerun = try locate(folder, asOf: "2026-11-25T09:00:00+08:00", currentRunDir: tonight)
        #expect(rerun.previous?.asOf == "2026-11-24T00:00:00+08:00")
        let other = try locate(folder, asOf: "2026-11-25T09:00:00+08:00", currentRunDir: folder.url("elsewhere"))
        #expect(other.previous?.asOf == "2026-11-25T00:00:00+08:00")
    }

    @Test func prefersTheCompleteRunAtTheSameInstant() throws {
        let folder = try ChangesRunFolder()
        defer { folder.remove() }
        try folder.writeRun("2026-11-24", asOf: "2026-11-24T00:00:00+08:00", complete: false)
        try folder.writeRun("2026-11-24-interrupted", asOf: "2026-11-24T00:00:00+08:00", complete: true)
        #expect(try locate(folder).previous?.runDir.hasSuffix("2026-11-24-interrupted") == true)
    }

    @Test func namesADateNamedDirectoryWhoseManifestCannotBeRead() throws {
        let folder = try ChangesRunFolder()
        defer { folder.remove() }
        try folder.writeRun("2026-11-20", asOf: "2026-11-20T00:00:00+08:00")
        try folder.write(Data("{not json".utf8), to: "2026-11-20/manifest.json")
        try folder.writeRun("2026-11-24", asOf: "2026-11-24T00:00:00+08:00")
        try FileManager.default.createDirectory(at: folder.url("archive"), withIntermediateDirectories: true)

        let located = try locate(folder)
        // Older than the run found: it cannot be the previous run, so the comparison goes on.
        #expect(located.previous?.asOf == "2026-11-24T00:00:00+08:00")
        let warning = try #require(located.warning)
        #expect(warning.contains("2026-11-20") && warning.contains("not JSON"))
        #expect(!warning.contains("archive"))
    }

    @Test func anUnreadableDirectoryThatMayBeThePreviousRunStopsTheComparison() throws {
        let folder = try ChangesRunFolder()
        defer { folder.remove() }
        try folder.writeRun("2026-11-23", asOf: "2026-11-23T00:00:00+08:00")
        let broken = try folder.writeRun("2026-11-24", asOf: "2026-11-24T00:00:00+08:00")
        try FileManager.default.removeItem(at: broken.appendingPathComponent("manifest.json"))

        let located = try locate(folder)
        #expect(located.previous == nil)
        let warning = try #require(located.warning)
        #expect(warning.contains("2026-11-24") && warning.contains("manifest.json is missing"))
        #expect(warning.contains("compared with nothing"))
    }

    struct Damage: Sendable, CustomTestStringConvertible {
        var name: String
        var expected: [String]
        var damage: @Sendable (URL) throws -> Void
        var testDescription: String { name }
    }

    static let damages: [Damage] = [
        Damage(name: "missing findings.csv", expected: ["findings.csv is missing"]) { dir in
            try FileManager.default.removeItem(at: dir.appendingPathComponent("findings.csv"))
        },
        Damage(name: "missing lines.csv", expected: ["lines.csv is missing"]) { dir in
            try FileManager.default.removeItem(at: dir.appendingPathComponent("lines.csv"))
        },
        Damage(name: "truncated lines.csv", expected: ["lines.csv is not a valid CSV file", "line 3"]) { dir in
            let url = dir.appendingPathComponent("lines.csv")
            let data = try Data(contentsOf: url)
            try data.prefix(data.count - 9).write(to: url)
        },
        Damage(name: "lines.csv cut inside a quoted field", expected: ["lines.csv", "never ends"]) { dir in
            let url = dir.appendingPathComponent("lines.csv")
            let data = try Data(contentsOf: url)
            let text = try #require(String(data: data, encoding: .utf8))
            let cut = try #require(text.range(of: "\"name, with comma"))
            try Data(text[..<cut.upperBound].utf8).write(to: url)
        },
        Damage(name: "manifest not JSON", expected: ["manifest.json is not JSON", "2026-11-24"]) { dir in
            try Data("<html>".utf8).write(to: dir.appendingPathComponent("manifest.json"))
        },
        Damage(name: "manifest without as_of", expected: ["manifest.json has no as_of"]) { dir in
            try Data(#"{"complete": true}"#.utf8).write(to: dir.appendingPathComponent("manifest.json"))
        },
        Damage(name: "manifest with a text complete", expected: ["complete"]) { dir in
            try Data(#"{"as_of": "2026-11-24T00:00:00+08:00", "complete": "yes"}"#.utf8)
                .write(to: dir.appendingPathComponent("manifest.json"))
        },
        Damage(name: "findings.csv of another column layout", expected: ["findings.csv has another column layout"]) {
            dir in
            try ChangesRunFolder.csv([["severity", "check_id", "object_id"], ["high", "X", "1"]])
                .write(to: dir.appendingPathComponent("findings.csv"))
        },
        Damage(name: "lines.csv of another column layout", expected: ["lines.csv has another column layout"]) { dir in
            try ChangesRunFolder.csv([Array(PreviousRunReader.linesColumns.dropLast())])
                .write(to: dir.appendingPathComponent("lines.csv"))
        },
        Damage(name: "findings.csv unreadable", expected: ["findings.csv cannot be read"]) { dir in
            let url = dir.appendingPathComponent("findings.csv")
            try FileManager.default.removeItem(at: url)
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
        },
        Damage(name: "a bad severity", expected: ["findings.csv line 2", "severity"]) { dir in
            try ChangesRunFolder.csv([
                PreviousRunReader.findingsColumns, ["urgent", "LINE_EXPIRED", "line", "L1", "", "u1", "m", "false"],
            ]).write(to: dir.appendingPathComponent("findings.csv"))
        },
        Damage(name: "a bad date", expected: ["lines.csv line 2", "available_at"]) { dir in
            try ChangesRunFolder.csv([
                PreviousRunReader.linesColumns, ChangesRunFolder.lineRow("L1", availableAt: "2027-02-30 00:00:00", "u1"),
            ]).write(to: dir.appendingPathComponent("lines.csv"))
        },
        Damage(name: "a bad concurrency", expected: ["lines.csv line 2", "line_concurrency"]) { dir in
            try ChangesRunFolder.csv([
                PreviousRunReader.linesColumns,
                ChangesRunFolder.lineRow("L1", concurrency: "1.5", availableAt: "", "u1"),
            ]).write(to: dir.appendingPathComponent("lines.csv"))
        },
    ]

    @Test(arguments: damages)
    func aDamagedPreviousRunIsNotUsedAndTheWarningSaysWhy(_ test: Damage) throws {
        let folder = try ChangesRunFolder()
        defer { folder.remove() }
        let dir = try folder.writeRun(
            "2026-11-24", asOf: "2026-11-24T00:00:00+08:00",
            findings: [ChangesRunFolder.findingRow(.lineExpired, "L1", "u1")],
            lines: [
                ChangesRunFolder.lineRow("L1", name: "plain", availableAt: "2026-11-01 00:00:00", "u1"),
                ChangesRunFolder.lineRow("L2", name: "name, with comma", availableAt: "2027-11-01 00:00:00", "u1"),
            ])
        try test.damage(dir)

        for located in [try locate(folder), try locate(folder, .directory(dir))] {
            #expect(located.previous == nil)
            let warning = try #require(located.warning)
            for fragment in test.expected {
                #expect(warning.contains(fragment), "\(warning)")
            }
            #expect(warning.contains("2026-11-24"))
            #expect(warning.hasSuffix("."))
        }
    }

    @Test func comparesWithNothingWhenAskedOrWhenThereIsNoEarlierRun() throws {
        let folder = try ChangesRunFolder()
        defer { folder.remove() }
        #expect(try locate(folder) == LocatedPrevious(previous: nil, warning: nil))  // the first night
        let absentRoot = folder.url("not-yet")
        let first = PreviousRunLocator.locate(
            compareTo: .automatic, outputRoot: absentRoot, currentAsOf: try instant("2026-11-25T00:00:00+08:00"),
            currentRunDir: nil, timeZone: Self.shanghai)
        #expect(first == LocatedPrevious(previous: nil, warning: nil))

        try folder.writeRun("2026-11-24", asOf: "2026-11-24T00:00:00+08:00")
        #expect(try locate(folder, .none) == LocatedPrevious(previous: nil, warning: nil))
    }

    @Test func compareToARunDirectoryUsesItWhateverItsDate() throws {
        let folder = try ChangesRunFolder()
        defer { folder.remove() }
        let later = try folder.writeRun("2026-12-01", asOf: "2026-12-01T00:00:00+08:00")
        let located = try locate(folder, .directory(later))
        #expect(located.previous?.asOf == "2026-12-01T00:00:00+08:00")
        #expect(located.warning == nil)
    }

    @Test func compareToADirectoryOfRunsPicksTheLatestEarlierOne() throws {
        let folder = try ChangesRunFolder()
        defer { folder.remove() }
        let elsewhere = try ChangesRunFolder()
        defer { elsewhere.remove() }
        try elsewhere.writeRun("2026-11-20", asOf: "2026-11-20T00:00:00+08:00")
        try elsewhere.writeRun("2026-11-21", asOf: "2026-11-21T00:00:00+08:00")
        try elsewhere.writeRun("2026-11-30", asOf: "2026-11-30T00:00:00+08:00")
        let located = try locate(folder, .directory(elsewhere.root))
        #expect(located.previous?.asOf == "2026-11-21T00:00:00+08:00")

        let empty = folder.url("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let none = try locate(folder, .directory(empty))
        #expect(none.previous == nil)
        #expect(none.warning?.contains("No run earlier") == true)

        let missing = try locate(folder, .directory(folder.url("nowhere")))
        #expect(missing.previous == nil)
        #expect(missing.warning?.contains("nowhere") == true)
    }

    @Test func readsThePreviousFilesThroughTheCSVForm() throws {
        let folder = try ChangesRunFolder()
        defer { folder.remove() }
        try folder.writeRun(
            "2026-11-24", asOf: "2026-11-24T00:00:00.250+08:00",
            findings: [
                ChangesRunFolder.findingRow(.fetchFailed, "u9", "u9"),
                // The formula guard: the writer put a `'` before `-` and `=`.
                ChangesRunFolder.findingRow(.recycleStatusUncovered, "'-3", "u1", name: "'=SUM(A1)"),
                ChangesRunFolder.findingRow(.lineSaturated, "L1", "u1;u1/s%3B1", name: "线路 \"一\"", suppressed: true),
                ChangesRunFolder.findingRow(.lineExpired, "'x", "u1"),
            ],
            lines: [
                ChangesRunFolder.lineRow("L1", name: "a,b\r\nc", concurrency: "", availableAt: "", "u1;u1/s%3B1"),
                ChangesRunFolder.lineRow("'+86", concurrency: "-5", availableAt: "2027-01-01 00:00:00", "u1"),
            ])
        let previous = try #require(try locate(folder).previous)
        #expect(previous.asOfDate == (try instant("2026-11-24T00:00:00.250+08:00")))
        #expect(previous.timeZone?.identifier == "Asia/Shanghai")
        #expect(previous.failedAccounts == [ScalarKey("u9")])
        #expect(previous.findings.map(\.objectID) == ["u9", "-3", "L1", "'x"])
        #expect(previous.findings[1].objectName == "=SUM(A1)")
        #expect(previous.findings[2].accounts == ["u1", "u1/s%3B1"])
        #expect(previous.findings[2].objectName == "线路 \"一\"")
        #expect(previous.findings.map(\.suppressed) == [false, false, true, false])
        #expect(
            previous.lines == [
                PreviousLine(lineID: "L1", name: "a,b\r\nc", concurrency: nil, availableAtText: "", accounts: ["u1", "u1/s%3B1"]),
                PreviousLine(lineID: "+86", name: "", concurrency: -5, availableAtText: "2027-01-01 00:00:00", accounts: ["u1"]),
            ])

        // And compared: nothing moved but the status finding's object id, which matches once unguarded.
        let a = ChangesFixture.account("u1", order: 0)
        let s = ChangesFixture.account("u1", "s;1", order: 1)
        let current = ChangesFixture.report(
            asOf: try instant("2026-11-25T00:00:00+08:00"), accounts: [(a, true), (s, true)],
            lines: [
                ChangesFixture.line("L1", concurrency: nil, availableAt: nil, [a, s]),
                ChangesFixture.line("+86", concurrency: -5, availableAt: try ChangesFixture.local("2027-01-01 00:00:00"), [a]),
            ],
            findings: [
                ChangesFixture.finding(.recycleStatusUncovered, "-3", [a]),
                ChangesFixture.finding(.lineSaturated, "L1", [s, a]),
                ChangesFixture.finding(.lineExpired, "'x", [a]),
            ])
        let comparison = ChangeDetector.makeComparison(current: current, located: try locate(folder))
        #expect(comparison.previous?.asOf == "2026-11-24T00:00:00.250+08:00")
        #expect(comparison.changes.map(\.change) == [.findingResolved])
        #expect(comparison.changes.first?.checkID == "FETCH_FAILED")
    }

    @Test func readsTheColumnsTheWriterWrites() {
        #expect(PreviousRunReader.findingsColumns == ReportCSV.Table.findings.header)
        #expect(PreviousRunReader.linesColumns == ReportCSV.Table.lines.header)
    }

    @Test(arguments: [true, false])
    func readsBackWhatTheCSVWriterWritesAndFindsNoChange(bom: Bool) throws {
        // Ids and names that the formula guard, the quoting and the key escaping all touch.
        let a = ChangesFixture.account("-u1", order: 0)
        let s = ChangesFixture.account("-u1", "=s;1", order: 1)
        let failed = ChangesFixture.account("@u2", order: 2)
        let report = ChangesFixture.report(
            asOf: try instant("2026-11-25T00:00:00+08:00"), accounts: [(a, true), (s, true), (failed, false)],
            lines: [
                ChangesFixture.line(
                    "=1", name: "a,\"b\"\r\nc", concurrency: -5,
                    availableAt: try ChangesFixture.local("2027-01-01 00:00:00").addingTimeInterval(0.999), [s, a]),
                ChangesFixture.line("+86", name: "\t线路", concurrency: nil, availableAt: nil, [a]),
            ],
            findings: [
                ChangesFixture.finding(.fetchFailed, failed.key, [failed]),
                ChangesFixture.finding(.lineExpired, "=1", [a, s], suppressedBy: "退订, \"工单\" 4521"),
                ChangesFixture.finding(.recycleStatusUncovered, "-3", [s]),
                ChangesFixture.finding(.scriptGroupDebug, "", [a]),
            ])

        let folder = try ChangesRunFolder()
        defer { folder.remove() }
        let dir = folder.url("2026-11-24")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try ChangesRunFolder.manifest(asOf: "2026-11-24T00:00:00+08:00").write(to: dir.appendingPathComponent("manifest.json"))
        for table in [ReportCSV.Table.findings, .lines] {
            try Data(ReportPath.csv(table, of: report, bom: bom)).write(to: dir.appendingPathComponent(table.fileName))
        }

        let previous = try #require(try locate(folder).previous)
        #expect(previous.lines.map(\.lineID) == ["=1", "+86"])
        #expect(previous.lines.map(\.name) == ["a,\"b\"\r\nc", "\t线路"])
        #expect(previous.lines.map(\.accounts) == [["-u1", "-u1/=s%3B1"], ["-u1"]])
        #expect(previous.lines.map(\.availableAtText) == ["2027-01-01 00:00:00", ""])
        #expect(previous.findings.map(\.objectID) == ["@u2", "=1", "-3", ""])
        #expect(previous.findings.map(\.suppressed) == [false, true, false, false])
        #expect(previous.failedAccounts == [ScalarKey("@u2")])
        #expect(ChangeDetector.compare(current: report, previous: previous) == [])
    }

    @Test func readsFilesWithoutAByteOrderMark() throws {
        let folder = try ChangesRunFolder()
        defer { folder.remove() }
        let dir = try folder.writeRun("2026-11-24", asOf: "2026-11-24T00:00:00+08:00")
        try ChangesRunFolder.csv([PreviousRunReader.findingsColumns], bom: false)
            .write(to: dir.appendingPathComponent("findings.csv"))
        let located = try locate(folder)
        #expect(located.previous?.findings == [])
        #expect(located.warning == nil)
    }

    @Test(arguments: [
        ("2026-11-25", "2026-11-25"), ("2026-11-25-interrupted", "2026-11-25"), ("2026-11-2", nil),
        ("2026-11-250", nil), ("20261125", nil), ("latest", nil), ("2026_11_25", nil),
    ] as [(String, String?)])
    func readsTheDateOfARunDirectoryName(_ name: String, _ date: String?) {
        #expect(RunDirectoryName.date(name) == date)
    }

    @Test(arguments: [
        ("2026-11-25", true), ("2026-11-25-interrupted", true), ("my-runs", true), ("latest", false),
        (".2026-11-25", false), (".tmp-2026", false), ("2026-11-25.tmp", false), ("2026-11-25.tmp-8f3a", false),
        ("tmp2026", false),
    ])
    func tellsRunDirectoryNamesFromOthers(_ name: String, _ isRun: Bool) {
        #expect(RunDirectoryName.canBeRun(name) == isRun)
    }
}
