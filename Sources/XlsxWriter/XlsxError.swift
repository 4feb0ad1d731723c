import CXlsxWriter

/// A failure of libxlsxwriter, or of a call this module refused to hand to it.
///
/// Shaped after GRDB's `DatabaseError`: it keeps the library's own code and text, and says what was
/// being done, with the file, the sheet and the cell where there is one:
///
///     libxlsxwriter error 2 (Error creating output xlsx file. Usually a permissions error.) while closing /out/x.xlsx
///     libxlsxwriter returned no worksheet while adding sheet '摘要' to /out/x.xlsx
///     row -1 is outside Excel's sheet while writing a string to 'Lines'!? in /out/x.xlsx
public struct XlsxError: Error, Sendable, CustomStringConvertible {
    private enum Code: Sendable {
        /// A C function returned an `lxw_error` other than `LXW_NO_ERROR`.
        case library(code: Int32, text: String)
        /// A C function returned NULL (worksheet, format, chart, series).
        case nullReturn(what: String)
        /// This module refused the call before it reached C (bad row, missing directory, …).
        case refused(reason: String)
    }

    private let code: Code
    /// What was being done, with the file, sheet and cell: "closing /out/x.xlsx".
    public let action: String
    /// The workbook's path.
    public let path: String

    /// The `lxw_error` value, when the library returned one.
    public var libraryCode: Int32? {
        if case .library(let code, _) = code { return code }
        return nil
    }

    /// `lxw_strerror` of the code, when the library returned one.
    public var libraryMessage: String? {
        if case .library(_, let text) = code { return text }
        return nil
    }

    public var description: String {
        switch code {
        case .library(let code, let text):
            "libxlsxwriter error \(code) (\(text)) while \(action)"
        case .nullReturn(let what):
            "libxlsxwriter returned no \(what) while \(action)"
        case .refused(let reason):
            "\(reason) while \(action)"
        }
    }

    static func library(_ error: lxw_error, action: String, path: String) -> XlsxError {
        XlsxError(code: .library(code: Int32(error.rawValue), text: text(of: error)), action: action, path: path)
    }

    static func nullReturn(_ what: String, action: String, path: String) -> XlsxError {
        XlsxError(code: .nullReturn(what: what), action: action, path: path)
    }

    static func refused(_ reason: String, action: String, path: String) -> XlsxError {
        XlsxError(code: .refused(reason: reason), action: action, path: path)
    }

    /// The library's own sentence for a code.
    static func text(of error: lxw_error) -> String {
        guard let cText = lxw_strerror(error) else { return "unknown error" }
        return String(cString: cText)
    }
}
