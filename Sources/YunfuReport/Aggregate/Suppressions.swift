import Foundation

/// Acknowledged findings (`changes-and-suppressions.md`, "Suppressions"): which findings the
/// configured suppressions cover, and which suppressions have gone stale.
enum Suppressions {
    /// Marks every finding that a suppression covers with the reason of the FIRST matching
    /// suppression (`Finding.suppressedBy`; nil when none matches), keeping the findings' order,
    /// and lists the stale suppressions in list order.
    ///
    /// A suppression covers a finding when its `check_id` equals the finding's, its `object_id`
    /// (if given) equals the finding's, its `account` (if given) is one of the finding's account
    /// keys (text compared by Unicode scalars), and the as-of date in `timeZone` is not after
    /// `until`. A suppression is stale when its `until` has passed, or when it covers no finding of
    /// this run (a finding an earlier suppression also covers still counts).
    static func apply(
        _ suppressions: [Suppression], to findings: [Finding], asOf: Date, timeZone: TimeZone
    ) -> (findings: [Finding], stale: [StaleSuppression]) {
        var out = findings
        let stale = apply(suppressions, to: &out, asOf: asOf, timeZone: timeZone)
        return (out, stale)
    }

    /// The same, marking the findings where they are (a run's findings are not copied).
    static func apply(
        _ suppressions: [Suppression], to findings: inout [Finding], asOf: Date, timeZone: TimeZone
    ) -> [StaleSuppression] {
        let today = CalendarDay(asOf, in: timeZone)
        let inForce = suppressions.map { suppression in
            guard let until = suppression.until else { return true }
            return !(today > until)
        }
        var used = Array(repeating: false, count: suppressions.count)

        for position in findings.indices {
            var first: String?
            for (index, suppression) in suppressions.enumerated()
            where inForce[index] && covers(suppression, findings[position]) {
                used[index] = true
                if first == nil { first = suppression.reason }
            }
            if findings[position].suppressedBy != first { findings[position].suppressedBy = first }
        }

        var stale: [StaleSuppression] = []
        for (index, suppression) in suppressions.enumerated() {
            if !inForce[index], let until = suppression.until {
                stale.append(
                    StaleSuppression(
                        index: suppression.index, line: suppression.line,
                        why: "Its last day, \(until), has passed (the run is as of \(today))."))
            } else if !used[index] {
                stale.append(
                    StaleSuppression(
                        index: suppression.index, line: suppression.line,
                        why: "It matches no finding of this run (\(describe(suppression)))."))
            }
        }
        return stale
    }

    /// Whether `suppression` names `finding`, its `until` aside.
    static func covers(_ suppression: Suppression, _ finding: Finding) -> Bool {
        guard suppression.checkID == finding.checkID else { return false }
        if let objectID = suppression.objectID, !ScalarOrder.equal(objectID, finding.objectID) { return false }
        if let account = suppression.account,
            !finding.accounts.contains(where: { ScalarOrder.equal($0.key, account) })
        {
            return false
        }
        return true
    }

    private static func describe(_ suppression: Suppression) -> String {
        var parts = ["check_id \(suppression.checkID.rawValue)"]
        if let objectID = suppression.objectID { parts.append("object_id \(objectID.prefixScalars(80))") }
        if let account = suppression.account { parts.append("account \(account.prefixScalars(80))") }
        return parts.joined(separator: ", ")
    }
}
