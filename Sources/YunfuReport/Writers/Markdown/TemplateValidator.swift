import Foundation

/// Checks every name a template uses against the view model's schema, in the context it is used
/// in, the way swift-mustache resolves it: a plain name is looked up from the innermost context
/// outwards, `a.b` then descends into objects, `.b` looks only at the innermost context, and
/// transforms (`count(list)`, `index()`) are checked against the value they apply to.
struct TemplateValidator {
    /// Finds a partial by name; nil when there is none.
    var partial: (String) throws(TemplateError) -> (file: String, template: ScannedTemplate)?

    /// Partials being checked, to catch one that includes itself.
    private var inProgress: [String] = []

    init(partial: @escaping (String) throws(TemplateError) -> (file: String, template: ScannedTemplate)?) {
        self.partial = partial
    }

    /// A context on the stack: the shape of the object it pushed.
    private struct Scope {
        var stack: [TemplateShape]
        /// Directly inside a list section, where `first()`, `last()`, `index()`, `even()`, `odd()` apply.
        var inSequence: Bool
    }

    mutating func validate(_ template: ScannedTemplate, file: String, root: TemplateSchema) throws(TemplateError) {
        try validate(template.nodes, file: file, scope: Scope(stack: [.object(root)], inSequence: false))
    }

    private mutating func validate(_ nodes: [TemplateNode], file: String, scope: Scope) throws(TemplateError) {
        for node in nodes {
            switch node.kind {
            case .variable:
                let shape = try resolve(node.name, line: node.line, file: file, scope: scope)
                switch shape {
                case .text, .flag, .integer:
                    break
                case .list, .object:
                    throw TemplateError(
                        file: file, line: node.line,
                        "\"\(node.name)\" is a \(shape.word), not a text: use it as a section, "
                            + "{{#\(node.name)}} … {{/\(node.name)}}")
                }
            case .section:
                let shape = try resolve(node.name, line: node.line, file: file, scope: scope)
                var inner = scope
                switch shape {
                case .list(let element):
                    inner.stack.append(.object(element))
                    inner.inSequence = true
                case .object:
                    inner.stack.append(shape)
                    inner.inSequence = false
                case .flag:
                    break
                case .text, .integer:
                    inner.stack.append(shape)
                    inner.inSequence = false
                }
                try validate(node.children, file: file, scope: inner)
            case .inverted:
                _ = try resolve(node.name, line: node.line, file: file, scope: scope)
                try validate(node.children, file: file, scope: scope)
            case .block:
                try validate(node.children, file: file, scope: Scope(stack: scope.stack, inSequence: false))
            case .partial, .parent:
                try include(node, file: file, scope: Scope(stack: scope.stack, inSequence: false))
                if node.kind == .parent {
                    try validate(node.children, file: file, scope: Scope(stack: scope.stack, inSequence: false))
                }
            }
        }
    }

    private mutating func include(_ node: TemplateNode, file: String, scope: Scope) throws(TemplateError) {
        guard !inProgress.contains(node.name) else {
            throw TemplateError(
                file: file, line: node.line,
                "the partial \"\(node.name)\" includes itself (through \(inProgress.joined(separator: " → ")))")
        }
        guard let found = try partial(node.name) else {
            throw TemplateError(
                file: file, line: node.line,
                "there is no partial \"\(node.name)\" (a file \(node.name).mustache beside the template)")
        }
        inProgress.append(node.name)
        defer { inProgress.removeLast() }
        try validate(found.template.nodes, file: found.file, scope: scope)
    }

