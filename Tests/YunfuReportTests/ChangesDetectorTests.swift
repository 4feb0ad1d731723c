import Foundation
import Testing

@testable import YunfuReport

/// Plain values for the change tests: a current `Report` and a `PreviousRunFiles`.
enum ChangesFixture {
    static let shanghai = TimeZone(identifier: "Asia/Shanghai") ?? .gmt

    static func account(_ user: String, _ sub: String? = nil, order: Int) -> AccountRef {
        AccountRef(id: AccountID(userID: user, subUserID: sub), label: "", order: order)
    }

    /// A `YYYY-MM-DD HH:MM:SS` text in `zone` as an instant.
    static func local(_ text: String, _ zone: TimeZone = shanghai) throws -> Date {
        try #require(DateText.instant(plain: text, in: zone))
    }

    static func line(
        _ id: String, name: String = "", concurrency: Int64? = 10, availableAt: Date?, _ accounts: [AccountRef]
    ) -> LineRow {
        LineRow(
            lineID: id, name: name.isEmpty ? "name-\(id)" : name, remark: "", belongUser: "", lineType: "",
            bindType: "", node: "", concurrency: concurrency, residue: 0, inUse: nil, utilization: nil,
            availableAt: availableAt, daysToExpiry: nil, expiryStatus: availableAt == nil ? .unknown : .ok,
            accounts: accounts)
    }

    static func finding(
        _ check: CheckID, _ id: String, _ accounts: [AccountRef], severity: Severity? = nil,
        suppressedBy: String? = nil
    ) -> Finding {
        Finding(
            checkID: check, severity: severity ?? check.severity, objectType: check.objectType, objectID: id,
            objectName: "obj-\(id)", accounts: accounts, message: "m", suppressedBy: suppressedBy)
    }

    static func report(
        asOf: Date, zone: TimeZone = shanghai, accounts: [(AccountRef, ok: Bool)], lines: [LineRow],
        findings: [Finding]
    ) -> Report {
        Report(
            asOf: asOf, timeZone: zone, settings: ReportSettings(outputRoot: URL(fileURLWithPath: "/tmp/none")),
            run: RunStatus(),
            accounts: accounts.map { account, ok in
                AccountRow(
                    account: account, error: ok ? nil : "HTTP 503", attempts: 1, lines: nil, totalConcurrency: nil,
                    totalResidue: nil, scriptGroups: nil, activeScriptGroups: nil, recycleRules: nil,
                    enabledRecycleRules: nil, maxRecycleLimit: nil, warnings: 0)
            },
            lines: lines, nodes: [], engines: [], statuses: [], coverage: [], findings: findings,
            warnings: [])
    }

    static func previousFinding(
        _ check: CheckID, _ id: String, _ accounts: [String], severity: Severity? = nil, suppressed: Bool = false
    ) -> PreviousFinding {
        PreviousFinding(
            severity: severity ?? check.severity, checkID: check.rawValue, objectType: check.objectType.rawValue,
            objectID: id, objectName: "old-\(id)", accounts: accounts, suppressed: suppressed)
    }

    static func previousLine(
        _ id: String, concurrency: Int64? = 10, availableAt: String, _ accounts: [String]
    ) -> PreviousLine {
        PreviousLine(
            lineID: id, name: "old-name-\(id)", concurrency: concurrency, availableAtText: availableAt,
            accounts: accounts)
    }

    static func previous(
        findings: [PreviousFinding], lines: [PreviousLine], zone: TimeZone? = shanghai, complete: Bool = true
    ) -> PreviousRunFiles {
        PreviousRunFiles(
            runDir: "/out/2026-11-24", asOf: "2026-11-24T00:00:00+08:00",
            asOfDate: Date(timeIntervalSince1970: 1_795_449_600), complete: complete, timeZone: zone,
            findings: findings, lines: lines)
    }

    static func findingRow(
        _ change: ChangeKind, _ check: CheckID, _ id: String, accounts: String, name: String,
        severity: Severity? = nil, before: String = "", after: String = ""
    ) -> ChangeRow {
        ChangeRow(
            change: change, checkID: check.rawValue, severity: (severity ?? check.severity).rawValue,
            objectType: check.objectType.rawValue, objectID: id, objectName: name, accounts: accounts,
            before: before, after: after)
    }

    static func lineRow(
        _ change: ChangeKind, _ id: String, accounts: String, name: String, before: String = "", after: String = ""
    ) -> ChangeRow {
        ChangeRow(
            change: change, checkID: "", severity: "", objectType: "line", objectID: id, objectName: name,
            accounts: accounts, before: before, after: after)
    }
}

