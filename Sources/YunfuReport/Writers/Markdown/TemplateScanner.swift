import Foundation

/// One tag of a template that reads a value or holds other tags, with the line it is on.
struct TemplateNode: Sendable {
    enum Kind: Sendable {
        /// `{{name}}`, `{{{name}}}`, `{{&name}}`
        case variable
        /// `{{#name}} … {{/name}}`
        case section
        /// `{{^name}} … {{/name}}`
        case inverted
        /// `{{> name}}`
        case partial
        /// `{{< name}} … {{/name}}`: a partial whose `$` blocks are overridden
        case parent
        /// `{{$name}} … {{/name}}`
        case block
    }

    var kind: Kind
    /// The name as written, transforms included (`count(failed_accounts)`); a partial's name.
    var name: String
    var line: Int
    var children: [TemplateNode] = []
}

/// A template read by `TemplateScanner`.
struct ScannedTemplate: Sendable {
    var nodes: [TemplateNode]
    /// The text with every HTML-escaped variable made raw (`{{x}}` → `{{&x}}`): the Markdown values
    /// are escaped for Markdown by the view model, and must not be HTML-escaped on top of that.
    /// Lines are unchanged, so the library's own errors keep their line numbers.
    var markdownText: String
}

/// Reads a Mustache template's tags the way swift-mustache does (delimiters, set-delimiter tags,
/// comments, triple mustaches, sections, partials, template inheritance), so that every name can
/// be checked against the view model before anything is rendered, with the line it is on.
enum TemplateScanner {
    private static let nameCharacters = Set<Character>(
        "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-_?()*")
    private static let partialNameCharacters = nameCharacters.union(["/"])

    static func scan(_ text: String, file: String) throws(TemplateError) -> ScannedTemplate {
        var scanner = Scanner(text: text, file: file)
        return try scanner.run()
    }

    private struct Scanner {
        let text: String
        let file: String
        var open = "{{"
        var close = "}}"
        /// Open sections, innermost last; index 0 is the template itself.
        var stack: [TemplateNode] = [TemplateNode(kind: .section, name: "", line: 0)]
        /// Where `&` goes to make an escaped variable raw.
        var rawInsertions: [String.Index] = []
        // Incremental line counting: the line of `lineIndex`.
        var lineIndex: String.Index
        var lineNumber = 1

        init(text: String, file: String) {
            self.text = text
            self.file = file
            self.lineIndex = text.startIndex
        }

        mutating func run() throws(TemplateError) -> ScannedTemplate {
            var index = text.startIndex
            while let tagStart = find(open, from: index) {
                let line = self.line(at: tagStart)
                index = try tag(at: tagStart, line: line)
            }
            if stack.count > 1, let unclosed = stack.last {
                throw error(
                    unclosed.line,
                    "\(describe(unclosed)) is never closed: add \(open)/\(unclosed.name)\(close) where it should end")
            }
            var rewritten = ""
            rewritten.reserveCapacity(text.utf8.count + rawInsertions.count)
            var from = text.startIndex
            for insertion in rawInsertions {
                rewritten += text[from..<insertion]
                rewritten += "&"
                from = insertion
            }
            rewritten += text[from...]
            return ScannedTemplate(nodes: stack[0].children, markdownText: rewritten)
        }

