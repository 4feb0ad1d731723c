import Foundation

/// Writes `yunfu-report-{date}.html`: the Markdown report's content as one self-contained page for
/// a mail body. UTF-8 declared; inline `style` attributes only (mail clients often drop `<style>`);
/// no script, no link, image or any other resource outside the page; tables that wrap and scroll
/// on a phone; severities and expiry in colour; every text escaped (`& < > " '`).
/// A pure function of the `Report`: the same report gives the same bytes.
enum HTMLReportWriter {
    static func render(_ report: Report, locale: ReportLocale) -> String {
        render(SummaryModel(report), locale: locale)
    }

    static func render(_ model: SummaryModel, locale: ReportLocale) -> String {
        var page = HTMLPage(captions: Labels(locale: locale))
        page.document(model, locale: locale)
        return page.out
    }
}

/// `& < > " '` as character references; line breaks as `<br>`; control characters dropped.
enum HTMLEscape {
    static func text(_ raw: String) -> String {
        var out = ""
        out.reserveCapacity(raw.utf8.count)
        var previousCR = false
        for scalar in raw.unicodeScalars {
            defer { previousCR = scalar == "\r" }
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\r", "\u{2028}", "\u{2029}", "\u{85}": out += "<br>"
            case "\n": if !previousCR { out += "<br>" }
            case "\t": out += " "
            default:
                if scalar.properties.generalCategory == .control { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

private struct HTMLPage {
    let captions: Labels
    var out = ""

    init(captions: Labels) { self.captions = captions }

    // MARK: Styles (inline: mail clients drop style sheets)

    enum Style {
        static let fonts =
            "-apple-system,BlinkMacSystemFont,'Segoe UI','PingFang SC','Hiragino Sans GB','Microsoft YaHei',"
            + "'Noto Sans CJK SC',Roboto,Arial,sans-serif"
        static let body = "margin:0;padding:0;background:#f3f4f6;"
        static let page =
            "max-width:960px;margin:0 auto;padding:16px;background:#ffffff;color:#1f2328;font-family:\(fonts);"
            + "font-size:14px;line-height:1.5;word-wrap:break-word;overflow-wrap:anywhere;"
        static let h1 = "font-size:22px;line-height:1.3;margin:0 0 4px 0;"
        static let h2 = "font-size:18px;line-height:1.3;margin:24px 0 8px 0;padding-bottom:4px;border-bottom:1px solid #d0d7de;"
        static let h3 = "font-size:15px;line-height:1.3;margin:16px 0 6px 0;"
        static let p = "margin:6px 0;"
        static let muted = "margin:6px 0;color:#57606a;"
        static let scroller = "width:100%;overflow-x:auto;margin:8px 0 12px 0;"
        /// `overflow-wrap` and `word-break` are inherited: set once here, not on every cell.
        static let table = "border-collapse:collapse;width:100%;font-size:13px;word-break:break-word;overflow-wrap:anywhere;"
        // Padding and vertical alignment come from `cellpadding` and `valign` (honoured by every mail
        // client, and short): the cells carry only their border, which keeps a long report under the
        // size at which some webmail clients cut a message.
        static let th = "text-align:left;border-bottom:2px solid #d0d7de;background:#f6f8fa;"
        static let thNumber = th + "text-align:right;"
        static let td = "border-bottom:1px solid #e5e7eb;"
        static let tdNumber = td + "text-align:right;white-space:nowrap;"
        static let tdTotal = "font-weight:600;background:#f6f8fa;"
        static let summaryBox = "margin:8px 0;padding:10px 12px;border-left:4px solid #d92d20;background:#fef3f2;"
        static let okBox = "margin:8px 0;padding:10px 12px;border-left:4px solid #12b76a;background:#ecfdf3;"
        static let warningBox = "margin:8px 0;padding:10px 12px;border-left:4px solid #f79009;background:#fffaeb;"
        static let list = "margin:4px 0;padding-left:20px;"
        static let suppressed = "color:#8a8f98;"
        static let footer = "margin:24px 0 0 0;padding-top:8px;border-top:1px solid #d0d7de;color:#57606a;font-size:12px;"

        static func badge(_ severity: Severity) -> String {
            let (background, color) =
                switch severity {
                case .critical: ("#d92d20", "#fff")
                case .high: ("#f79009", "#fff")
                case .medium: ("#fedf89", "#7a2e0e")
                case .low: ("#d1e0ff", "#1d2939")
                case .info: ("#eaecf0", "#344054")
                }
            return "padding:1px 5px;border-radius:3px;font-weight:600;white-space:nowrap;background:\(background);color:\(color);"
        }

        static func status(_ status: ExpiryStatus) -> String {
            let (background, color) =
                switch status {
                case .expired: ("#d92d20", "#fff")
                case .soon: ("#f79009", "#fff")
                case .upcoming: ("#fedf89", "#7a2e0e")
                case .ok: ("#d1fadf", "#054f31")
                case .unknown: ("#eaecf0", "#344054")
                }
            return "padding:1px 5px;border-radius:3px;font-weight:600;white-space:nowrap;background:\(background);color:\(color);"
        }
    }

    // MARK: Building blocks

    mutating func raw(_ html: String) { out += html }

    mutating func element(_ tag: String, style: String, text: String) {
        out += "<\(tag) style=\"\(style)\">" + HTMLEscape.text(text) + "</\(tag)>\n"
    }

    /// A cell: already-escaped HTML, its style.
    struct Cell {
        var html: String
        var style: String

        static func text(_ text: String, extra: String = "") -> Cell {
            Cell(html: HTMLEscape.text(text), style: Style.td + extra)
        }
        static func number(_ text: String, extra: String = "") -> Cell {
            Cell(html: HTMLEscape.text(text), style: Style.tdNumber + extra)
        }
        static func severity(_ severity: Severity, _ label: String) -> Cell {
            Cell(html: "<span style=\"\(Style.badge(severity))\">" + HTMLEscape.text(label) + "</span>", style: Style.td)
        }
        static func status(_ status: ExpiryStatus, _ label: String) -> Cell {
            Cell(html: "<span style=\"\(Style.status(status))\">" + HTMLEscape.text(label) + "</span>", style: Style.td)
        }
    }

    struct Column {
        var title: String
        var number: Bool = false
    }

    mutating func table(_ columns: [Column], _ rows: [[Cell]], rowStyle: String = "") {
        out += "<div style=\"\(Style.scroller)\">"
        out += "<table cellpadding=\"5\" cellspacing=\"0\" style=\"\(Style.table)\">\n<thead><tr valign=\"bottom\">"
        for column in columns {
            out += "<th style=\"\(column.number ? Style.thNumber : Style.th)\">" + HTMLEscape.text(column.title) + "</th>"
        }
        out += "</tr></thead>\n<tbody>\n"
        for row in rows {
            out += rowStyle.isEmpty ? "<tr valign=\"top\">" : "<tr valign=\"top\" style=\"\(rowStyle)\">"
            for cell in row {
                out += "<td style=\"\(cell.style)\">" + cell.html + "</td>"
            }
            out += "</tr>\n"
        }
        out += "</tbody></table></div>\n"
    }

    mutating func more(_ count: Int) {
        if count > 0 { element("p", style: Style.muted, text: captions.moreRows(count)) }
    }

    // MARK: The page

    mutating func document(_ model: SummaryModel, locale: ReportLocale) {
        let c = captions
        let title = c.reportTitle + " · " + model.date
        raw("<!DOCTYPE html>\n")
        raw("<html lang=\"\(locale.rawValue)\">\n<head>\n")
        raw("<meta charset=\"utf-8\">\n")
        raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        raw("<title>" + HTMLEscape.text(title) + "</title>\n</head>\n")
        raw("<body style=\"\(Style.body)\">\n<div style=\"\(Style.page)\">\n")

        element("h1", style: Style.h1, text: title)
        element(
            "p", style: Style.muted,
            text: c.asOf + " " + model.asOf + " (" + model.timeZone + ", UTC" + model.utcOffset + ")")
        element("p", style: Style.p, text: c.completenessSentence(model))

        actionSummary(model)
        changes(model)
        failedAccounts(model)
        urgentFindings(model)
        suppressedFindings(model)
        expiringLines(model)
        capacity(model)
        engines(model)
        counts(model)

        element("p", style: Style.footer, text: c.summaryFooter)
        raw("</div>\n</body>\n</html>\n")
    }

    mutating func actionSummary(_ model: SummaryModel) {
        let c = captions
        let a = model.action
        element("h2", style: Style.h2, text: c.needsAction)
        guard !a.isEmpty else {
            raw("<div style=\"\(Style.okBox)\">" + HTMLEscape.text(c.nothingToDo) + "</div>\n")
            return
        }
        let items: [(String, Int, String)] = [
            (c.actionFailedAccounts, a.failedAccounts, c.change(model, \.accountsFailed)),
            (c.actionCritical, a.critical, c.change(model, \.critical)),
            (c.actionHigh, a.high, c.change(model, \.high)),
            (c.actionExpired, a.expiredLines, c.change(model, \.linesExpired)),
            (c.actionSoon(model.soonDays), a.soonLines, c.change(model, \.linesSoon)),
            (c.actionSaturated, a.saturatedLines, c.change(model, \.linesSaturated)),
            (c.actionNewUrgent, a.newUrgent, ""),
        ]
        raw("<div style=\"\(Style.summaryBox)\"><ul style=\"\(Style.list)\">\n")
        for (label, count, change) in items where count > 0 {
            raw("<li>" + HTMLEscape.text(label) + captions.pick("：", ": ") + "<strong>"
                + String(count) + "</strong>" + HTMLEscape.text(change) + "</li>\n")
        }
        raw("</ul></div>\n")
    }

    mutating func changes(_ model: SummaryModel) {
        let c = captions
        if let warning = model.compareWarning {
            raw("<div style=\"\(Style.warningBox)\">" + HTMLEscape.text(c.compareWarningCaption) + ": "
                + HTMLEscape.text(warning) + "</div>\n")
        }
        guard let summary = model.changes else { return }
        element("h2", style: Style.h2, text: c.changesHeading)
        element("p", style: Style.muted, text: c.comparedWith(runDir: summary.previous.name, asOf: summary.previous.asOf, complete: summary.previous.complete))
        if summary.total == 0 {
            element("p", style: Style.p, text: c.noChanges)
            return
        }
        let findingColumns = [Column(title: c.column("severity")), Column(title: c.column("check_name")), Column(title: c.column("object_name")),
                              Column(title: c.column("accounts"))]
        func findingRow(_ item: SummaryModel.ChangeItem) -> [Cell] {
            [
                item.severity.map { Cell.severity($0, c.severity($0)) } ?? Cell.text(""),
                Cell.text(c.check(raw: item.checkID)),
                Cell.text(c.object(name: item.objectName, id: item.objectID)),
                Cell.text(c.accounts(keys: item.accounts)),
            ]
        }
        if !summary.newUrgent.isEmpty {
            element("h3", style: Style.h3, text: c.newUrgentHeading)
            table(findingColumns, summary.newUrgent.items.map(findingRow))
            more(summary.newUrgent.more)
        }
        if !summary.resolved.isEmpty {
            element("h3", style: Style.h3, text: c.resolvedHeading)
            table(findingColumns, summary.resolved.items.map(findingRow))
            more(summary.resolved.more)
        }
        if !summary.other.isEmpty {
            element("h3", style: Style.h3, text: c.otherChangesHeading)
            table(
                [Column(title: c.column("change")), Column(title: c.column("object_name")), Column(title: c.column("before") + " → " + c.column("after")),
                 Column(title: c.column("accounts"))],
                summary.other.items.map { item in
                    [
                        Cell.text(c.changeKind(item.kind)),
                        Cell.text(c.object(name: item.objectName, id: item.objectID)),
                        Cell.text(c.changeDetail(item)),
                        Cell.text(c.accounts(keys: item.accounts)),
                    ]
                })
            more(summary.other.more)
        }
    }

    mutating func failedAccounts(_ model: SummaryModel) {
        let c = captions
        guard !model.failedAccounts.isEmpty else { return }
        element("h2", style: Style.h2, text: c.failedAccountsHeading)
        table(
            [Column(title: c.column("account")), Column(title: c.column("error")), Column(title: c.column("attempts"), number: true)],
            model.failedAccounts.items.map {
                [Cell.text(c.account($0.account)), Cell.text($0.error), Cell.number(String($0.attempts))]
            })
        more(model.failedAccounts.more)
    }

    mutating func urgentFindings(_ model: SummaryModel) {
        let c = captions
        element("h2", style: Style.h2, text: c.urgentHeading)
        guard !model.urgentFindings.isEmpty else {
            element("p", style: Style.p, text: c.noUrgent)
            return
        }
        table(
            [Column(title: c.column("severity")), Column(title: c.column("check_name")), Column(title: c.column("object_name")),
             Column(title: c.column("accounts")), Column(title: c.column("message"))],
            model.urgentFindings.items.map { item in
                [
                    Cell.severity(item.severity, c.severity(item.severity)),
                    Cell.text(c.check(item.checkID)),
                    Cell.text(c.object(name: item.objectName, id: item.objectID)),
                    Cell.text(c.accounts(item.accounts)),
                    Cell.text(item.message),
                ]
            })
        more(model.urgentFindings.more)
    }

    mutating func suppressedFindings(_ model: SummaryModel) {
        let c = captions
        guard !model.suppressedFindings.isEmpty else { return }
        element("h2", style: Style.h2 + Style.suppressed, text: c.suppressedHeading)
        element("p", style: Style.muted, text: c.suppressedNote)
        table(
            [Column(title: c.column("severity")), Column(title: c.column("check_name")), Column(title: c.column("object_name")),
             Column(title: c.column("accounts")), Column(title: c.column("suppressed_reason"))],
            model.suppressedFindings.items.map { item in
                [
                    Cell.text(c.severity(item.severity)),
                    Cell.text(c.check(item.checkID)),
                    Cell.text(c.object(name: item.objectName, id: item.objectID)),
                    Cell.text(c.accounts(item.accounts)),
                    Cell.text(item.reason),
                ]
            },
            rowStyle: Style.suppressed)
        more(model.suppressedFindings.more)
    }

    mutating func expiringLines(_ model: SummaryModel) {
        let c = captions
        element("h2", style: Style.h2, text: c.expiringHeading(model.soonDays))
        guard !model.expiringLines.isEmpty else {
            element("p", style: Style.p, text: c.noExpiring)
            return
        }
        element("p", style: Style.muted, text: c.expiringTop(model.expiringLines.items.count, of: model.expiringLines.total))
        table(
            [Column(title: c.column("line_name")), Column(title: c.column("node")), Column(title: c.column("available_at")),
             Column(title: c.column("days_to_expiry"), number: true), Column(title: c.column("expiry_status")), Column(title: c.column("accounts"))],
            model.expiringLines.items.map { line in
                [
                    Cell.text(c.object(name: line.name.isEmpty ? line.remark : line.name, id: line.lineID)),
                    Cell.text(c.node(line.node)),
                    Cell.text(line.availableAt.isEmpty ? SummaryFigures.unknown : line.availableAt, extra: "white-space:nowrap;"),
                    Cell.number(SummaryFigures.integer(line.daysLeft)),
                    Cell.status(line.status, c.expiryStatus(line.status)),
                    Cell.text(c.accounts(line.accounts)),
                ]
            })
    }

    mutating func capacity(_ model: SummaryModel) {
        let c = captions
        element("h2", style: Style.h2, text: c.capacityHeading)
        guard !model.nodes.isEmpty else {
            element("p", style: Style.p, text: c.zeroLines)
            return
        }
        func row(_ node: String, _ f: SummaryModel.CapacityFigures, extra: String = "") -> [Cell] {
            [
                Cell.text(node, extra: extra),
                Cell.number(String(f.lines), extra: extra),
                Cell.number(SummaryFigures.integer(f.concurrency), extra: extra),
                Cell.number(SummaryFigures.integer(f.inUse), extra: extra),
                Cell.number(SummaryFigures.integer(f.residue), extra: extra),
                Cell.number(SummaryFigures.percent(f.utilization), extra: extra),
                Cell.number(String(f.saturatedLines), extra: extra + (f.saturatedLines > 0 ? "color:#b42318;font-weight:600;" : "")),
                Cell.number(String(f.expiringLines), extra: extra + (f.expiringLines > 0 ? "color:#b54708;font-weight:600;" : "")),
            ]
        }
        table(
            [Column(title: c.column("node")), Column(title: c.column("lines"), number: true), Column(title: c.column("total_concurrency"), number: true),
             Column(title: c.column("in_use"), number: true), Column(title: c.column("total_residue"), number: true),
             Column(title: c.column("utilization"), number: true), Column(title: c.column("saturated_lines"), number: true),
             Column(title: c.column("expiring_lines"), number: true)],
            model.nodes.map { row(c.node($0.node), $0.figures) } + [row(c.totalRow, model.capacity, extra: Style.tdTotal)])
    }

    mutating func engines(_ model: SummaryModel) {
        let c = captions
        element("h2", style: Style.h2, text: c.enginesHeading)
        guard !model.engines.isEmpty else {
            element("p", style: Style.p, text: c.zeroScriptGroups)
            return
        }
        table(
            [Column(title: c.column("kind")), Column(title: c.column("engine")), Column(title: c.column("script_groups"), number: true),
             Column(title: c.column("active_script_groups"), number: true), Column(title: c.column("accounts"), number: true)],
            model.engines.map {
                [
                    Cell.text(c.engineKind($0.kind)),
                    Cell.text(c.engine($0.engine), extra: $0.engine.isEmpty ? "color:#57606a;font-style:italic;" : ""),
                    Cell.number(String($0.scriptGroups)),
                    Cell.number(String($0.activeScriptGroups)),
                    Cell.number(String($0.accounts)),
                ]
            })
    }

    mutating func counts(_ model: SummaryModel) {
        let c = captions
        let k = model.counts
        element("h2", style: Style.h2, text: c.countsHeading)
        let slash = " / "
        table(
            [Column(title: ""), Column(title: c.count, number: true)],
            [
                [Cell.text(c.countAccounts), Cell.number(String(model.accounts.total) + " (" + String(model.accounts.ok) + slash + String(model.accounts.failed) + ")")],
                [Cell.text(c.countLines), Cell.number(String(k.lines))],
                [Cell.text(c.countNodes), Cell.number(String(k.nodes))],
                [Cell.text(c.countScriptGroups), Cell.number(String(k.scriptGroups) + " (" + String(k.activeScriptGroups) + ")")],
                [Cell.text(c.countRecycleGaps), Cell.number(String(k.recycleGaps))],
                [Cell.text(c.countFindings), Cell.number(String(k.findings) + " (" + String(k.suppressedFindings) + ")")],
                [Cell.text(c.countWarnings), Cell.number(String(k.warnings))],
                [Cell.text(c.countStaleSuppressions), Cell.number(String(k.staleSuppressions))],
            ])
        element("h3", style: Style.h3, text: c.findingsBySeverity)
        table(
            [Column(title: c.column("severity")), Column(title: c.count, number: true), Column(title: c.column("suppressed"), number: true)],
            model.severities.map {
                [Cell.severity($0.severity, c.severity($0.severity)), Cell.number(String($0.unsuppressed)),
                 Cell.number(String($0.suppressed))]
            })
        element("h3", style: Style.h3, text: c.linesByExpiry)
        table(
            [Column(title: c.column("expiry_status")), Column(title: c.column("lines"), number: true)],
            model.linesByStatus.map { [Cell.status($0.status, c.expiryStatus($0.status)), Cell.number(String($0.lines))] })
    }
}