@Suite("Changes since the previous run")
struct ChangesDetectorTests {
    typealias F = ChangesFixture
    let a = F.account("u1", order: 0)
    let b = F.account("u1", "s1", order: 1)
    let c = F.account("u2", order: 2)
    let d = F.account("u3", order: 3)

    @Test func findsEveryKindOfChange() throws {
        let asOf = try F.local("2026-11-25 00:00:00")
        let current = F.report(
            asOf: asOf, accounts: [(a, true), (b, true), (c, true)],
            lines: [
                F.line("L1", availableAt: try F.local("2027-01-10 00:00:00"), [a]),
                F.line("L2", concurrency: 5, availableAt: nil, [a, b]),
                F.line("L3", availableAt: try F.local("2026-12-20 12:00:00"), [a]),
                F.line("L4", concurrency: 60, availableAt: try F.local("2027-02-01 00:00:00"), [c]),
                F.line("L5", availableAt: try F.local("2027-05-05 05:05:05"), [b, a]),
                F.line(
                    "L7", availableAt: try F.local("2027-02-01 00:00:00").addingTimeInterval(0.75), [a]),
                F.line("L8", concurrency: nil, availableAt: nil, [a]),
                F.line("L9", availableAt: try F.local("2026-11-01 00:00:00"), [a]),
            ],
            findings: [
                F.finding(.lineExpired, "L9", [a], suppressedBy: "known"),
                F.finding(.lineExpiresSoon, "L1", [a]),
                F.finding(.accountNoRecycle, "u1", [a]),
                F.finding(.lineExpiryUnknown, "L2", [a, b]),
                F.finding(.recycleStatusUncovered, "6", [c]),
            ])
        let previous = F.previous(
            findings: [
                F.previousFinding(.accountNoRecycle, "u1", ["u1"], severity: .high),
                F.previousFinding(.lineExpiresUpcoming, "L1", ["u1"]),
                F.previousFinding(.lineExpiryUnknown, "L2", ["u1"]),
                F.previousFinding(.recycleStatusUncovered, "6", ["u1"]),
                F.previousFinding(.scriptGroupDebug, "12", ["u2"], suppressed: true),
            ],
            lines: [
                F.previousLine("L1", availableAt: "2026-12-01 00:00:00", ["u1"]),
                F.previousLine("L2", concurrency: 5, availableAt: "", ["u1"]),
                F.previousLine("L3", availableAt: "2027-03-01 00:00:00", ["u1"]),
                F.previousLine("L4", concurrency: 50, availableAt: "2027-02-01 00:00:00", ["u2"]),
                F.previousLine("L6", availableAt: "2026-11-30 23:59:59", ["u1", "u2"]),
                F.previousLine("L7", availableAt: "2027-02-01 00:00:00", ["u1"]),
                F.previousLine("L8", concurrency: 20, availableAt: "2027-01-01 00:00:00", ["u1"]),
                F.previousLine("L9", availableAt: "2026-11-01 00:00:00", ["u1"]),
            ])

        let rows = ChangeDetector.compare(current: current, previous: previous)
        let expected: [ChangeRow] = [
            F.findingRow(.findingNew, .lineExpired, "L9", accounts: "u1", name: "obj-L9"),
            F.findingRow(.findingNew, .recycleStatusUncovered, "6", accounts: "u2", name: "obj-6"),
            F.findingRow(.findingResolved, .recycleStatusUncovered, "6", accounts: "u1", name: "old-6"),
            F.findingRow(.findingResolved, .scriptGroupDebug, "12", accounts: "u2", name: "old-12"),
            // Upcoming → soon: the line's expiry got closer, one severity row, not new + resolved.
            F.findingRow(
                .findingSeverity, .lineExpiresSoon, "L1", accounts: "u1", name: "obj-L1", severity: .high,
                before: "medium", after: "high"),
            F.findingRow(
                .findingSeverity, .accountNoRecycle, "u1", accounts: "u1", name: "obj-u1", severity: .medium,
                before: "high", after: "medium"),
            F.lineRow(.lineNew, "L5", accounts: "u1;u1/s1", name: "name-L5", after: "2027-05-05 05:05:05"),
            F.lineRow(.lineGone, "L6", accounts: "u1;u2", name: "old-name-L6", before: "2026-11-30 23:59:59"),
            F.lineRow(
                .lineRenewed, "L1", accounts: "u1", name: "name-L1", before: "2026-12-01 00:00:00",
                after: "2027-01-10 00:00:00"),
            F.lineRow(
                .lineShortened, "L3", accounts: "u1", name: "name-L3", before: "2027-03-01 00:00:00",
                after: "2026-12-20 12:00:00"),
            F.lineRow(.lineCapacity, "L4", accounts: "u2", name: "name-L4", before: "50", after: "60"),
            F.lineRow(.lineCapacity, "L8", accounts: "u1", name: "name-L8", before: "20", after: ""),
        ]
        #expect(rows == expected)
        // Every kind of the table shows up.
        #expect(Set(rows.map(\.change)) == Set(ChangeKind.allCases))
    }