    /// The shape of the value `name` stands for here, transforms applied.
    private func resolve(_ written: String, line: Int, file: String, scope: Scope) throws(TemplateError) -> TemplateShape {
        func fail(_ message: String) -> TemplateError { TemplateError(file: file, line: line, message) }

        guard let (base, transforms) = Self.splitTransforms(written) else {
            throw fail("\"\(written)\" is not a name or a transform such as count(list)")
        }
        var shape: TemplateShape
        var pending = transforms
        if base.isEmpty {
            // `index()` and friends: the position in the list being iterated.
            guard let innermost = pending.popLast() else { throw fail("a tag has no name") }
            guard scope.inSequence else {
                throw fail("\(innermost)() is only valid directly inside a list section")
            }
            switch innermost {
            case "first", "last", "even", "odd": shape = .flag
            case "index": shape = .integer
            default: throw fail("\"\(innermost)()\" is not a list position; use first, last, index, even or odd")
            }
        } else if base == "." {
            shape = scope.stack.last ?? .text
        } else {
            let local = base.hasPrefix(".")
            let parts = base.split(separator: ".", omittingEmptySubsequences: true).map(String.init)
            guard let first = parts.first, !parts.contains(where: \.isEmpty) else {
                throw fail("\"\(base)\" is not a name")
            }
            let searched = local ? Array(scope.stack.suffix(1)) : Array(scope.stack.reversed())
            var found: TemplateShape?
            for context in searched {
                if case .object(let schema) = context, let child = schema.fields[first] {
                    found = child
                    break
                }
            }
            guard var current = found else {
                throw fail("\"\(first)\" is not a value of the report here; \(Self.validNames(scope.stack))")
            }
            var path = first
            for part in parts.dropFirst() {
                guard case .object(let schema) = current else {
                    throw fail("\"\(path)\" is a \(current.word), it has no \"\(part)\"")
                }
                guard let child = schema.fields[part] else {
                    throw fail(
                        "\"\(path)\" has no \"\(part)\"; it has: \(schema.names.joined(separator: ", "))")
                }
                current = child
                path += "." + part
            }
            shape = current
        }
        // Transforms apply innermost first: `a(b(x))` is b, then a.
        while let transform = pending.popLast() {
            guard let next = Self.apply(transform, to: shape) else {
                throw fail("\"\(transform)\" is not a transform of a \(shape.word) (in \"\(written)\")")
            }
            shape = next
        }
        return shape
    }

    /// `a(b(name))` → ("name", ["a", "b"]); `name` → ("name", []); `index()` → ("", ["index"]).
    static func splitTransforms(_ written: String) -> (String, [String])? {
        guard written.contains("(") || written.contains(")") else { return (written, []) }
        var transforms: [String] = []
        var rest = Substring(written)
        while let paren = rest.firstIndex(of: "(") {
            let transform = rest[..<paren]
            guard !transform.isEmpty, !transform.contains(")") else { return nil }
            transforms.append(String(transform))
            rest = rest[rest.index(after: paren)...]
        }
        guard let closing = rest.firstIndex(of: ")") else { return nil }
        let base = rest[..<closing]
        let tail = rest[closing...]
        guard tail.count == transforms.count, tail.allSatisfy({ $0 == ")" }) else { return nil }
        return (String(base), transforms)
    }

    /// The swift-mustache transforms that make sense on the view model's values.
    static func apply(_ transform: String, to shape: TemplateShape) -> TemplateShape? {
        switch (shape, transform) {
        case (.text, "capitalized"), (.text, "lowercased"), (.text, "uppercased"), (.text, "reversed"): .text
        case (.text, "empty"): .flag
        case (.list, "count"): .integer
        case (.list, "empty"): .flag
        case (.list(let element), "first"), (.list(let element), "last"): .object(element)
        case (.list, "reversed"): shape
        case (.integer, "plusone"), (.integer, "minusone"): .integer
        case (.integer, "equalzero"), (.integer, "even"), (.integer, "odd"): .flag
        default: nil
        }
    }

    private static func validNames(_ stack: [TemplateShape]) -> String {
        var names: [String] = []
        for context in stack.reversed() {
            if case .object(let schema) = context {
                for name in schema.names where !names.contains(name) { names.append(name) }
            }
        }
        return names.isEmpty ? "no names are valid here" : "names valid here: " + names.joined(separator: ", ")
    }
}
