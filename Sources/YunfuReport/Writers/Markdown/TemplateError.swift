import Foundation

/// A Markdown template that cannot be used: it does not parse, names a value the report does not
/// have, or cannot be read. A configuration error (exit 2), found by `check-config` and before any
/// request. Its description names the file and, when known, the line:
/// `templates/report.en.md.mustache:12: "no_such_value" is not a value of the report here; …`.
package struct TemplateError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The template's path, or `report.en.md.mustache (built-in)` for a built-in default.
    var file: String
    /// 1-based; nil when the problem is not on a line (a missing or unreadable file).
    var line: Int?
    var message: String

    init(file: String, line: Int?, _ message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    package var description: String {
        guard let line else { return "\(file): \(message)" }
        return "\(file):\(line): \(message)"
    }
}