    @Test func leavesOutWhatAFailedAccountExplains() throws {
        let asOf = try F.local("2026-11-25 00:00:00")
        // a: ok in both runs; c: failed now; d: failed in the previous run.
        let current = F.report(
            asOf: asOf, accounts: [(a, true), (c, false), (d, true)],
            lines: [
                F.line("L14", availableAt: nil, [d]),
                F.line("L15", availableAt: nil, [a, d]),
                F.line("L16", availableAt: try F.local("2027-06-01 00:00:00"), [a]),
                F.line("L17", concurrency: 99, availableAt: nil, [a, d]),
                F.line("L18", concurrency: 30, availableAt: nil, [a]),
                F.line("L20", availableAt: nil, [a, d]),
                F.line("L21", availableAt: nil, [a]),
            ],
            findings: [
                F.finding(.fetchFailed, "u2", [c]),
                F.finding(.lineExpiresSoon, "L20", [a, d]),
                F.finding(.lineExpiresSoon, "L21", [a]),
                F.finding(.accountNoLines, "u3", [d]),
            ])
        let previous = F.previous(
            findings: [
                F.previousFinding(.fetchFailed, "u3", ["u3"]),
                F.previousFinding(.lineSaturated, "L22", ["u1", "u2"]),
                F.previousFinding(.lineSaturated, "L23", ["u1"]),
                F.previousFinding(.accountNoRecycle, "u2", ["u2"]),
            ],
            lines: [
                F.previousLine("L12", availableAt: "", ["u2"]),
                F.previousLine("L13", availableAt: "", ["u1", "u2"]),
                F.previousLine("L16", availableAt: "2027-01-01 00:00:00", ["u1", "u2"]),
                F.previousLine("L17", concurrency: 10, availableAt: "", ["u1"]),
                F.previousLine("L18", concurrency: 10, availableAt: "", ["u1"]),
                F.previousLine("L21", availableAt: "", ["u1"]),
            ])

        let rows = ChangeDetector.compare(current: current, previous: previous)
        let expected: [ChangeRow] = [
            // FETCH_FAILED is compared like any finding.
            F.findingRow(.findingNew, .fetchFailed, "u2", accounts: "u2", name: "obj-u2"),
            // L20 names u3, which failed before: left out. ACCOUNT_NO_LINES of u3 likewise.
            F.findingRow(.findingNew, .lineExpiresSoon, "L21", accounts: "u1", name: "obj-L21"),
            F.findingRow(.findingResolved, .fetchFailed, "u3", accounts: "u3", name: "old-u3"),
            // L22 names u2, which failed now; ACCOUNT_NO_RECYCLE of u2 likewise.
            F.findingRow(.findingResolved, .lineSaturated, "L23", accounts: "u1", name: "old-L23"),
            // L14 is seen only by u3 (failed before); L15 and L20 also by u1.
            F.lineRow(.lineNew, "L15", accounts: "u1;u3", name: "name-L15"),
            F.lineRow(.lineNew, "L20", accounts: "u1;u3", name: "name-L20"),
            // L12 was seen only by u2 (failed now); L13 also by u1.
            F.lineRow(.lineGone, "L13", accounts: "u1;u2", name: "old-name-L13"),
            // L16 was listed for u2 and L17 is for u3: not compared. L18 is.
            F.lineRow(.lineCapacity, "L18", accounts: "u1", name: "name-L18", before: "10", after: "30"),
        ]
        #expect(rows == expected)
    }

