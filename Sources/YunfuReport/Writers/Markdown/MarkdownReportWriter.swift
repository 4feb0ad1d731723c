package import Foundation
import Mustache

/// Writes `yunfu-report-{date}.md` from a Mustache template per locale: the built-in default, or
/// `report.{locale}.md.mustache` in `report.templates_dir` (partials beside it, as `name.mustache`).
///
/// `init` loads and checks the template (call it from `check-config` and before any request): a
/// template that does not parse, names a value the view model does not have in the context it uses
/// it in, or includes a partial that does not exist is a `TemplateError` naming the file and line.
/// `render` is then a pure function of the `Report`.
package struct MarkdownReportWriter: Sendable {
    let locale: ReportLocale
    /// Where the template came from: its path, or `report.en.md.mustache (built-in)`.
    let templateFile: String
    private let template: MustacheTemplate
    private let library: MustacheLibrary

    /// `report.zh-CN.md.mustache`, `report.en.md.mustache`.
    static func templateFileName(_ locale: ReportLocale) -> String {
        "report.\(locale.rawValue).md.mustache"
    }

    package init(templatesDir: URL?, locale: ReportLocale) throws(TemplateError) {
        self.locale = locale
        let name = Self.templateFileName(locale)
        let mainText: String
        if let dir = templatesDir {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir.path, isDirectory: &isDirectory), isDirectory.boolValue
            else {
                throw TemplateError(file: dir.path, line: nil, "report.templates_dir is not a directory")
            }
            let url = dir.appendingPathComponent(name)
            templateFile = url.path
            guard let text = try Self.read(url) else {
                throw TemplateError(
                    file: url.path, line: nil,
                    "report.templates_dir has no \(name) (the template for locale \(locale.rawValue))")
            }
            mainText = text
        } else {
            templateFile = name + " (built-in)"
            mainText = DefaultTemplates.text(locale)
        }

        let scanned = try TemplateScanner.scan(mainText, file: templateFile)

        // Partials are looked up as they are met, so only those the template uses are read.
        var partials: [String: (file: String, template: ScannedTemplate)] = [:]
        var validator = TemplateValidator { (partialName: String) throws(TemplateError) in
            if let known = partials[partialName] { return known }
            guard let dir = templatesDir, Self.isSafePartialName(partialName) else { return nil }
            let url = dir.appendingPathComponent(partialName + ".mustache")
            guard let text = try Self.read(url) else { return nil }
            let found = (file: url.path, template: try TemplateScanner.scan(text, file: url.path))
            partials[partialName] = found
            return found
        }
        try validator.validate(scanned, file: templateFile, root: MarkdownRoot.templateSchema)

        var library = MustacheLibrary()
        for partialName in partials.keys.sorted() {
            guard let partial = partials[partialName] else { continue }
            library.register(try Self.parse(partial.template, file: partial.file), named: partialName)
        }
        self.template = try Self.parse(scanned, file: templateFile)
        self.library = library
    }

    /// The report as Markdown.
    func render(_ report: Report) -> String {
        render(SummaryModel(report))
    }

    func render(_ model: SummaryModel) -> String {
        let root = MarkdownRoot(model, captions: Labels(locale: locale))
        return template.render(TemplateBox(root), library: library)
    }

    // MARK: - Loading

    /// The file's text; nil when there is no such file.
    private static func read(_ url: URL) throws(TemplateError) -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { return nil }
        guard !isDirectory.boolValue else {
            throw TemplateError(file: url.path, line: nil, "is a directory, not a template file")
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw TemplateError(file: url.path, line: nil, "cannot be read: \(error.localizedDescription)")
        }
        guard var text = String(data: data, encoding: .utf8) else {
            throw TemplateError(file: url.path, line: nil, "is not UTF-8 text")
        }
        if text.unicodeScalars.first == "\u{FEFF}" { text.unicodeScalars.removeFirst() }
        return text
    }

    /// A name that stays inside the templates folder.
    private static func isSafePartialName(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix("/")
            && !name.split(separator: "/", omittingEmptySubsequences: false).contains { $0.isEmpty || $0 == ".." || $0 == "." }
    }

    private static func parse(_ scanned: ScannedTemplate, file: String) throws(TemplateError) -> MustacheTemplate {
        do {
            return try MustacheTemplate(string: scanned.markdownText)
        } catch let error as MustacheTemplate.ParserError {
            throw TemplateError(file: file, line: error.context.lineNumber, Self.describe(error.error))
        } catch {
            throw TemplateError(file: file, line: nil, "does not parse: \(error)")
        }
    }

    private static func describe(_ error: any Error) -> String {
        guard let error = error as? MustacheTemplate.Error else { return "does not parse: \(error)" }
        switch error {
        case .sectionCloseNameIncorrect: return "a closing tag does not match the section it closes"
        case .unfinishedName: return "a tag is not closed where expected"
        case .expectedSectionEnd: return "a section is never closed"
        case .invalidSetDelimiter: return "a set-delimiter tag is malformed"
        case .transformAppliedToInheritanceSection: return "a block ({{$…}}) cannot take a transform"
        case .illegalTokenInsideInheritSection: return "only blocks ({{$…}}) may appear inside {{<parent}} … {{/parent}}"
        case .textInsideInheritSection: return "only blocks ({{$…}}) may appear inside {{<parent}} … {{/parent}}"
        case .invalidConfigVariableSyntax, .unrecognisedConfigVariable: return "a pragma tag is malformed"
        }
    }
}
