import XlsxWriter

/// The 账号 / Accounts cell of the findings and lines sheets: accounts by label, the first few (as
/// many as one line holds, three at most), then how many there are (`销售一组、销售二组、销售三组
/// 等 12 个`, `… and 9 more`). The CSV files keep the full `;`-joined keys.
///
/// A label names one account across the whole workbook: a label that two accounts of the run share
/// (a sub-account given as a bare id has its parent's label) is followed by the account's own id —
/// its `sub_user_id`, else its `user_id` — cut to its first 8 characters (longer where 8 would not
/// tell it from another of the same label); an account with no label shows its key.
struct XLSXAccountNames {
    /// Names shown before the count.
    static let shownPerCell = 3
    /// The shortest prefix of an id that disambiguates a shared label.
    static let idPrefix = 8

    let labels: Labels
    private let names: [AccountID: String]

    init(_ accounts: [AccountRef], labels: Labels) {
        self.labels = labels
        var byLabel: [ScalarKey: [AccountRef]] = [:]
        for account in accounts where !account.label.isEmpty {
            byLabel[ScalarKey(account.label), default: []].append(account)
        }
        var names: [AccountID: String] = [:]
        for account in accounts where account.label.isEmpty {
            names[account.id] = account.key
        }
        for group in byLabel.values {
            guard group.count > 1 else {
                names[group[0].id] = group[0].label
                continue
            }
            for (account, id) in zip(group, Self.distinctIDs(group)) {
                names[account.id] = account.label + labels.pick("（", " (") + id + labels.pick("）", ")")
            }
        }
        self.names = names
    }

    /// The name of one account (its key when the run does not know it).
    func name(_ account: AccountRef) -> String {
        names[account.id] ?? account.key
    }

    /// The cell: the first accounts (lines and findings hold theirs in account order), at most
    /// `shownPerCell` and as many as fit on one line of the widest column (at least one), then
    /// the count; so every row of the sheet stays one line high.
    func cell(_ accounts: [AccountRef]) -> String {
        let separator = labels.pick("、", ", ")
        var text = ""
        var shown: [String] = []
        for account in accounts.prefix(Self.shownPerCell) {
            let candidate = shown + [name(account)]
            let more = accounts.count - candidate.count
            let joined = candidate.joined(separator: separator) + (more > 0 ? count(accounts.count, more: more) : "")
            guard shown.isEmpty || CellText.displayWidth(joined) <= Self.lineWidth else { break }
            shown = candidate
            text = joined
        }
        return text
    }

    /// What one line of the widest column holds (as `XLSXSheet.wrappedLines` counts).
    static let lineWidth = XLSXStyle.maxColumnWidth - 2

    /// After the names shown: ` 等 12 个` (the whole count, as Chinese says it), ` and 9 more`.
    private func count(_ total: Int, more: Int) -> String {
        labels.pick(" 等 \(total) 个", " and \(more) more")
    }

    /// The accounts' own ids (sub-account id, else user id), each cut to its shortest prefix of at
    /// least `idPrefix` characters that no other id of the group starts with; the full keys when
    /// even whole ids repeat.
    ///
    /// Length by length from `idPrefix`: the prefixes of that length are counted among the ids
    /// still open, an id whose prefix is its own (or that has no more characters) is done, the
    /// rest go on to the next length; an id done at one length cannot share a longer prefix with
    /// one still open. Ids such as UUIDs are done at the first length, so the work is about one
    /// prefix per id (a fleet may give thousands of accounts one label; comparing each id with
    /// every other was quadratic: 80 s for 5,000).
    static func distinctIDs(_ group: [AccountRef]) -> [String] {
        let ids = group.map { Array($0.subUserID ?? $0.userID) }
        guard Set(ids.map { ScalarKey(String($0)) }).count == ids.count else { return group.map(\.key) }
        var shown = ids.map { String($0) }
        var open = ids.indices.filter { ids[$0].count >= idPrefix }
        var length = idPrefix
        while !open.isEmpty {
            let prefixes = open.map { ScalarKey(String(ids[$0][..<length])) }
            var counts: [ScalarKey: Int] = [:]
            counts.reserveCapacity(prefixes.count)
            for prefix in prefixes { counts[prefix, default: 0] += 1 }
            var next: [Int] = []
            for (index, prefix) in zip(open, prefixes) {
                let id = ids[index]
                if counts[prefix] == 1 || id.count == length {
                    shown[index] = id.count > length ? prefix.value + "…" : String(id)
                } else {
                    next.append(index)
                }
            }
            open = next
            length += 1
        }
        return shown
    }
}