    @Test func takesFailedAccountsFromFetchFailedFindingsToo() throws {
        // No accounts.csv row says u2 failed, but its FETCH_FAILED finding does.
        let current = F.report(
            asOf: try F.local("2026-11-25 00:00:00"), accounts: [(a, true)], lines: [],
            findings: [F.finding(.fetchFailed, "u2", [c])])
        let previous = F.previous(
            findings: [F.previousFinding(.accountNoRecycle, "u2", ["u2"])],
            lines: [F.previousLine("L1", availableAt: "", ["u2"])])
        let rows = ChangeDetector.compare(current: current, previous: previous)
        #expect(rows == [F.findingRow(.findingNew, .fetchFailed, "u2", accounts: "u2", name: "obj-u2")])
    }

    @Test func keysLineFindingsWithoutTheirAccountsAndOthersWithThem() throws {
        let current = F.report(
            asOf: try F.local("2026-11-25 00:00:00"), accounts: [(a, true), (b, true)], lines: [],
            findings: [
                F.finding(.lineExpiresSoon, "L1", [a, b]),
                F.finding(.scriptGroupDebug, "7", [b]),
            ])
        let previous = F.previous(
            findings: [
                F.previousFinding(.lineExpiresSoon, "L1", ["u1"]),
                F.previousFinding(.scriptGroupDebug, "7", ["u1"]),
            ], lines: [])
        let rows = ChangeDetector.compare(current: current, previous: previous)
        #expect(
            rows == [
                F.findingRow(.findingNew, .scriptGroupDebug, "7", accounts: "u1/s1", name: "obj-7"),
                F.findingRow(.findingResolved, .scriptGroupDebug, "7", accounts: "u1", name: "old-7"),
            ])
    }

    @Test func comparesSuppressedFindingsLikeTheOthers() throws {
        let current = F.report(
            asOf: try F.local("2026-11-25 00:00:00"), accounts: [(a, true)], lines: [],
            findings: [
                F.finding(.lineExpiryUnknown, "L1", [a], suppressedBy: "退订"),
                F.finding(.lineExpiryUnknown, "L2", [a], suppressedBy: "退订"),
            ])
        let previous = F.previous(
            findings: [
                F.previousFinding(.lineExpiryUnknown, "L1", ["u1"]),
                F.previousFinding(.lineExpiryUnknown, "L3", ["u1"], suppressed: true),
            ], lines: [])
        let rows = ChangeDetector.compare(current: current, previous: previous)
        #expect(rows.map(\.change) == [.findingNew, .findingResolved])
        #expect(rows.map(\.objectID) == ["L2", "L3"])
    }

    @Test func pairsRepeatedKeysOneByOne() throws {
        // Two active debug groups without an id in one account share a key.
        let current = F.report(
            asOf: try F.local("2026-11-25 00:00:00"), accounts: [(a, true)], lines: [],
            findings: [F.finding(.scriptGroupDebug, "", [a]), F.finding(.scriptGroupDebug, "", [a])])
        let one = F.previous(findings: [F.previousFinding(.scriptGroupDebug, "", ["u1"])], lines: [])
        #expect(ChangeDetector.compare(current: current, previous: one).map(\.change) == [.findingNew])
        let two = F.previous(
            findings: [F.previousFinding(.scriptGroupDebug, "", ["u1"]), F.previousFinding(.scriptGroupDebug, "", ["u1"])],
            lines: [])
        #expect(ChangeDetector.compare(current: current, previous: two).isEmpty)
    }

    @Test func comparesDatesAcrossTimeZonesAndWritesThemInThisRunsZone() throws {
        // The previous run wrote its dates in UTC; this one writes Beijing time.
        let current = F.report(
            asOf: try F.local("2026-11-25 00:00:00"), accounts: [(a, true)],
            lines: [
                F.line("same", availableAt: try F.local("2027-01-01 08:00:00"), [a]),
                F.line("later", availableAt: try F.local("2027-01-01 08:00:01"), [a]),
            ],
            findings: [])
        let previous = F.previous(
            findings: [],
            lines: [
                F.previousLine("same", availableAt: "2027-01-01 00:00:00", ["u1"]),
                F.previousLine("later", availableAt: "2027-01-01 00:00:00", ["u1"]),
                F.previousLine("gone", availableAt: "2026-12-31 20:00:00", ["u1"]),
            ], zone: .gmt)
        let rows = ChangeDetector.compare(current: current, previous: previous)
        #expect(
            rows == [
                F.lineRow(.lineGone, "gone", accounts: "u1", name: "old-name-gone", before: "2027-01-01 04:00:00"),
                F.lineRow(
                    .lineRenewed, "later", accounts: "u1", name: "name-later", before: "2027-01-01 08:00:00",
                    after: "2027-01-01 08:00:01"),
            ])
    }

    @Test func aDateBecomingKnownOrUnknownIsNoRenewal() throws {
        let current = F.report(
            asOf: try F.local("2026-11-25 00:00:00"), accounts: [(a, true)],
            lines: [
                F.line("known-now", availableAt: try F.local("2027-01-01 00:00:00"), [a]),
                F.line("unknown-now", availableAt: nil, [a]),
            ],
            findings: [])
        let previous = F.previous(
            findings: [],
            lines: [
                F.previousLine("known-now", availableAt: "", ["u1"]),
                F.previousLine("unknown-now", availableAt: "2027-01-01 00:00:00", ["u1"]),
            ])
        #expect(ChangeDetector.compare(current: current, previous: previous).isEmpty)
    }

    @Test func sortsByKindSeverityCheckAndObjectIDAsText() {
        func row(_ change: ChangeKind, _ severity: String, _ check: String, _ id: String) -> ChangeRow {
            ChangeRow(
                change: change, checkID: check, severity: severity, objectType: "x", objectID: id, objectName: "",
                accounts: "", before: "", after: "")
        }
        let ordered = [
            row(.findingNew, "critical", "LINE_EXPIRED", "L"),
            row(.findingNew, "high", "ACCOUNT_NO_LINES", "a"),
            row(.findingNew, "high", "LINE_EXPIRES_SOON", "10"),
            row(.findingNew, "high", "LINE_EXPIRES_SOON", "9"),
            row(.findingNew, "high", "LINE_EXPIRES_SOON", "Z"),
            row(.findingNew, "high", "LINE_EXPIRES_SOON", "a"),
            row(.findingNew, "high", "LINE_EXPIRES_SOON", "e\u{301}"),
            row(.findingNew, "high", "LINE_EXPIRES_SOON", "\u{E9}"),
            row(.findingNew, "info", "SCRIPT_GROUP_ENGINE_UNSET", "1"),
            row(.findingResolved, "critical", "FETCH_FAILED", "u9"),
            row(.findingResolved, "low", "LINE_EXPIRY_UNKNOWN", "0"),
            row(.findingSeverity, "medium", "ACCOUNT_NO_RECYCLE", "u1"),
            row(.lineNew, "", "", "1"),
            row(.lineNew, "", "", "A"),
            row(.lineGone, "", "", "0"),
            row(.lineRenewed, "", "", "0"),
            row(.lineShortened, "", "", "0"),
            row(.lineCapacity, "", "", "0"),
        ]
        #expect(ChangeDetector.sorted(ordered.reversed()) == ordered)
        #expect(ChangeDetector.sorted(ordered.shuffled()) == ordered)
    }

    @Test func makesAComparisonOrSaysWhyNot() throws {
        let current = F.report(
            asOf: try F.local("2026-11-25 00:00:00"), accounts: [(a, true)], lines: [],
            findings: [F.finding(.accountNoLines, "u1", [a])])
        let previous = F.previous(findings: [], lines: [], complete: false)

        let compared = ChangeDetector.makeComparison(
            current: current, located: LocatedPrevious(previous: previous, warning: "skipped x"))
        #expect(
            compared.previous
                == PreviousRun(runDir: "/out/2026-11-24", asOf: "2026-11-24T00:00:00+08:00", complete: false))
        #expect(compared.changes.map(\.change) == [.findingNew])

        let none = ChangeDetector.makeComparison(
            current: current, located: LocatedPrevious(previous: nil, warning: "its findings.csv is missing"))
        #expect(none.previous == nil)
        #expect(none.changes.isEmpty)
        #expect(none.warning == "its findings.csv is missing")
    }

    @Test func aRunComparedWithItselfHasNoChange() throws {
        let current = F.report(
            asOf: try F.local("2026-11-25 00:00:00"), accounts: [(a, true), (c, false)],
            lines: [F.line("L1", availableAt: try F.local("2027-01-01 00:00:00"), [a])],
            findings: [F.finding(.fetchFailed, "u2", [c]), F.finding(.lineExpiresUpcoming, "L1", [a])])
        let previous = F.previous(
            findings: [
                F.previousFinding(.fetchFailed, "u2", ["u2"]), F.previousFinding(.lineExpiresUpcoming, "L1", ["u1"]),
            ],
            lines: [F.previousLine("L1", availableAt: "2027-01-01 00:00:00", ["u1"])])
        #expect(ChangeDetector.compare(current: current, previous: previous).isEmpty)
    }
}
