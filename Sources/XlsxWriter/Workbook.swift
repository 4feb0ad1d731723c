import CXlsxWriter
public import Foundation

/// An XLSX file being written with libxlsxwriter.
///
/// Nothing reaches the disk until `close()`, which writes the whole file (in constant-memory mode
/// each sheet's rows go to a temporary file first). Every libxlsxwriter failure comes back as a
/// thrown `XlsxError` that names the file (and the sheet and cell): a NULL worksheet, format or
/// chart is an error too, never a crash.
///
/// **libxlsxwriter and standard error.** The library prints some failures itself
/// (`[WARNING]: …` / `[ERROR]: …` lines on stderr, e.g. when `workbook_close` cannot create the
/// file or a sheet name is refused). There is no run-time switch for it, and redirecting file
/// descriptor 2 would silence the whole process (and race with other threads), so this module does
/// not. Instead it checks beforehand what the library would complain about — the directory exists,
/// the sheet name is valid and unused (`workbook_validate_sheet_name`, which does not print), rows
/// and columns are inside the sheet, a string fits in a cell, a format or chart belongs to this
/// workbook, a chart is placed once, constant-memory rows come in order — and refuses with an
/// `XlsxError`. What the library can still print (a disk that fills up while closing) comes back as
/// an `XlsxError` as well, which is what callers act on; the stderr line is a duplicate.
///
/// Not `Sendable`: one workbook is written by one task. Not thread-safe, like the C library.
public final class Workbook {
    public struct Options: Sendable {
        /// libxlsxwriter's `constant_memory`: each sheet keeps one row in memory and streams the
        /// rest to a temporary file, so memory stays flat however large the sheets are. Rows must
        /// then be written in order (a row before the current one is refused), and strings are
        /// stored inline in the sheet rather than in the shared-string table.
        public var constantMemory: Bool
        /// Where libxlsxwriter puts its temporary files; nil = the system's.
        public var temporaryDirectory: String?
        /// ZIP64 extensions, for files over 4 GB.
        public var useZip64: Bool

        public init(constantMemory: Bool = false, temporaryDirectory: String? = nil, useZip64: Bool = false) {
            self.constantMemory = constantMemory
            self.temporaryDirectory = temporaryDirectory
            self.useZip64 = useZip64
        }
    }

    /// Document properties (File ▸ Properties).
    public struct Properties: Sendable {
        public var title: String?
        public var subject: String?
        public var author: String?
        public var company: String?
        public var keywords: String?
        public var comments: String?
        /// The creation time written into the document, and (by libxlsxwriter) the time of every
        /// entry in the zip container: a fixed value makes the file byte-for-byte reproducible.
        /// libxlsxwriter reads 0 as "now", so the epoch itself is written as one second after it.
        public var created: Date

        public init(
            title: String? = nil, subject: String? = nil, author: String? = nil, company: String? = nil,
            keywords: String? = nil, comments: String? = nil, created: Date
        ) {
            self.title = title
            self.subject = subject
            self.author = author
            self.company = company
            self.keywords = keywords
            self.comments = comments
            self.created = created
        }
    }

    /// The file being written.
    public let path: String
    public let options: Options
    /// nil once closed (libxlsxwriter frees the workbook in `workbook_close`, even when it fails).
    private var handle: UnsafeMutablePointer<lxw_workbook>?
    private var formats: [CellStyle: Format] = [:]
    /// The stdio buffers given to the sheets' temporary files (constant-memory mode), freed once
    /// libxlsxwriter has closed those files (in `workbook_close` or `lxw_workbook_free`).
    private var streamBuffers: [UnsafeMutableRawPointer] = []
    /// Size of each: libxlsxwriter writes a sheet's rows through stdio, whose default 4 KiB buffer
    /// made one `write` system call per 4 KiB of XML.
    static let streamBufferSize = 1 << 18

    /// Starts a workbook at `path`. The directory must exist: libxlsxwriter would accept a missing
    /// one and fail only at `close()`.
    public init(path: String, options: Options = Options()) throws(XlsxError) {
        self.path = path
        self.options = options
        let action = "creating \(path)"
        guard !path.isEmpty, !path.utf8.contains(0) else {
            throw .refused("the path is empty or holds a NUL", action: action, path: path)
        }
        let directory = (path as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        let directoryToCheck = directory.isEmpty ? "." : directory
        guard FileManager.default.fileExists(atPath: directoryToCheck, isDirectory: &isDirectory),
            isDirectory.boolValue
        else {
            throw .refused("the directory \(directoryToCheck) does not exist", action: action, path: path)
        }
        var isDirectoryAtPath: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectoryAtPath), isDirectoryAtPath.boolValue {
            throw .refused("a directory is in the way", action: action, path: path)
        }

        var cOptions = lxw_workbook_options()
        cOptions.constant_memory = options.constantMemory ? 1 : 0
        cOptions.use_zip64 = options.useZip64 ? 1 : 0
        let created: UnsafeMutablePointer<lxw_workbook>?
        if let temporaryDirectory = options.temporaryDirectory {
            // workbook_new_opt copies tmpdir.
            created = CellText.cSafe(temporaryDirectory).withCString { tmp in
                cOptions.tmpdir = UnsafeMutablePointer(mutating: tmp)
                return path.withCString { workbook_new_opt($0, &cOptions) }
            }
        } else {
            created = path.withCString { workbook_new_opt($0, &cOptions) }
        }
        guard let created else {
            throw .nullReturn("workbook (out of memory?)", action: action, path: path)
        }
        handle = created
    }

