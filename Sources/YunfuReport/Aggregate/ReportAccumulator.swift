import Foundation

/// The report built up one account at a time, in account order, while the fetch goes on: each
/// contribution is folded in as it comes (lines merged, rows appended), so what the run holds is
/// the report's rows, never every account's decoded answer. `finish` adds what needs the whole
/// fleet (the status universe, sorting, the checks). Pure: no I/O, no clock.
struct ReportAccumulator: Sendable {
    let settings: ReportSettings
    let asOf: Date

    private var accounts: [AccountRow] = []
    private var lineIndex: [ScalarKey: Int] = [:]
    /// The distinct lines so far, merged; their derived figures are set at the end.
    private var merged: [LineRow] = []
    /// The accounts fetched, in order, with the statuses their enabled rules cover.
    private var coverage: [(account: AccountRef, covered: [AccountContribution.CoveredStatus])] = []
    /// Every status seen in any rule of the run, with its first non-empty name in account order.
    private var statusNames: [Int64: String] = [:]
    private var warnings: [WarningRow] = []
    private var engines = EngineTally()
    private var scriptGroupCount = 0
    private var activeScriptGroupCount = 0
    private var scriptGroupFindings: [Finding] = []
    /// How many accounts are expected (0: unknown): the row arrays are then sized from what the
    /// accounts so far hold per account, instead of doubling (which holds up to twice the rows).
    private let expectedAccounts: Int

    init(settings: ReportSettings, asOf: Date, expectedAccounts: Int = 0) {
        self.settings = settings
        self.asOf = asOf
        self.expectedAccounts = expectedAccounts
        accounts.reserveCapacity(expectedAccounts)
        coverage.reserveCapacity(expectedAccounts)
    }

    /// The accounts folded in so far.
    var count: Int { accounts.count }

    /// Folds in the next account; contributions must come in account order.
    mutating func add(_ contribution: AccountContribution) {
        accounts.append(contribution.row)
        guard contribution.ok else { return }
        let account = contribution.account
        reserve(&merged, adding: contribution.lines.count)
        for line in contribution.lines {
            let key = ScalarKey(line.lineID)
            if let at = lineIndex[key] {
                merged[at].accounts.append(account)
                Aggregator.merge(line, into: &merged[at])
            } else {
                lineIndex[key] = merged.count
                merged.append(Aggregator.lineRow(line, accounts: [account], settings: settings, asOf: asOf))
            }
        }
        for group in contribution.scriptGroups {
            engines.count(group)
            if group.isActive { activeScriptGroupCount += 1 }
        }
        scriptGroupCount += contribution.scriptGroups.count
        scriptGroupFindings += Aggregator.scriptGroupFindings(contribution.scriptGroups)
        coverage.append((account, contribution.covered))
        for (status, name) in contribution.statusNames where statusNames[status, default: ""].isEmpty {
            statusNames[status] = name
        }
        reserve(&warnings, adding: contribution.warnings.count)
        warnings += contribution.warnings
    }

    /// Makes room for `adding` more elements. Once enough accounts are in to tell how many rows an
    /// account brings, a full array grows to what all the expected accounts will need (plus a
    /// little); before that, or with no expectation, it doubles as arrays do.
    private func reserve<Element>(_ array: inout [Element], adding: Int) {
        let needed = array.count + adding
        guard needed > array.capacity else { return }
        let seen = accounts.count
        guard expectedAccounts > seen, seen >= 64 else {
            array.reserveCapacity(max(needed, array.capacity * 2))
            return
        }
        let perAccount = Double(needed) / Double(seen)
        let projected = Int((perAccount * Double(expectedAccounts) * 1.03).rounded(.up))
        // At least a quarter more each time, so that a projection that keeps falling short (the
        // later accounts bringing more rows) still costs a bounded number of copies per row.
        let floor = max(needed, array.capacity + array.capacity / 4)
        array.reserveCapacity(min(max(projected, floor), max(needed, array.capacity * 2)))
    }

    /// The report over every account added. The accumulator hands its rows over and is left
    /// empty (nothing is held twice).
    mutating func finish(run: RunStatus = RunStatus()) -> Report {
        let lines = lineRows()
        // The arrays grew by doubling while the accounts came in: the report keeps them at size.
        let accounts = Self.fitted(taking: &accounts)
        let warnings = Self.fitted(taking: &warnings)
        let statuses = statusUniverse()
        let coverageRows = CoverageTable(accounts: Self.fitted(taking: &coverage), statuses: statuses)
        var report = Report(
            asOf: asOf,
            timeZone: settings.timeZone,
            settings: settings,
            run: run,
            accounts: accounts,
            lines: lines,
            nodes: Aggregator.nodeRows(lines),
            engines: engines.rows(),
            statuses: statuses,
            coverage: coverageRows,
            findings: Aggregator.findings(
                accounts: accounts, lines: lines, coverage: coverageRows,
                scriptGroupFindings: Self.taking(&scriptGroupFindings), asOf: asOf),
            warnings: warnings
        )
        report.scriptGroupCount = scriptGroupCount
        report.activeScriptGroupCount = activeScriptGroupCount
        return report
    }

    /// Moves the array out, leaving it empty.
    private static func taking<Element>(_ array: inout [Element]) -> [Element] {
        var taken: [Element] = []
        swap(&taken, &array)
        return taken
    }

    /// Moves the array out (leaving it empty), without the spare capacity of a grown array when
    /// that is worth a copy; the grown one is freed.
    private static func fitted<Element>(taking array: inout [Element]) -> [Element] {
        let taken = taking(&array)
        guard taken.capacity - taken.count > taken.count / 8 else { return taken }
        return taken.withUnsafeBufferPointer { Array($0) }
    }

    /// One row per distinct line, by days to expiry (unknown last), then `line_id`: the merged
    /// lines themselves, completed and sorted in place (no second array of lines).
    private mutating func lineRows() -> [LineRow] {
        var rows: [LineRow] = []
        swap(&rows, &merged)
        lineIndex = [:]
        for index in rows.indices {
            Aggregator.completeLineRow(&rows[index], settings: settings, asOf: asOf)
        }
        rows.sort { a, b in
            switch (a.daysToExpiry, b.daysToExpiry) {
            case let (x?, y?) where x != y: return x < y
            case (.some, .none): return true
            case (.none, .some): return false
            default: return ScalarOrder.less(a.lineID, b.lineID)
            }
        }
        return rows
    }

    /// Each status seen in any rule's details, plus the required ones, ascending.
    private func statusUniverse() -> [RecycleStatus] {
        let required = Set(settings.requiredRecycleStatuses)
        return Set(statusNames.keys).union(required).sorted().map { status in
            let seen = statusNames[status] ?? ""
            return RecycleStatus(
                status: status,
                name: seen.isEmpty ? settings.statusNames[status] ?? "" : seen,
                required: required.contains(status)
            )
        }
    }
}
