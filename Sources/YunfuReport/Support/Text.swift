import Foundation

/// Text is compared, de-duplicated and sorted by its Unicode scalar values as received, with no
/// normalisation (Swift's `String ==` and `<` merge canonically equivalent forms; these do not).
enum ScalarOrder {
    static func less(_ a: String, _ b: String) -> Bool {
        a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
    }
    static func equal(_ a: String, _ b: String) -> Bool {
        a.unicodeScalars.elementsEqual(b.unicodeScalars)
    }
}

/// A `String` wrapper whose equality, hashing and order are by Unicode scalars.
struct ScalarKey: Hashable, Comparable, Sendable {
    let value: String
    init(_ value: String) { self.value = value }

    static func == (a: ScalarKey, b: ScalarKey) -> Bool { ScalarOrder.equal(a.value, b.value) }
    static func < (a: ScalarKey, b: ScalarKey) -> Bool { ScalarOrder.less(a.value, b.value) }
    func hash(into hasher: inout Hasher) {
        for scalar in value.unicodeScalars { hasher.combine(scalar.value) }
    }
}

extension Sequence where Element == String {
    func sortedByScalars() -> [String] { sorted(by: ScalarOrder.less) }
}

extension String {
    /// The first `limit` Unicode scalars.
    func prefixScalars(_ limit: Int) -> String {
        let scalars = unicodeScalars
        guard scalars.count > limit else { return self }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars.prefix(limit))
        return String(out)
    }

    /// Empty after trimming white space and newlines: the contract's "empty (after trimming)",
    /// the one definition of blank. The characters are those `trimmedForEmptiness` trims
    /// (Foundation's `whitespacesAndNewlines` on Linux): Unicode's White_Space and the zero-width
    /// space U+200B.
    var isBlank: Bool {
        unicodeScalars.allSatisfy { scalar in
            if scalar.value < 0x80 { return scalar.value == 0x20 || (scalar.value >= 0x09 && scalar.value <= 0x0D) }
            return scalar.properties.isWhitespace || scalar.value == 0x200B
        }
    }

    /// Trimmed of white space and newlines, as the contract's "empty (after trimming)".
    var trimmedForEmptiness: String {
        // Nothing to trim when both ends are printable ASCII other than the space (the common case,
        // and Foundation's trimming is costly per call).
        if let first = utf8.first, let last = utf8.last, (0x21...0x7E).contains(first), (0x21...0x7E).contains(last) {
            return self
        }
        return trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
