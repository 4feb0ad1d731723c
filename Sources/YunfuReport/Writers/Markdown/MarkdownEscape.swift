import Foundation

/// Text from the payload made safe for GitHub-flavoured Markdown, in a table cell or in running
/// text: it can neither break the table nor the page, nor inject HTML, and it still reads well as
/// plain text (a chat that shows Markdown unrendered).
enum MarkdownEscape {
    /// - `|` → `\|` and `\` → `\\`, so a cell never splits;
    /// - CR LF, CR, LF, and the Unicode line and paragraph separators → `<br>`, so a row never splits;
    /// - `<` → `&lt;` (no HTML tag, no autolink), and `&` → `&amp;` where it would start an entity;
    /// - `*`, `` ` ``, `[`, `]`, `~` backslash-escaped (emphasis, code, links, strike-through), and `_`
    ///   too unless it sits between two letters or digits, where it cannot emphasise (`line_01`);
    /// - other control characters dropped, tabs made spaces.
    static func text(_ raw: String) -> String {
        var out = ""
        out.reserveCapacity(raw.utf8.count)
        let scalars = Array(raw.unicodeScalars)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            case "\r":
                out += "<br>"
                if index + 1 < scalars.count, scalars[index + 1] == "\n" { index += 1 }
            case "\n", "\u{2028}", "\u{2029}", "\u{85}", "\u{0B}", "\u{0C}":
                out += "<br>"
            case "\t":
                out += " "
            case "|", "\\", "*", "`", "[", "]", "~":
                out += "\\"
                out.unicodeScalars.append(scalar)
            case "_":
                let before = index > 0 ? scalars[index - 1] : nil
                let after = index + 1 < scalars.count ? scalars[index + 1] : nil
                if isWordScalar(before), isWordScalar(after) {
                    out += "_"
                } else {
                    out += "\\_"
                }
            case "<":
                out += "&lt;"
            case "&":
                out += startsEntity(scalars, at: index) ? "&amp;" : "&"
            default:
                if scalar.properties.generalCategory == .control {
                    break  // other C0/C1 controls: invisible, and some viewers choke on them
                }
                out.unicodeScalars.append(scalar)
            }
            index += 1
        }
        return out
    }

    /// A letter or digit (any script): `_` between two of them cannot open or close emphasis.
    private static func isWordScalar(_ scalar: Unicode.Scalar?) -> Bool {
        guard let scalar else { return false }
        return scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }

    /// `&name;`, `&#123;` or `&#x1F;`: what a Markdown viewer would read as a character reference.
    private static func startsEntity(_ scalars: [Unicode.Scalar], at start: Int) -> Bool {
        var index = start + 1
        var length = 0
        while index < scalars.count, length <= 32 {
            let scalar = scalars[index]
            if scalar == ";" { return length > 0 }
            guard scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "#"
            else { return false }
            index += 1
            length += 1
        }
        return false
    }
}
