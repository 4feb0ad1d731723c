import Foundation
import Yams

/// Reads a composed YAML tree for the loader, turning every mistake into a `ConfigurationError`
/// that names the file, the line of the offending node and where in the configuration it is
/// (`api.max_concurrency`, `accounts[2].sub_users[0]`).
///
/// A key whose value is YAML null (`key:` with nothing, `~`, `null`) counts as absent.
struct ConfigurationYAML {
    /// The configuration file as shown in messages.
    let file: String

    func failure(_ line: Int?, _ message: String) -> ConfigurationError {
        ConfigurationError(file: file, line: line, message: message)
    }

    // MARK: Parsing

    /// The root node of the single document in `text`; nil when the text holds no node at all.
    func compose(_ text: String) throws(ConfigurationError) -> Node? {
        do {
            return try Yams.compose(yaml: text, Resolver.default, Constructor.default, .utf8)
        } catch let error as YamlError {
            throw translate(error, text: text)
        } catch {
            throw failure(nil, "cannot read the YAML: \(error)")
        }
    }

    private func translate(_ error: YamlError, text: String) -> ConfigurationError {
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            var message = "YAML syntax error: \(problem)"
            if let context {
                message += " (\(context.text) at line \(context.mark.line))"
            }
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            if mark.line >= 1, mark.line <= lines.count, lines[mark.line - 1].contains("\t") {
                message += "; YAML does not allow tabs for indentation: use spaces"
            }
            return failure(mark.line, message)
        case .reader(let problem, let offset, _, _):
            let line = offset.map { offset in
                text.prefix(offset).reduce(into: 1) { count, character in
                    if character.isNewline { count += 1 }
                }
            }
            return failure(line, "YAML syntax error: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "`\($0)`" }.joined(separator: ", ")
            // Yams marks the first occurrence; the mistake is the repeat, which is named.
            if duplicates.count == 1, let key = duplicates.first,
                let repeated = Self.repeatLine(of: key, after: context.mark.line, in: text)
            {
                return failure(repeated, "the key \(keys) appears again in the same map (first at line \(context.mark.line))")
            }
            let phrase = duplicates.count == 1 ? "the key \(keys) appears" : "the keys \(keys) appear"
            return failure(context.mark.line, "\(phrase) more than once in the same map")
        default:
            return failure(nil, "cannot read the YAML: \(error)")
        }
    }

