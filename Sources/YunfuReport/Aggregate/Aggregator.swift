import Foundation

/// The pure heart of the report: (account results, settings, as of) → `Report`.
/// No I/O, no clock: "as of" is an input, so the same inputs always give the same report.
enum Aggregator {
    static let secondsPerDay: Double = 86_400

    /// A line listed twice in one view counts once for that view (its first entry).
    static func distinctLines(_ lines: [LineRecord]) -> [LineRecord] {
        var seen = Set<ScalarKey>()
        return lines.filter { seen.insert(ScalarKey($0.lineID)).inserted }
    }

    // MARK: - Lines

    /// Largest concurrency, smallest residue, earliest date, first non-empty text in account order.
    static func merge(_ line: LineRecord, into target: inout some MergeableLine) {
        if let value = line.concurrency { target.concurrency = max(target.concurrency ?? value, value) }
        if let value = line.residue { target.residue = min(target.residue ?? value, value) }
        if let value = line.availableAt { target.availableAt = min(target.availableAt ?? value, value) }
        if target.name.isEmpty { target.name = line.name }
        if target.remark.isEmpty { target.remark = line.remark }
        if target.belongUser.isEmpty { target.belongUser = line.belongUser }
        if target.lineType.isEmpty { target.lineType = line.lineType }
        if target.bindType.isEmpty { target.bindType = line.bindType }
        if target.node.isEmpty { target.node = line.node }
    }

    static func lineRow(_ line: LineRecord, accounts: [AccountRef], settings: ReportSettings, asOf: Date) -> LineRow {
        var row = LineRow(
            lineID: line.lineID,
            name: line.name,
            remark: line.remark,
            belongUser: line.belongUser,
            lineType: line.lineType,
            bindType: line.bindType,
            node: line.node,
            concurrency: line.concurrency,
            residue: line.residue,
            inUse: nil,
            utilization: nil,
            availableAt: line.availableAt,
            daysToExpiry: nil,
            expiryStatus: .unknown,
            accounts: accounts
        )
        completeLineRow(&row, settings: settings, asOf: asOf)
        return row
    }

    /// Sets the figures that follow from the line's own (in use, utilization, days to expiry,
    /// expiry status): after the last merge into it.
    static func completeLineRow(_ row: inout LineRow, settings: ReportSettings, asOf: Date) {
        var inUse: Int64?
        if let concurrency = row.concurrency, let residue = row.residue {
            let (difference, overflow) = concurrency.subtractingReportingOverflow(residue)
            inUse = overflow ? nil : difference
        }
        let days = row.availableAt.map { daysToExpiry($0, asOf: asOf) }
        row.inUse = inUse
        row.utilization = Utilization(inUse, over: row.concurrency)
        row.daysToExpiry = days
        row.expiryStatus = expiryStatus(row.availableAt, days: days, asOf: asOf, settings: settings)
    }

    /// floor((available_at − as of) / 86 400 s): elapsed seconds, whatever the calendar does (DST).
    static func daysToExpiry(_ availableAt: Date, asOf: Date) -> Int64 {
        let days = (availableAt.timeIntervalSince(asOf) / secondsPerDay).rounded(.down)
        guard days.isFinite, days > Double(Int64.min), days < Double(Int64.max) else { return days < 0 ? .min : .max }
        return Int64(days)
    }

    static func expiryStatus(_ availableAt: Date?, days: Int64?, asOf: Date, settings: ReportSettings) -> ExpiryStatus {
        guard let availableAt, let days else { return .unknown }
        if availableAt <= asOf { return .expired }
        if days < Int64(settings.expirySoonDays) { return .soon }
        if days < Int64(settings.expiryUpcomingDays) { return .upcoming }
        return .ok
    }

    // MARK: - Capacity by node

    static func nodeRows(_ lines: [LineRow]) -> [NodeRow] {
        var byNode: [ScalarKey: NodeRow] = [:]
        for line in lines {
            let key = ScalarKey(line.node)
            var row =
                byNode[key]
                ?? NodeRow(
                    node: line.node, lines: 0, totalConcurrency: 0, totalResidue: 0, inUse: 0, utilization: nil,
                    saturatedLines: 0, expiringLines: 0)
            row.lines += 1
            row.totalConcurrency = saturatingAdd(row.totalConcurrency, line.concurrency ?? 0)
            row.totalResidue = saturatingAdd(row.totalResidue, line.residue ?? 0)
            if line.isSaturated { row.saturatedLines += 1 }
            if line.expiryStatus == .expired || line.expiryStatus == .soon { row.expiringLines += 1 }
            byNode[key] = row
        }
        return byNode.keys.sorted().compactMap { key in
            guard var row = byNode[key] else { return nil }
            row.inUse = saturatingAdd(row.totalConcurrency, -row.totalResidue)
            row.utilization = Utilization(row.inUse, over: row.totalConcurrency)
            return row
        }
    }

    // MARK: - Script groups and engines

    /// An engine that is empty after trimming is unset (""), otherwise kept as received.
    static func engineValue(_ raw: String) -> String {
        raw.isBlank ? "" : raw
    }

