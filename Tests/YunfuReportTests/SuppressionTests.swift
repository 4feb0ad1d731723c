import Foundation
import Testing

@testable import YunfuReport

@Suite("Suppressions")
struct SuppressionTests {
    static let shanghai = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
    static let main = AccountRef(id: AccountID(userID: "u1"), label: "华东", order: 0)
    static let sub = AccountRef(id: AccountID(userID: "u1", subUserID: "s/1"), label: "华东", order: 1)
    static let other = AccountRef(id: AccountID(userID: "u2"), label: "", order: 2)

    static func finding(_ check: CheckID, _ id: String, _ accounts: [AccountRef]) -> Finding {
        Finding(
            checkID: check, severity: check.severity, objectType: check.objectType, objectID: id,
            objectName: "", accounts: accounts, message: "m", suppressedBy: nil)
    }

    static func suppression(
        _ index: Int, _ check: CheckID, object: String? = nil, account: String? = nil, reason: String,
        until: CalendarDay? = nil
    ) -> Suppression {
        Suppression(
            index: index, line: 10 + index * 3, checkID: check, objectID: object, account: account, reason: reason,
            until: until)
    }

    static func instant(_ text: String) throws -> Date {
        try #require(PreviousRunReader.parseInstant(text))
    }

    static let findings = [
        finding(.lineExpiresSoon, "L1", [main, sub]),
        finding(.lineExpiresSoon, "L2", [other]),
        finding(.accountNoRecycle, "u1", [main]),
        finding(.accountNoRecycle, "u1/s%2F1", [sub]),
        finding(.recycleStatusUncovered, "6", [main]),
        finding(.recycleStatusUncovered, "6", [other]),
    ]

    private func apply(
        _ suppressions: [Suppression], at asOf: String = "2026-11-25T00:00:00+08:00", zone: TimeZone = shanghai
    ) throws -> (findings: [Finding], stale: [StaleSuppression]) {
        Suppressions.apply(suppressions, to: Self.findings, asOf: try Self.instant(asOf), timeZone: zone)
    }

    @Test func suppressesEveryObjectOfACheckWithoutObjectOrAccount() throws {
        let result = try apply([Self.suppression(0, .lineExpiresSoon, reason: "退订中")])
        #expect(result.findings.map(\.suppressedBy) == ["退订中", "退订中", nil, nil, nil, nil])
        #expect(result.stale.isEmpty)
        // Order and everything but the mark are kept.
        #expect(result.findings.map(\.objectID) == Self.findings.map(\.objectID))
        #expect(result.findings[0].fullMessage == "m [suppressed: 退订中]")
        #expect(result.findings[0].suppressed && !result.findings[2].suppressed)
    }

    @Test func matchesTheObjectID() throws {
        let result = try apply([Self.suppression(0, .lineExpiresSoon, object: "L2", reason: "r")])
        #expect(result.findings.map(\.suppressed) == [false, true, false, false, false, false])
    }

    @Test func comparesObjectIDsByUnicodeScalars() {
        let composed = Self.finding(.lineExpiryUnknown, "caf\u{E9}", [Self.main])
        let result = Suppressions.apply(
            [Self.suppression(0, .lineExpiryUnknown, object: "cafe\u{301}", reason: "r")], to: [composed],
            asOf: Date(timeIntervalSince1970: 0), timeZone: .gmt)
        #expect(!result.findings[0].suppressed)
        #expect(result.stale.map(\.index) == [0])
    }

    @Test func matchesAnyOfTheFindingsAccountsByKey() throws {
        // The sub-account's key escapes the `/` inside its id.
        let result = try apply([
            Self.suppression(0, .lineExpiresSoon, account: "u1/s%2F1", reason: "sub"),
            Self.suppression(1, .accountNoRecycle, account: "u1/s%2F1", reason: "no redial on purpose"),
            Self.suppression(2, .recycleStatusUncovered, object: "6", account: "u2", reason: "u2 only"),
        ])
        #expect(result.findings.map(\.suppressedBy) == ["sub", nil, nil, "no redial on purpose", nil, "u2 only"])
        #expect(result.stale.isEmpty)
    }

    @Test func doesNotMatchAnotherCheckOrAnAccountNotNamed() throws {
        let result = try apply([
            Self.suppression(0, .lineExpired, reason: "nothing expired"),
            Self.suppression(1, .lineExpiresSoon, account: "u1/s/1", reason: "unescaped key"),
            Self.suppression(2, .accountNoRecycle, object: "u1", account: "u2", reason: "wrong account"),
        ])
        #expect(result.findings.allSatisfy { !$0.suppressed })
        #expect(result.stale.map(\.index) == [0, 1, 2])
        #expect(result.stale.map(\.line) == [10, 13, 16])
        #expect(result.stale.allSatisfy { $0.why.contains("matches no finding") })
        #expect(result.stale[2].why.contains("ACCOUNT_NO_RECYCLE"))
    }

