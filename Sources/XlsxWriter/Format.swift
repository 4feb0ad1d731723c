import CXlsxWriter

/// A colour as 0xRRGGBB.
public struct Color: Hashable, Sendable {
    public let rgb: UInt32
    public init(rgb: UInt32) { self.rgb = rgb & 0xFF_FFFF }

    public static let black = Color(rgb: 0x000000)
    public static let white = Color(rgb: 0xFFFFFF)
}

public enum HorizontalAlignment: Hashable, Sendable {
    case left, center, right
}

public enum VerticalAlignment: Hashable, Sendable {
    case top, center, bottom
}

/// How a cell looks, as a value: two equal styles share one libxlsxwriter format.
public struct CellStyle: Hashable, Sendable {
    public var bold = false
    public var italic = false
    public var fontColor: Color?
    public var fontSize: Double?
    /// A solid background fill.
    public var fill: Color?
    /// An Excel number format: `yyyy-mm-dd hh:mm`, `0.0%`, `#,##0`.
    public var numberFormat: String?
    public var wrap = false
    /// A thin border on all four sides, in this colour.
    public var border: Color?
    public var horizontal: HorizontalAlignment?
    public var vertical: VerticalAlignment?

    public init(
        bold: Bool = false, italic: Bool = false, fontColor: Color? = nil, fontSize: Double? = nil,
        fill: Color? = nil, numberFormat: String? = nil, wrap: Bool = false, border: Color? = nil,
        horizontal: HorizontalAlignment? = nil, vertical: VerticalAlignment? = nil
    ) {
        self.bold = bold
        self.italic = italic
        self.fontColor = fontColor
        self.fontSize = fontSize
        self.fill = fill
        self.numberFormat = numberFormat
        self.wrap = wrap
        self.border = border
        self.horizontal = horizontal
        self.vertical = vertical
    }
}

/// A format registered with one workbook (`Workbook.format(_:)`); only that workbook's sheets take it.
///
/// Not `Sendable`, like the `Workbook` it is a handle into: both stay with the task (or actor) that
/// writes the workbook.
public struct Format {
    let pointer: UnsafeMutablePointer<lxw_format>
    let owner: ObjectIdentifier
    public let style: CellStyle

    /// Applies `style` to a fresh libxlsxwriter format.
    static func apply(_ style: CellStyle, to format: UnsafeMutablePointer<lxw_format>) {
        if style.bold { format_set_bold(format) }
        if style.italic { format_set_italic(format) }
        if let color = style.fontColor { format_set_font_color(format, color.rgb) }
        if let size = style.fontSize { format_set_font_size(format, size) }
        if let fill = style.fill {
            format_set_pattern(format, UInt8(LXW_PATTERN_SOLID.rawValue))
            format_set_bg_color(format, fill.rgb)
        }
        if let numberFormat = style.numberFormat {
            CellText.cSafe(numberFormat).withCString { format_set_num_format(format, $0) }
        }
        if style.wrap { format_set_text_wrap(format) }
        if let border = style.border {
            format_set_border(format, UInt8(LXW_BORDER_THIN.rawValue))
            format_set_border_color(format, border.rgb)
        }
        switch style.horizontal {
        case .left: format_set_align(format, UInt8(LXW_ALIGN_LEFT.rawValue))
        case .center: format_set_align(format, UInt8(LXW_ALIGN_CENTER.rawValue))
        case .right: format_set_align(format, UInt8(LXW_ALIGN_RIGHT.rawValue))
        case nil: break
        }
        switch style.vertical {
        case .top: format_set_align(format, UInt8(LXW_ALIGN_VERTICAL_TOP.rawValue))
        case .center: format_set_align(format, UInt8(LXW_ALIGN_VERTICAL_CENTER.rawValue))
        case .bottom: format_set_align(format, UInt8(LXW_ALIGN_VERTICAL_BOTTOM.rawValue))
        case nil: break
        }
    }
}