    /// The line (1-based) after `first` where `key` is written again at the same indentation as
    /// on line `first` (block style: `key:` or a quoted key); nil when none is found.
    static func repeatLine(of key: String, after first: Int, in text: String) -> Int? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard first >= 1, first <= lines.count else { return nil }
        func indentation(_ line: Substring) -> Int { line.prefix { $0 == " " }.count }
        func startsWithKey(_ line: Substring) -> Bool {
            var rest = line.drop { $0 == " " }
            if rest.hasPrefix("- ") { rest = rest.dropFirst(2).drop { $0 == " " } }
            for spelled in [key, "\"\(key)\"", "'\(key)'"] where rest.hasPrefix(spelled) {
                if rest.dropFirst(spelled.count).drop(while: { $0 == " " }).first == ":" { return true }
            }
            return false
        }
        let firstLine = lines[first - 1]
        var indent = indentation(firstLine)
        if firstLine.drop(while: { $0 == " " }).hasPrefix("- ") {
            indent = firstLine.distance(from: firstLine.startIndex, to: firstLine.firstIndex { $0 != " " && $0 != "-" } ?? firstLine.endIndex)
        }
        for index in first..<lines.count {
            let line = lines[index]
            let trimmed = line.drop { $0 == " " }
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            // Leaving the map: a line less indented than its keys.
            if indentation(line) < indent, !(trimmed.hasPrefix("- ") && indentation(line) + 2 == indent) { return nil }
            if indentation(line) == indent, startsWithKey(line) { return index + 1 }
        }
        return nil
    }

    // MARK: Maps

    /// `node` as a map whose keys must all be in `allowed`.
    /// - Parameters:
    ///   - path: where the map is (`api`, `accounts[0]`); "" for the top level.
    ///   - line: the line to name when a required key is missing (the line of the key naming
    ///     the map); the map's own line when nil.
    func map(
        _ node: Node, path: String, line: Int? = nil, allowed: [String]
    ) throws(ConfigurationError) -> ConfigurationMap {
        guard case .mapping(let mapping) = node else {
            let what = path.isEmpty ? "the configuration" : "`\(path)`"
            throw failure(node.mark?.line, "\(what) must be a map (key: value lines), found \(Self.kind(of: node))")
        }
        var entries: [String: ConfigurationMap.Entry] = [:]
        for (keyNode, value) in mapping {
            guard case .scalar(let scalar) = keyNode else {
                throw failure(keyNode.mark?.line, "a key in \(Self.place(path)) must be plain text")
            }
            let key = scalar.string
            guard allowed.contains(key) else {
                let known = allowed.map { "`\($0)`" }.joined(separator: ", ")
                throw failure(
                    keyNode.mark?.line, "unknown key `\(key)` \(Self.place(path)) (known keys: \(known))")
            }
            entries[key] = ConfigurationMap.Entry(keyLine: keyNode.mark?.line, value: value)
        }
        return ConfigurationMap(path: path, line: line ?? node.mark?.line, entries: entries)
    }

    /// "in `api`", or "at the top level".
    static func place(_ path: String) -> String {
        path.isEmpty ? "at the top level" : "in `\(path)`"
    }

    // MARK: Typed values

    /// `node` as a list.
    func list(_ node: Node, path: String) throws(ConfigurationError) -> [Node] {
        guard case .sequence(let sequence) = node else {
            throw mismatch(node, path: path, expected: "a list")
        }
        return Array(sequence)
    }

    /// Any scalar but null, as written: a number or `true` is taken as its text.
    func text(_ node: Node, path: String) throws(ConfigurationError) -> String {
        guard case .scalar(let scalar) = node, !Self.isNull(node) else {
            throw mismatch(node, path: path, expected: "text")
        }
        return scalar.string
    }

    /// Text that must not be empty after trimming white space.
    func nonEmptyText(_ node: Node, path: String) throws(ConfigurationError) -> String {
        let value = try text(node, path: path)
        guard !value.isBlank else {
            throw failure(node.mark?.line, "`\(path)` must not be empty")
        }
        return value
    }

    /// An id: text, trimmed of white space around it, not empty.
    func identifier(_ node: Node, path: String) throws(ConfigurationError) -> String {
        let value = try text(node, path: path).trimmedForEmptiness
        guard !value.isEmpty else {
            throw failure(node.mark?.line, "`\(path)` must not be empty")
        }
        return value
    }

    /// A whole number, at least `minimum` when given.
    func integer(_ node: Node, path: String, minimum: Int? = nil) throws(ConfigurationError) -> Int {
        guard Self.hasTag(node, .int) else {
            throw mismatch(node, path: path, expected: "a whole number")
        }
        guard let value = node.int else {
            throw failure(node.mark?.line, "`\(path)` is too large")
        }
        try check(value: Double(value), shown: String(value), node: node, path: path, minimum: minimum)
        return value
    }

    /// A finite number (whole or not), at least `minimum` when given.
    func number(
        _ node: Node, path: String, minimum: Int? = nil
    ) throws(ConfigurationError) -> Double {
        guard Self.hasTag(node, .int) || Self.hasTag(node, .float), let value = node.float, value.isFinite else {
            throw mismatch(node, path: path, expected: "a number")
        }
        let shown = Self.scalarText(node) ?? String(value)
        try check(value: value, shown: shown, node: node, path: path, minimum: minimum)
        return value
    }

    /// A number that must be greater than 0.
    func positiveNumber(_ node: Node, path: String) throws(ConfigurationError) -> Double {
        let value = try number(node, path: path)
        guard value > 0 else {
            throw failure(node.mark?.line, "`\(path)` must be greater than 0, found \(Self.scalarText(node) ?? "")")
        }
        return value
    }

    /// A whole number that must be greater than 0.
    func positiveInteger(_ node: Node, path: String) throws(ConfigurationError) -> Int {
        let value = try integer(node, path: path)
        guard value > 0 else {
            throw failure(node.mark?.line, "`\(path)` must be greater than 0, found \(value)")
        }
        return value
    }

    /// `true` or `false` (YAML's `yes`/`no`/`on`/`off` too).
    func flag(_ node: Node, path: String) throws(ConfigurationError) -> Bool {
        guard Self.hasTag(node, .bool), let value = node.bool else {
            throw mismatch(node, path: path, expected: "true or false")
        }
        return value
    }

    private func check(
        value: Double, shown: String, node: Node, path: String, minimum: Int?
    ) throws(ConfigurationError) {
        guard let minimum, value < Double(minimum) else { return }
        let bound = minimum == 0 ? "0 or more" : "at least \(minimum)"
        throw failure(node.mark?.line, "`\(path)` must be \(bound), found \(shown)")
    }

    func mismatch(_ node: Node, path: String, expected: String) -> ConfigurationError {
        failure(node.mark?.line, "`\(path)` must be \(expected), found \(Self.kind(of: node))")
    }

    // MARK: Node facts

    static func isNull(_ node: Node) -> Bool { hasTag(node, .null) }

    static func hasTag(_ node: Node, _ name: Tag.Name) -> Bool {
        guard case .scalar = node else { return false }
        return node.tag.rawValue == name.rawValue
    }

    static func scalarText(_ node: Node) -> String? {
        guard case .scalar(let scalar) = node else { return nil }
        return scalar.string
    }

    /// What a node is, for "found …" (never its text: a misplaced secret must not be echoed).
    static func kind(of node: Node) -> String {
        switch node {
        case .mapping: return "a map"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar:
            if hasTag(node, .null) { return "nothing" }
            if hasTag(node, .bool) { return "true/false" }
            if hasTag(node, .int) { return "a whole number" }
            if hasTag(node, .float) { return "a number" }
            if hasTag(node, .timestamp) { return "a date" }
            return "text"
        }
    }
}

/// A YAML map whose keys were checked against the allowed ones.
struct ConfigurationMap {
    struct Entry {
        var keyLine: Int?
        var value: Node
    }

    /// Where the map is (`api`); "" for the top level.
    let path: String
    /// The line to name for a missing key.
    let line: Int?
    fileprivate let entries: [String: Entry]

    /// A map with no keys (a section that is absent or null).
    static func empty(path: String, line: Int?) -> ConfigurationMap {
        ConfigurationMap(path: path, line: line, entries: [:])
    }

    /// The value of `key`; nil when the key is absent or its value is null.
    func value(_ key: String) -> Node? {
        guard let entry = entries[key], !ConfigurationYAML.isNull(entry.value) else { return nil }
        return entry.value
    }

    /// The line of `key` itself, when present.
    func keyLine(_ key: String) -> Int? { entries[key]?.keyLine }

    /// `api.max_concurrency`.
    func path(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
}