    @Test func theFirstMatchingReasonWinsAndLaterMatchesAreNotStale() throws {
        let result = try apply([
            Self.suppression(0, .recycleStatusUncovered, account: "u2", reason: "first"),
            Self.suppression(1, .recycleStatusUncovered, reason: "second"),
            Self.suppression(2, .recycleStatusUncovered, object: "6", account: "u2", reason: "third"),
        ])
        #expect(result.findings[4].suppressedBy == "second")
        #expect(result.findings[5].suppressedBy == "first")
        // The third matches a finding an earlier one already covers: it still counts as matched.
        #expect(result.stale.isEmpty)
    }

    @Test func untilIsTheLastDayInTheReportTimeZone() throws {
        let until = CalendarDay(year: 2026, month: 12, day: 31)
        let list = [Self.suppression(0, .lineExpiresSoon, object: "L2", reason: "退订", until: until)]

        let lastSecond = try apply(list, at: "2026-12-31T23:59:59+08:00")
        #expect(lastSecond.findings[1].suppressedBy == "退订")
        #expect(lastSecond.stale.isEmpty)

        let nextDay = try apply(list, at: "2027-01-01T00:00:00+08:00")
        #expect(!nextDay.findings[1].suppressed)
        #expect(nextDay.stale.count == 1)
        let stale = try #require(nextDay.stale.first)
        #expect(stale.index == 0 && stale.line == 10)
        #expect(stale.why.contains("2026-12-31") && stale.why.contains("passed"))

        // The same instant is still 2026-12-31 in UTC: the zone decides.
        let sameInstantUTC = try apply(list, at: "2027-01-01T00:00:00+08:00", zone: .gmt)
        #expect(sameInstantUTC.findings[1].suppressed)
        #expect(sameInstantUTC.stale.isEmpty)
    }

    @Test func untilHoldsInAZoneBehindUTC() throws {
        let zone = try #require(TimeZone(identifier: "America/New_York"))
        let until = CalendarDay(year: 2026, month: 12, day: 31)
        let list = [Self.suppression(0, .accountNoRecycle, reason: "r", until: until)]
        // 2027-01-01 04:59:59 UTC is still 2026-12-31 in New York (UTC−5 in winter).
        let late = try apply(list, at: "2027-01-01T04:59:59Z", zone: zone)
        #expect(late.findings.filter(\.suppressed).count == 2)
        let past = try apply(list, at: "2027-01-01T05:00:00Z", zone: zone)
        #expect(past.findings.allSatisfy { !$0.suppressed })
        #expect(past.stale.map(\.index) == [0])
    }

    @Test func anExpiredSuppressionIsStaleEvenWhenItWouldMatch() throws {
        let list = [
            Self.suppression(0, .lineExpiresSoon, reason: "old", until: CalendarDay(year: 2026, month: 11, day: 24)),
            Self.suppression(1, .lineExpiresSoon, reason: "new"),
        ]
        let result = try apply(list)
        #expect(result.findings[0].suppressedBy == "new")
        #expect(result.stale.map(\.index) == [0])
        #expect(result.stale.first?.why.contains("2026-11-24") == true)
    }

    @Test func reapplyingReplacesAnEarlierMark() throws {
        var marked = Self.findings
        marked[2].suppressedBy = "earlier"
        let result = Suppressions.apply(
            [Self.suppression(0, .lineExpiresSoon, object: "L1", reason: "r")], to: marked,
            asOf: try Self.instant("2026-11-25T00:00:00+08:00"), timeZone: Self.shanghai)
        #expect(result.findings.map(\.suppressedBy) == ["r", nil, nil, nil, nil, nil])
    }

    @Test func staleOnesKeepListOrder() throws {
        let list = [
            Self.suppression(0, .scriptGroupDebug, reason: "a"),
            Self.suppression(1, .lineExpiresSoon, reason: "b"),
            Self.suppression(2, .lineSaturated, reason: "c", until: CalendarDay(year: 2020, month: 1, day: 1)),
            Self.suppression(3, .fetchFailed, reason: "d"),
        ]
        let result = try apply(list)
        #expect(result.stale.map(\.index) == [0, 2, 3])
    }
}