        /// Reads the tag whose open delimiter is at `start`; returns the index after it.
        mutating func tag(at start: String.Index, line: Int) throws(TemplateError) -> String.Index {
            let afterOpen = text.index(start, offsetBy: open.count)
            guard afterOpen < text.endIndex else {
                throw error(line, "a tag starts (\(open)) but the template ends before it is closed")
            }
            let sigil = text[afterOpen]
            let afterSigil = text.index(after: afterOpen)
            switch sigil {
            case "!":
                guard let end = find(close, from: afterSigil) else {
                    throw error(line, "a comment (\(open)! …) is never closed with \(close)")
                }
                return text.index(end, offsetBy: close.count)
            case "=":
                return try setDelimiters(from: afterSigil, line: line)
            case "%":
                throw error(
                    line,
                    "pragma tags (\(open)% …\(close)) are not supported: the values are already escaped for Markdown")
            case "{":
                let (name, end) = try readName(from: afterSigil, line: line)
                guard end < text.endIndex, text[end] == "}" else {
                    throw error(line, "\(open){\(name)\(close) is missing its third closing brace")
                }
                append(TemplateNode(kind: .variable, name: name, line: line))
                return text.index(after: end)
            case "&":
                let (name, end) = try readName(from: afterSigil, line: line)
                append(TemplateNode(kind: .variable, name: name, line: line))
                return end
            case "#", "^", "$":
                let (name, end) = try readName(from: afterSigil, line: line)
                let kind: TemplateNode.Kind = sigil == "#" ? .section : sigil == "^" ? .inverted : .block
                stack.append(TemplateNode(kind: kind, name: name, line: line))
                return end
            case "/":
                let (name, end) = try readName(from: afterSigil, line: line, partial: true)
                guard stack.count > 1, let innermost = stack.last else {
                    throw error(line, "\(open)/\(name)\(close) closes a section that was never opened")
                }
                guard innermost.name == name else {
                    throw error(
                        innermost.line,
                        "\(describe(innermost)) is not closed: line \(line) closes \"\(name)\" first")
                }
                stack.removeLast()
                append(innermost)
                return end
            case ">", "<":
                var from = afterSigil
                while from < text.endIndex, text[from].isWhitespace { from = text.index(after: from) }
                if from < text.endIndex, text[from] == "*" {
                    throw error(line, "dynamic partials (\(open)\(sigil)*name\(close)) are not supported")
                }
                let (name, end) = try readName(from: from, line: line, partial: true)
                if sigil == ">" {
                    append(TemplateNode(kind: .partial, name: name, line: line))
                } else {
                    stack.append(TemplateNode(kind: .parent, name: name, line: line))
                }
                return end
            default:
                let (name, end) = try readName(from: afterOpen, line: line)
                append(TemplateNode(kind: .variable, name: name, line: line))
                rawInsertions.append(afterOpen)
                return end
            }
        }

        /// `{{=<% %>=}}`
        mutating func setDelimiters(from start: String.Index, line: Int) throws(TemplateError) -> String.Index {
            guard let end = find("=" + close, from: start) else {
                throw error(line, "a set-delimiter tag (\(open)=… …=\(close)) is never closed")
            }
            let parts = text[start..<end].split(whereSeparator: \.isWhitespace)
            guard parts.count == 2, !parts[0].contains("="), !parts[1].contains("=") else {
                throw error(line, "a set-delimiter tag needs two delimiters, such as \(open)=<% %>=\(close)")
            }
            let oldClose = close
            open = String(parts[0])
            close = String(parts[1])
            return text.index(end, offsetBy: 1 + oldClose.count)
        }

        /// A tag's name, white space around it allowed, then the close delimiter.
        func readName(
            from start: String.Index, line: Int, partial: Bool = false
        ) throws(TemplateError) -> (String, String.Index) {
            let allowed = partial ? TemplateScanner.partialNameCharacters : TemplateScanner.nameCharacters
            var index = start
            while index < text.endIndex, text[index].isWhitespace { index = text.index(after: index) }
            let nameStart = index
            while index < text.endIndex, allowed.contains(text[index]) { index = text.index(after: index) }
            let name = String(text[nameStart..<index])
            while index < text.endIndex, text[index].isWhitespace { index = text.index(after: index) }
            guard text[index...].hasPrefix(close) else {
                let found = index < text.endIndex ? "\"\(text[index])\"" : "the end of the template"
                throw error(
                    line,
                    "a tag is not closed where expected (found \(found)); a name may hold only letters, "
                        + "digits and . _ - ? ( ) *, and ends with \(close)")
            }
            guard !name.isEmpty else { throw error(line, "a tag has no name") }
            return (name, text.index(index, offsetBy: close.count))
        }

        mutating func append(_ node: TemplateNode) {
            stack[stack.count - 1].children.append(node)
        }

        func find(_ needle: String, from start: String.Index) -> String.Index? {
            guard let first = needle.first else { return nil }
            var index = start
            while index < text.endIndex {
                if text[index] == first, text[index...].hasPrefix(needle) { return index }
                index = text.index(after: index)
            }
            return nil
        }

        mutating func line(at index: String.Index) -> Int {
            var cursor = lineIndex
            while cursor < index {
                if text[cursor].isNewline { lineNumber += 1 }
                cursor = text.index(after: cursor)
            }
            lineIndex = index
            return lineNumber
        }

        func describe(_ node: TemplateNode) -> String {
            let sigil: String
            switch node.kind {
            case .section: sigil = "#"
            case .inverted: sigil = "^"
            case .parent: sigil = "<"
            case .block: sigil = "$"
            case .variable, .partial: sigil = ""
            }
            return "the section \(open)\(sigil)\(node.name)\(close) opened on line \(node.line)"
        }

        func error(_ line: Int, _ message: String) -> TemplateError {
            TemplateError(file: file, line: line, message)
        }
    }
}
