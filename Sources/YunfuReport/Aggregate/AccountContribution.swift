import Foundation

/// What one account brings to the report, taken from its answer the moment it arrives: its row of
/// `accounts.csv`, the distinct lines of its view (still to be merged with the other accounts'),
/// its script-group and warning rows, and the recycle facts that become coverage rows once the
/// run's status universe is known. The decoded snapshot is not kept: a contribution holds only
/// what the report shows.
struct AccountContribution: Sendable {
    var row: AccountRow
    /// The view's distinct lines, in payload order (a `line_id` listed twice keeps its first entry).
    var lines: [LineRecord] = []
    /// In `group_id` order (unknown ids last, in payload order).
    var scriptGroups: [ScriptGroupRow] = []
    /// The statuses its enabled rules cover, ascending.
    var covered: [CoveredStatus] = []
    /// Every `number_status` in any of its rules' details (enabled or not), with the first
    /// non-empty `number_status_str` given for it ("" when none).
    var statusNames: [Int64: String] = [:]
    /// Sorted by path, array indexes compared as numbers.
    var warnings: [WarningRow] = []

    var account: AccountRef { row.account }
    var ok: Bool { row.ok }

    struct CoveredStatus: Sendable {
        var status: Int64
        /// The enabled rules covering it, ascending.
        var ruleIDs: [Int64]
        /// The smallest `time` among their details for the status.
        var redialAfterMinutes: Int64?
    }

    init(_ result: AccountResult) {
        switch result.outcome {
        case .failed(let reason):
            row = AccountRow(account: result.account, error: reason.text, attempts: result.attempts, warnings: 0)
        case .ok(let snapshot, let warnings):
            let account = result.account
            lines = Aggregator.distinctLines(snapshot.lines)
            row = AccountRow(
                account: account,
                error: nil,
                attempts: result.attempts,
                lines: lines.count,
                totalConcurrency: Aggregator.saturatingSum(lines.compactMap(\.concurrency)),
                totalResidue: Aggregator.saturatingSum(lines.compactMap(\.residue)),
                scriptGroups: snapshot.scriptGroups.count,
                activeScriptGroups: snapshot.scriptGroups.count(where: \.isActive),
                recycleRules: snapshot.recycleRules.count,
                enabledRecycleRules: snapshot.recycleRules.count(where: \.isEnabled),
                maxRecycleLimit: snapshot.maxRecycleLimit,
                warnings: warnings.count
            )
            scriptGroups = Self.scriptGroupRows(snapshot.scriptGroups, of: account)
            (covered, statusNames) = Self.recycleFacts(snapshot.recycleRules)
            self.warnings = Self.warningRows(warnings, of: account)
        }
    }

    /// `script_groups.csv` rows of one account: by `group_id`, unknown ids last in payload order.
    static func scriptGroupRows(_ groups: [ScriptGroupRecord], of account: AccountRef) -> [ScriptGroupRow] {
        let sorted = groups.enumerated().sorted { a, b in
            switch (a.element.id, b.element.id) {
            case let (x?, y?) where x != y: return x < y
            case (.some, .none): return true
            case (.none, .some): return false
            default: return a.offset < b.offset
            }
        }
        return sorted.map { _, group in
            ScriptGroupRow(
                account: account,
                groupID: group.id,
                name: group.name,
                asr: Aggregator.engineValue(group.asr),
                tts: Aggregator.engineValue(group.tts),
                llm: Aggregator.engineValue(group.llm),
                isActive: group.isActive,
                debug: group.debug,
                speed: group.speed,
                volume: group.volume
            )
        }
    }

    /// The statuses covered by enabled rules (rule ids, smallest time), and every status named in
    /// any rule with its first non-empty name.
    static func recycleFacts(_ rules: [RecycleRuleRecord]) -> ([CoveredStatus], [Int64: String]) {
        var names: [Int64: String] = [:]
        var covering: [Int64: (rules: Set<Int64>, time: Int64?)] = [:]
        for rule in rules {
            for detail in rule.details {
                guard let status = detail.numberStatus else { continue }
                if names[status, default: ""].isEmpty { names[status] = detail.statusName }
                guard rule.isEnabled else { continue }
                var entry = covering[status] ?? (rules: [], time: nil)
                if let id = rule.id { entry.rules.insert(id) }
                if let time = detail.time { entry.time = min(entry.time ?? time, time) }
                covering[status] = entry
            }
        }
        let covered = covering.keys.sorted().compactMap { status in
            covering[status].map {
                CoveredStatus(status: status, ruleIDs: $0.rules.sorted(), redialAfterMinutes: $0.time)
            }
        }
        return (covered, names)
    }

    /// `warnings.csv` rows of one account, by path with array indexes compared as numbers.
    static func warningRows(_ warnings: [DecodeWarning], of account: AccountRef) -> [WarningRow] {
        let sorted = warnings.enumerated().sorted { a, b in
            let order = WarningPath.compare(a.element.path, b.element.path)
            return order != 0 ? order < 0 : a.offset < b.offset
        }
        return sorted.map { WarningRow(account: account, warning: $0.element) }
    }
}

/// Releases items given in any order strictly by position 0, 1, 2, …: the fetch finishes accounts
/// in completion order, the report takes them in account order. Only the items that arrived
/// before an earlier one are held; each item is stored and released once (no re-sorting).
struct InOrderRelease<Item> {
    private var waiting: [Int: Item] = [:]
    private(set) var next = 0

    /// Positions given but not yet released.
    var heldCount: Int { waiting.count }

    /// Takes the item at `position` and returns the run of items now due, in order. A position
    /// already released or given twice is ignored (returns nothing).
    mutating func take(_ item: Item, at position: Int) -> [Item] {
        guard position >= next, waiting[position] == nil else { return [] }
        guard position == next else {
            waiting[position] = item
            return []
        }
        var due = [item]
        next += 1
        while let following = waiting.removeValue(forKey: next) {
            due.append(following)
            next += 1
        }
        return due
    }

    /// Positions from `next` below `end` that were never given, the held items due after them.
    mutating func drain(upTo end: Int, missing: (Int) -> Item) -> [Item] {
        var due: [Item] = []
        while next < end {
            due.append(waiting.removeValue(forKey: next) ?? missing(next))
            next += 1
        }
        return due
    }
}
