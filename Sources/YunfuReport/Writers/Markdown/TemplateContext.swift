import Mustache

/// What kind of value a name stands for in a template.
indirect enum TemplateShape: Sendable {
    /// Printed with `{{name}}`; a section over it renders once, with the text as its context.
    case text
    /// A section renders when true; an inverted section when false.
    case flag
    /// Only from a transform (`count(list)`, `index()`).
    case integer
    /// A section renders once per element, with the element as its context.
    case list(TemplateSchema)
    /// A section renders once, with the object as its context.
    case object(TemplateSchema)

    var word: String {
        switch self {
        case .text: "text"
        case .flag: "flag"
        case .integer: "number"
        case .list: "list"
        case .object: "object"
        }
    }
}

/// The names valid in one context of a template, and what each stands for.
struct TemplateSchema: Sendable {
    var fields: [String: TemplateShape]
    /// Names in declaration order, for messages.
    var names: [String]
}

/// A view-model type that templates can read. Its fields are declared once, in `templateFields`,
/// and both rendering (through `TemplateBox`) and validation (through `templateSchema`) read that
/// one table, so the names a template is checked against are exactly the names it can render.
protocol TemplateContext: SendableMetatype {
    static var templateFields: [TemplateField<Self>] { get }
}

extension TemplateContext {
    static var templateSchema: TemplateSchema {
        let fields = templateFields
        var shapes: [String: TemplateShape] = [:]
        for field in fields { shapes[field.name] = field.shape }
        return TemplateSchema(fields: shapes, names: fields.map(\.name))
    }
}

struct TemplateField<Root> {
    let name: String
    /// Computed only when a template is checked: rendering needs the reader alone.
    private let shapeOf: () -> TemplateShape
    let read: (Root) -> Any

    var shape: TemplateShape { shapeOf() }

    private init(name: String, shape: @escaping () -> TemplateShape, read: @escaping (Root) -> Any) {
        self.name = name
        self.shapeOf = shape
        self.read = read
    }

    static func text(_ name: String, _ path: KeyPath<Root, String>) -> Self {
        Self(name: name, shape: { .text }, read: { $0[keyPath: path] })
    }

    static func flag(_ name: String, _ path: KeyPath<Root, Bool>) -> Self {
        Self(name: name, shape: { .flag }, read: { $0[keyPath: path] })
    }

    static func list<Element: TemplateContext>(_ name: String, _ path: KeyPath<Root, [Element]>) -> Self {
        Self(name: name, shape: { .list(Element.templateSchema) }, read: { $0[keyPath: path].map(TemplateBox.init) })
    }

    static func object<Child: TemplateContext>(_ name: String, _ path: KeyPath<Root, Child>) -> Self {
        Self(name: name, shape: { .object(Child.templateSchema) }, read: { TemplateBox($0[keyPath: path]) })
    }
}

/// A view-model value as swift-mustache sees it: a parent whose children are its declared fields.
struct TemplateBox<Root: TemplateContext>: MustacheParent {
    let root: Root

    init(_ root: Root) { self.root = root }

    func child(named name: String) -> Any? {
        for field in Root.templateFields where field.name == name {
            return field.read(root)
        }
        return nil
    }
}
