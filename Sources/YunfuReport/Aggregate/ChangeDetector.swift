import Foundation

/// `changes.csv`: the differences between this run and the previous one
/// (`changes-and-suppressions.md`), a pure function of the two.
enum ChangeDetector {
    /// The comparison the report carries: `.compared` when a previous run was found and read,
    /// else `.none` with the locator's warning. (The manifest's `compare_warning` is
    /// `located.warning` in both cases: a run can be compared and still have skipped a directory.)
    static func makeComparison(current: Report, located: LocatedPrevious) -> Comparison {
        guard let previous = located.previous else { return .none(warning: located.warning) }
        return .compared(previous.previousRun, changes: compare(current: current, previous: previous))
    }

    /// Every change row, in the contract's order.
    static func compare(current: Report, previous: PreviousRunFiles) -> [ChangeRow] {
        var failedNow: Set<ScalarKey> = []
        for row in current.accounts where !row.ok { failedNow.insert(ScalarKey(row.account.key)) }
        for finding in current.findings where finding.checkID == .fetchFailed || finding.checkID == .runInterrupted {
            for account in finding.accounts { failedNow.insert(ScalarKey(account.key)) }
        }
        let failedBefore = previous.failedAccounts
        let failedEither = failedNow.union(failedBefore)

        var rows = findingChanges(current: current.findings, previous: previous.findings, failedEither: failedEither)
        rows += lineChanges(
            current: current.lines, previous: previous.lines, zone: current.timeZone,
            previousZone: previous.timeZone ?? current.timeZone, failedNow: failedNow, failedBefore: failedBefore)
        return sorted(rows)
    }

    // MARK: - Findings

    /// (`check_id`, `object_type`, `object_id`), plus the accounts for findings naming one account.
    private struct FindingKey: Hashable {
        var checkID: ScalarKey
        var objectType: ScalarKey
        var objectID: ScalarKey
        var accounts: ScalarKey?

        /// The check id a finding is paired by: one for the expiry checks of a line.
        static func family(_ checkID: String) -> String {
            ChangeDetector.expiryFamily.contains(checkID) ? "LINE_EXPIRY" : checkID
        }

        init(checkID: String, objectType: String, objectID: String, accounts: [String]) {
            self.checkID = ScalarKey(Self.family(checkID))
            self.objectType = ScalarKey(objectType)
            self.objectID = ScalarKey(objectID)
            let namesOneAccount = ObjectType(rawValue: objectType)?.namesOneAccount ?? true
            self.accounts = namesOneAccount ? ScalarKey(accounts.sortedByScalars().joined(separator: ";")) : nil
        }
    }

    /// The expiry checks of one line (`LINE_EXPIRES_UPCOMING` → `LINE_EXPIRES_SOON` →
    /// `LINE_EXPIRED`) are one finding whose severity changes as the expiry gets closer (or, after
    /// a renewal, further): a line moving between them is a `finding_severity` row under its new
    /// check id, never a new finding beside a "resolved" one (decisions.md).
    private static let expiryFamily: Set<String> = [
        CheckID.lineExpired.rawValue, CheckID.lineExpiresSoon.rawValue, CheckID.lineExpiresUpcoming.rawValue,
    ]

    private static func findingChanges(
        current: [Finding], previous: [PreviousFinding], failedEither: Set<ScalarKey>
    ) -> [ChangeRow] {
        /// Not `FETCH_FAILED`, and naming an account that failed in either run.
        func leftOut(_ checkID: String, _ accounts: [String]) -> Bool {
            !ScalarOrder.equal(checkID, CheckID.fetchFailed.rawValue)
                && accounts.contains { failedEither.contains(ScalarKey($0)) }
        }

        // Occurrences per key, in order: the n-th of a key now pairs with its n-th before (keys are
        // unique with today's checks, but a script group without an id can repeat one).
        var before: [FindingKey: [PreviousFinding]] = [:]
        for finding in previous {
            let key = FindingKey(
                checkID: finding.checkID, objectType: finding.objectType, objectID: finding.objectID,
                accounts: finding.accounts)
            before[key, default: []].append(finding)
        }
        var paired: [FindingKey: Int] = [:]

        var rows: [ChangeRow] = []
        for finding in current {
            let keys = finding.accountKeys
            let key = FindingKey(
                checkID: finding.checkID.rawValue, objectType: finding.objectType.rawValue,
                objectID: finding.objectID, accounts: keys)
            let index = paired[key, default: 0]
            if let old = before[key], index < old.count {
                paired[key] = index + 1
                if old[index].severity != finding.severity {
                    rows.append(row(.findingSeverity, finding, before: old[index].severity.rawValue,
                                    after: finding.severity.rawValue))
                }
            } else if !leftOut(finding.checkID.rawValue, keys) {
                rows.append(row(.findingNew, finding, before: "", after: ""))
            }
        }
        for (key, old) in before {
            for finding in old.dropFirst(paired[key, default: 0])
            where !leftOut(finding.checkID, finding.accounts) {
                rows.append(
                    ChangeRow(
                        change: .findingResolved, checkID: finding.checkID, severity: finding.severity.rawValue,
                        objectType: finding.objectType, objectID: finding.objectID, objectName: finding.objectName,
                        accounts: finding.accounts.joined(separator: ";"), before: "", after: ""))
            }
        }
        return rows
    }

