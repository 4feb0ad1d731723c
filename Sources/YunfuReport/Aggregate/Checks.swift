import Foundation

/// The contract's twelve checks, over the aggregated rows.
extension Aggregator {
    static func findings(
        accounts: [AccountRow],
        lines: [LineRow],
        coverage: CoverageTable,
        scriptGroupFindings: consuming [Finding],
        asOf: Date
    ) -> [Finding] {
        // The script-group findings, made as the accounts came in, are taken over (not copied)
        // and the others added to them: they sort apart (their checks are theirs alone), so the
        // order they are found in does not matter. Counted first: tens of thousands of findings
        // in a large fleet, and a doubling array would hold up to twice that until the run ends.
        var out = scriptGroupFindings
        out.reserveCapacity(
            out.count
            + accounts.reduce(0) { count, row in
                count + (row.error != nil ? 1 : (row.lines == 0 ? 1 : 0) + (row.enabledRecycleRules == 0 ? 1 : 0))
            }
            + lines.reduce(0) { count, line in
                count + (line.expiryStatus != .ok ? 1 : 0) + (line.isSaturated ? 1 : 0)
                    + (capacityProblem(line) != nil ? 1 : 0)
            }
            + coverage.count(where: { $0.required && !$0.covered }))

        var notFetched: [AccountRef] = []
        for row in accounts {
            let account = row.account
            let name = account.label.isEmpty ? account.key : account.label
            if row.notFetched {
                notFetched.append(account)
                continue
            }
            if let error = row.error {
                out.append(
                    finding(.fetchFailed, id: account.key, name: name, accounts: [account], .fetchFailed(error: error)))
                continue
            }
            // The view's distinct lines: none exactly when it lists none (a line needs a line_id).
            if row.lines == 0 {
                out.append(
                    finding(.accountNoLines, id: account.key, name: name, accounts: [account], .accountNoLines))
            }
            if row.enabledRecycleRules == 0 {
                out.append(
                    finding(.accountNoRecycle, id: account.key, name: name, accounts: [account], .accountNoRecycle))
            }
        }

        for line in lines {
            lineFindings(line, asOf: asOf, into: &out)
        }

        for row in coverage where row.required && !row.covered {
            out.append(
                finding(.recycleStatusUncovered, id: String(row.status), name: row.statusName, accounts: [row.account],
                        .recycleStatusUncovered))
        }

        if !notFetched.isEmpty {
            out.append(
                finding(.runInterrupted, id: "", name: "", accounts: notFetched,
                        .runInterrupted(notFetched: notFetched.count, of: accounts.count)))
        }

        sortFindings(&out)
        return out
    }

    /// The findings of one line: its expiry, saturation and capacity checks.
    static func lineFindings(_ line: LineRow, asOf: Date, into out: inout [Finding]) {
        let name = line.name.isEmpty ? line.remark : line.name
        let days = line.daysToExpiry ?? 0
        switch line.expiryStatus {
        case .expired:
            out.append(
                finding(
                    .lineExpired, id: line.lineID, name: name, accounts: line.accounts,
                    .lineExpired(daysAgo: line.availableAt.map { daysToExpiry(asOf, asOf: $0) } ?? -days)))
        case .soon:
            out.append(
                finding(.lineExpiresSoon, id: line.lineID, name: name, accounts: line.accounts, .lineExpires(days: days, at: line.availableAt)))
        case .upcoming:
            out.append(
                finding(.lineExpiresUpcoming, id: line.lineID, name: name, accounts: line.accounts, .lineExpires(days: days, at: line.availableAt)))
        case .unknown:
            out.append(
                finding(.lineExpiryUnknown, id: line.lineID, name: name, accounts: line.accounts, .lineExpiryUnknown))
        case .ok:
            break
        }
        if line.isSaturated {
            out.append(
                finding(.lineSaturated, id: line.lineID, name: name, accounts: line.accounts,
                        .lineSaturated(residue: line.residue ?? 0, concurrency: line.concurrency ?? 0)))
        }
        if let problem = capacityProblem(line) {
            out.append(
                finding(.lineCapacityInvalid, id: line.lineID, name: name, accounts: line.accounts,
                        .lineCapacityInvalid(problem)))
        }
    }

    /// Either figure missing or negative, or `residue` > `line_concurrency`.
    static func capacityProblem(_ line: LineRow) -> CapacityProblem? {
        guard let concurrency = line.concurrency else { return .concurrencyUnknown }
        guard let residue = line.residue else { return .residueUnknown }
        if concurrency < 0 { return .concurrencyNegative(concurrency) }
        if residue < 0 { return .residueNegative(residue) }
        if residue > concurrency { return .residueExceeds(residue: residue, concurrency: concurrency) }
        return nil
    }

    static func finding(
        _ check: CheckID, id: String, name: String, accounts: [AccountRef], _ detail: FindingDetail
    ) -> Finding {
        Finding(
            checkID: check, severity: check.severity, objectType: check.objectType, objectID: id,
            objectName: name, accounts: inAccountOrder(accounts), detail: detail)
    }

    /// The accounts in account order; an array already in order (a line's, merged in account
    /// order) is shared rather than sorted into a copy for each of its findings.
    private static func inAccountOrder(_ accounts: [AccountRef]) -> [AccountRef] {
        let ordered = zip(accounts, accounts.dropFirst()).allSatisfy { $0.order <= $1.order }
        return ordered ? accounts : accounts.sorted { $0.order < $1.order }
    }

    /// Severity, then check id, then object id (numerically when both are integers, else as
    /// text), then the account order of the finding's first account.
    static func sortFindings(_ findings: inout [Finding]) {
        // In place (a copy of the array would double the run's largest table); Swift's sort is
        // stable (SE-0372), so findings equal in every key keep the order they were found in.
        findings.sort { x, y in
            if x.severity != y.severity { return x.severity < y.severity }
            if x.checkID != y.checkID { return x.checkID.rawValue < y.checkID.rawValue }
            let ids = compareObjectIDs(x.objectID, y.objectID)
            if ids != 0 { return ids < 0 }
            return (x.accounts.first?.order ?? Int.max) < (y.accounts.first?.order ?? Int.max)
        }
    }

    /// -1, 0 or 1: numerically when both are integers, else by Unicode scalars.
    static func compareObjectIDs(_ a: String, _ b: String) -> Int {
        if let x = Int64(a), let y = Int64(b), x != y { return x < y ? -1 : 1 }
        if ScalarOrder.equal(a, b) { return 0 }
        return ScalarOrder.less(a, b) ? -1 : 1
    }
}