    static func engineRows(_ groups: [ScriptGroupRow]) -> [EngineRow] {
        var tally = EngineTally()
        // The tally takes each account's groups together (a stable sort: they usually are already).
        let grouped = zip(groups, groups.dropFirst()).allSatisfy { $0.account.order <= $1.account.order }
        for group in grouped ? groups : groups.sorted(by: { $0.account.order < $1.account.order }) {
            tally.count(group)
        }
        return tally.rows()
    }

    /// The script-group findings of one account's rows (active groups in debug mode, or with ASR
    /// or TTS unset), in row order.
    static func scriptGroupFindings(_ groups: [ScriptGroupRow]) -> [Finding] {
        var out: [Finding] = []
        for group in groups where group.isActive {
            let id = group.groupID.map(String.init) ?? ""
            if group.debug == true {
                out.append(finding(.scriptGroupDebug, id: id, name: group.name, accounts: [group.account], .scriptGroupDebug))
            }
            if group.asr.isEmpty || group.tts.isEmpty {
                out.append(
                    finding(.scriptGroupEngineUnset, id: id, name: group.name, accounts: [group.account],
                            .scriptGroupEngineUnset(asr: group.asr.isEmpty, tts: group.tts.isEmpty)))
            }
        }
        return out
    }

    // MARK: - Arithmetic that never traps on payload figures

    static func saturatingAdd(_ a: Int64, _ b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        guard overflow else { return sum }
        return b > 0 ? .max : .min
    }

    static func saturatingSum(_ values: [Int64]) -> Int64 {
        values.reduce(0, saturatingAdd)
    }
}

/// The fields a line's merge across accounts updates, in the record as read and in the row.
protocol MergeableLine {
    var concurrency: Int64? { get set }
    var residue: Int64? { get set }
    var availableAt: Date? { get set }
    var name: String { get set }
    var remark: String { get set }
    var belongUser: String { get set }
    var lineType: String { get set }
    var bindType: String { get set }
    var node: String { get set }
}

extension LineRecord: MergeableLine {}
extension LineRow: MergeableLine {}

/// `engines.csv`, tallied one script group at a time: per kind and engine, the groups, the active
/// ones and the distinct accounts. Each account's groups come together (the accumulator folds the
/// accounts in one by one), so an account is counted when the account changes: no set of every
/// account per engine (12 MiB at 20,000 accounts).
struct EngineTally: Sendable {
    private struct Tally: Sendable {
        var engine: String
        var groups = 0
        var active = 0
        var accounts = 0
        var lastAccount: AccountID?

        mutating func count(_ group: ScriptGroupRow) {
            groups += 1
            if group.isActive { active += 1 }
            guard lastAccount != group.account.id else { return }
            lastAccount = group.account.id
            accounts += 1
        }
    }

    /// Per kind, in `EngineKind.allCases` order.
    private var tallies: [[ScalarKey: Tally]] = EngineKind.allCases.map { _ in [:] }

    mutating func count(_ group: ScriptGroupRow) {
        for (index, kind) in EngineKind.allCases.enumerated() {
            let engine: String
            switch kind {
            case .asr: engine = group.asr
            case .tts: engine = group.tts
            case .llm: engine = group.llm
            }
            // Mutated in place: a copied-out tally would copy its account set on every insert.
            tallies[index][ScalarKey(engine), default: Tally(engine: engine)].count(group)
        }
    }

    /// By kind, then script groups descending, then engine.
    func rows() -> [EngineRow] {
        var rows: [EngineRow] = []
        for (index, kind) in EngineKind.allCases.enumerated() {
            let sorted = tallies[index].values.sorted { a, b in
                a.groups != b.groups ? a.groups > b.groups : ScalarOrder.less(a.engine, b.engine)
            }
            rows += sorted.map {
                EngineRow(
                    kind: kind, engine: $0.engine, scriptGroups: $0.groups, activeScriptGroups: $0.active,
                    accounts: $0.accounts)
            }
        }
        return rows
    }
}

/// Orders warning paths with array indexes compared as numbers: `a[2]` before `a[10]`.
enum WarningPath {
    private enum Part: Comparable {
        case index(Int)
        case name(ScalarKey)
    }

    private static func parts(_ path: String) -> [Part] {
        var parts: [Part] = []
        var name = String.UnicodeScalarView()
        var digits = ""
        var inIndex = false
        func flushName() {
            if !name.isEmpty { parts.append(.name(ScalarKey(String(name)))) }
            name = String.UnicodeScalarView()
        }
        for scalar in path.unicodeScalars {
            if inIndex {
                if scalar == "]" {
                    parts.append(Int(digits).map(Part.index) ?? .name(ScalarKey("[" + digits + "]")))
                    digits = ""
                    inIndex = false
                } else {
                    digits.unicodeScalars.append(scalar)
                }
            } else if scalar == "[" {
                flushName()
                inIndex = true
            } else if scalar == "." {
                flushName()
            } else {
                name.append(scalar)
            }
        }
        if inIndex { name.append(contentsOf: ("[" + digits).unicodeScalars) }
        flushName()
        return parts
    }

    /// -1, 0 or 1.
    static func compare(_ a: String, _ b: String) -> Int {
        let pa = parts(a)
        let pb = parts(b)
        for (x, y) in zip(pa, pb) where x != y {
            return x < y ? -1 : 1
        }
        return pa.count == pb.count ? 0 : (pa.count < pb.count ? -1 : 1)
    }
}