    deinit {
        // A workbook dropped without close() (an earlier error): free it, write nothing.
        if let handle { lxw_workbook_free(handle) }
        freeStreamBuffers()
    }

    private func freeStreamBuffers() {
        streamBuffers.forEach { free($0) }
        streamBuffers = []
    }

    /// Whether `close()` has run.
    public var isClosed: Bool { handle == nil }

    func openHandle(for action: @autoclosure () -> String) throws(XlsxError) -> UnsafeMutablePointer<lxw_workbook> {
        guard let handle else {
            throw .refused("the workbook is already closed", action: action(), path: path)
        }
        return handle
    }

    /// Adds a worksheet. Excel's rules: at most 31 characters, none of `[ ] : * ? / \`, not starting
    /// or ending with `'`, unique (ignoring case).
    public func addWorksheet(_ name: String) throws(XlsxError) -> Worksheet {
        let action = "adding sheet '\(name)' to \(path)"
        let handle = try openHandle(for: action)
        let safeName = CellText.cSafe(name)
        let validation = safeName.withCString { workbook_validate_sheet_name(handle, $0) }
        guard validation == LXW_NO_ERROR else { throw .library(validation, action: action, path: path) }
        guard let sheet = safeName.withCString({ workbook_add_worksheet(handle, $0) }) else {
            throw .nullReturn("worksheet", action: action, path: path)
        }
        // In constant-memory mode the rows stream to this temporary file, nothing written to it
        // yet: a larger buffer (setvbuf must come before the first write). Without one (the
        // allocation or setvbuf failing), the file keeps stdio's own.
        if let file = sheet.pointee.optimize_tmpfile, let buffer = malloc(Self.streamBufferSize) {
            if setvbuf(file, buffer.assumingMemoryBound(to: CChar.self), _IOFBF, Self.streamBufferSize) == 0 {
                streamBuffers.append(buffer)
            } else {
                free(buffer)
            }
        }
        return Worksheet(workbook: self, pointer: sheet, name: safeName)
    }

    /// The format for `style`, created on first use and shared after.
    public func format(_ style: CellStyle) throws(XlsxError) -> Format {
        if let existing = formats[style] { return existing }
        let action = "adding a cell format to \(path)"
        let handle = try openHandle(for: action)
        guard let pointer = workbook_add_format(handle) else {
            throw .nullReturn("format", action: action, path: path)
        }
        Format.apply(style, to: pointer)
        let format = Format(pointer: pointer, owner: ObjectIdentifier(self), style: style)
        formats[style] = format
        return format
    }

    /// Adds a chart; place it with `Worksheet.insertChart`.
    public func addChart(_ kind: Chart.Kind) throws(XlsxError) -> Chart {
        let action = "adding a \(kind) chart to \(path)"
        let handle = try openHandle(for: action)
        guard let pointer = workbook_add_chart(handle, kind.cValue) else {
            throw .nullReturn("chart", action: action, path: path)
        }
        return Chart(workbook: self, pointer: pointer, kind: kind)
    }

    /// Sets the document properties; the strings are copied by libxlsxwriter.
    public func setProperties(_ properties: Properties) throws(XlsxError) {
        let action = "setting the document properties of \(path)"
        let handle = try openHandle(for: action)
        var owned: [UnsafeMutablePointer<CChar>] = []
        defer { owned.forEach { free($0) } }
        func copy(_ text: String?) -> UnsafeMutablePointer<CChar>? {
            guard let text, let pointer = strdup(CellText.cSafe(text)) else { return nil }
            owned.append(pointer)
            return pointer
        }
        var cProperties = lxw_doc_properties()
        cProperties.title = copy(properties.title)
        cProperties.subject = copy(properties.subject)
        cProperties.author = copy(properties.author)
        cProperties.company = copy(properties.company)
        cProperties.keywords = copy(properties.keywords)
        cProperties.comments = copy(properties.comments)
        let seconds = properties.created.timeIntervalSince1970.rounded(.down)
        guard seconds.isFinite, let created = time_t(exactly: seconds) else {
            throw .refused("the created time \(properties.created) is out of range", action: action, path: path)
        }
        cProperties.created = created == 0 ? 1 : created
        let result = workbook_set_properties(handle, &cProperties)
        guard result == LXW_NO_ERROR else { throw .library(result, action: action, path: path) }
    }

    /// Writes the file. The workbook is finished afterwards, whether this succeeds or not
    /// (libxlsxwriter frees it either way); a failed close leaves no usable file.
    public func close() throws(XlsxError) {
        let action = "closing \(path)"
        let handle = try openHandle(for: action)
        self.handle = nil
        let result = workbook_close(handle)
        freeStreamBuffers()
        guard result == LXW_NO_ERROR else { throw .library(result, action: action, path: path) }
    }
}
