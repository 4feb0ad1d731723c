import XlsxWriter

/// The workbook's look: colours and the styles cells are written with.
enum XLSXStyle {
    // Fills: pale backgrounds with a dark text of the same hue, as Excel's own "Bad" / "Neutral" /
    // "Good" cell styles, so the colour helps without hiding the value.
    static let redFill = Color(rgb: 0xFFC7CE)
    static let redText = Color(rgb: 0x9C0006)
    static let orangeFill = Color(rgb: 0xFFD9A8)
    static let orangeText = Color(rgb: 0x8A4500)
    static let yellowFill = Color(rgb: 0xFFF2A8)
    static let yellowText = Color(rgb: 0x6B5700)
    static let greenFill = Color(rgb: 0xC6EFCE)
    static let greenText = Color(rgb: 0x006100)
    static let lightFill = Color(rgb: 0xF2F2F2)
    static let greyText = Color(rgb: 0x808080)
    static let headerFill = Color(rgb: 0x1F4E79)
    static let sectionFill = Color(rgb: 0xDDEBF7)
    static let inUseColor = Color(rgb: 0x2F75B5)
    static let freeColor = Color(rgb: 0xA9D08E)
    static let expiringColor = Color(rgb: 0xED7D31)

    /// Excel number formats.
    static let dateTimeFormat = "yyyy-mm-dd hh:mm:ss"
    static let dateFormat = "yyyy-mm-dd"
    static let integerFormat = "#,##0"
    static let percentFormat = "0.0%"

    /// Columns are at most this wide (Excel units, about one Latin character); longer text wraps.
    static let maxColumnWidth = 60
    static let minColumnWidth = 6
    /// Points per line of wrapped text, and the most lines a row grows to.
    static let lineHeight = 15.0
    static let maxRowLines = 12
}

/// How a cell is marked, on top of the style its value needs.
enum XLSXMark: Hashable, Sendable {
    case none
    /// expired / critical / required but not covered / failed
    case red
    /// soon / high
    case orange
    /// upcoming / medium
    case yellow
    /// covered / complete
    case green
    /// a suppressed finding, an unset engine: present but set aside
    case grey
    /// not required and not covered: nothing to do
    case light
    case header
    case title
    case section
    case bold

    init(severity: Severity) {
        switch severity {
        case .critical: self = .red
        case .high: self = .orange
        case .medium: self = .yellow
        case .low, .info: self = .none
        }
    }

    init(expiry: ExpiryStatus) {
        switch expiry {
        case .expired: self = .red
        case .soon: self = .orange
        case .upcoming: self = .yellow
        case .ok, .unknown: self = .none
        }
    }

    /// `style` with this mark applied.
    func applied(to base: CellStyle) -> CellStyle {
        var style = base
        switch self {
        case .none: break
        case .red:
            style.fill = XLSXStyle.redFill
            style.fontColor = XLSXStyle.redText
        case .orange:
            style.fill = XLSXStyle.orangeFill
            style.fontColor = XLSXStyle.orangeText
        case .yellow:
            style.fill = XLSXStyle.yellowFill
            style.fontColor = XLSXStyle.yellowText
        case .green:
            style.fill = XLSXStyle.greenFill
            style.fontColor = XLSXStyle.greenText
        case .grey:
            style.fontColor = XLSXStyle.greyText
            style.italic = true
        case .light:
            style.fill = XLSXStyle.lightFill
            style.fontColor = XLSXStyle.greyText
        case .header:
            style.bold = true
            style.fill = XLSXStyle.headerFill
            style.fontColor = .white
            style.wrap = true
            style.vertical = .center
        case .title:
            style.bold = true
            style.fontSize = 16
        case .section:
            style.bold = true
            style.fill = XLSXStyle.sectionFill
        case .bold:
            style.bold = true
        }
        return style
    }
}