    private static func row(_ change: ChangeKind, _ finding: Finding, before: String, after: String) -> ChangeRow {
        ChangeRow(
            change: change, checkID: finding.checkID.rawValue, severity: finding.severity.rawValue,
            objectType: finding.objectType.rawValue, objectID: finding.objectID, objectName: finding.objectName,
            accounts: finding.accountKeys.joined(separator: ";"), before: before, after: after)
    }

    // MARK: - Lines

    private static func lineChanges(
        current: [LineRow], previous: [PreviousLine], zone: TimeZone, previousZone: TimeZone,
        failedNow: Set<ScalarKey>, failedBefore: Set<ScalarKey>
    ) -> [ChangeRow] {
        var before: [ScalarKey: PreviousLine] = [:]
        for line in previous where before[ScalarKey(line.lineID)] == nil { before[ScalarKey(line.lineID)] = line }
        let sameZone = zone.identifier == previousZone.identifier

        /// A previous `available_at` as this run writes it, and as an instant.
        func previousDate(_ text: String) -> (text: String, date: Date?) {
            guard !text.isEmpty else { return ("", nil) }
            let date = DateText.instant(plain: text, in: previousZone)
            if sameZone { return (text, date) }
            return (date.map { DateText.plain($0, in: zone) } ?? text, date)
        }

        var rows: [ChangeRow] = []
        var seen: Set<ScalarKey> = []
        for line in current {
            let id = ScalarKey(line.lineID)
            guard seen.insert(id).inserted else { continue }
            let keys = line.accountKeys
            let accounts = keys.joined(separator: ";")
            let afterText = line.availableAt.map { DateText.plain($0, in: zone) } ?? ""

            func lineRow(_ change: ChangeKind, before: String, after: String) -> ChangeRow {
                ChangeRow(
                    change: change, checkID: "", severity: "", objectType: ObjectType.line.rawValue,
                    objectID: line.lineID, objectName: line.name, accounts: accounts, before: before, after: after)
            }

            guard let old = before[id] else {
                // New only when some account seeing it now could have seen it before.
                if keys.contains(where: { !failedBefore.contains(ScalarKey($0)) }) {
                    rows.append(lineRow(.lineNew, before: "", after: afterText))
                }
                continue
            }
            // Compared only when every account listed for it, in either run, was fetched in both.
            let listed = keys + old.accounts
            if listed.contains(where: { failedNow.contains(ScalarKey($0)) || failedBefore.contains(ScalarKey($0)) }) {
                continue
            }

            let (beforeText, beforeDate) = previousDate(old.availableAtText)
            if let now = line.availableAt, let beforeDate,
                !(sameZone && ScalarOrder.equal(old.availableAtText, afterText))
            {
                let nowWhole = Date(timeIntervalSinceReferenceDate: now.timeIntervalSinceReferenceDate.rounded(.down))
                if nowWhole > beforeDate {
                    rows.append(lineRow(.lineRenewed, before: beforeText, after: afterText))
                } else if nowWhole < beforeDate {
                    rows.append(lineRow(.lineShortened, before: beforeText, after: afterText))
                }
            }
            if line.concurrency != old.concurrency {
                rows.append(
                    lineRow(
                        .lineCapacity, before: old.concurrency.map(String.init) ?? "",
                        after: line.concurrency.map(String.init) ?? ""))
            }
        }

        for line in previous {
            let id = ScalarKey(line.lineID)
            guard !seen.contains(id) else { continue }
            seen.insert(id)
            // Gone only when some account that saw it then was fetched now.
            guard line.accounts.contains(where: { !failedNow.contains(ScalarKey($0)) }) else { continue }
            rows.append(
                ChangeRow(
                    change: .lineGone, checkID: "", severity: "", objectType: ObjectType.line.rawValue,
                    objectID: line.lineID, objectName: line.name, accounts: line.accounts.joined(separator: ";"),
                    before: previousDate(line.availableAtText).text, after: ""))
        }
        return rows
    }

    // MARK: - Order

    /// By change kind in the table's order, then severity (critical first; line rows have none,
    /// and sort after any that has one), then `check_id`, then `object_id` as text, then (beyond the
    /// contract, so the order is total) `accounts`, `before` and `after` as text.
    static func sorted(_ rows: [ChangeRow]) -> [ChangeRow] {
        let kindRank = Dictionary(uniqueKeysWithValues: ChangeKind.allCases.enumerated().map { ($1, $0) })
        func severityRank(_ text: String) -> Int { Severity(rawValue: text)?.rank ?? Severity.allCases.count }
        return rows.sorted { a, b in
            let ka = kindRank[a.change] ?? 0
            let kb = kindRank[b.change] ?? 0
            if ka != kb { return ka < kb }
            let sa = severityRank(a.severity)
            let sb = severityRank(b.severity)
            if sa != sb { return sa < sb }
            for (x, y) in [(a.checkID, b.checkID), (a.objectID, b.objectID), (a.accounts, b.accounts),
                           (a.before, b.before), (a.after, b.after)]
            where !ScalarOrder.equal(x, y) {
                return ScalarOrder.less(x, y)
            }
            return false
        }
    }
}
