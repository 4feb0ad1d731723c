/// Text as a cell can hold it.
public enum CellText {
    /// Excel's limit for one cell: 32,767 characters, counted in UTF-16 code units. libxlsxwriter
    /// counts Unicode scalars (and refuses with error 19 above the limit); a text within the
    /// UTF-16 limit is within both.
    public static let maxLength = 32_767

    /// Whether `text` fits in a cell as it is.
    public static func fits(_ text: String) -> Bool {
        text.utf16.count <= maxLength
    }

    /// `text` cut so that, with `marker` appended, it fits in a cell; the cut falls between Unicode
    /// scalars, never inside a surrogate pair. Returns the text unchanged when it already fits.
    public static func fitting(_ text: String, marker: String) -> (text: String, wasCut: Bool) {
        guard !fits(text) else { return (text, false) }
        let budget = max(0, maxLength - marker.utf16.count)
        var used = 0
        var kept = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let width = scalar.utf16.count
            guard used + width <= budget else { break }
            kept.append(scalar)
            used += width
        }
        return (String(kept) + marker, true)
    }

    /// `text` as it may be handed to C: a NUL would end the C string early (and is not allowed in
    /// XML), so each one becomes U+FFFD, the replacement character. Everything else is kept; the
    /// other control characters are escaped by libxlsxwriter itself (`_x0001_`).
    public static func cSafe(_ text: String) -> String {
        guard text.utf8.contains(0) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            out.append(scalar == "\0" ? "\u{FFFD}" : scalar)
        }
        return String(out)
    }

    /// How many columns `text` takes in a monospaced rendering: East Asian wide and full-width
    /// characters (CJK, kana, hangul, full-width forms) and emoji count 2, combining marks 0,
    /// everything else 1. For a text of several lines, the widest line.
    public static func displayWidth(_ text: String) -> Int {
        var widest = 0
        var current = 0
        for scalar in text.unicodeScalars {
            if scalar == "\n" || scalar == "\r" {
                widest = max(widest, current)
                current = 0
                continue
            }
            current += width(of: scalar)
        }
        return max(widest, current)
    }

    static func width(of scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        switch v {
        case 0x0300...0x036F, 0x200B...0x200F, 0xFE00...0xFE0F, 0x20D0...0x20FF:
            return 0  // combining marks, zero-width spaces and joiners, variation selectors
        case 0x1100...0x115F,  // Hangul Jamo
            0x2E80...0x303E,  // CJK radicals, punctuation
            0x3041...0x33FF,  // kana, CJK symbols
            0x3400...0x4DBF,  // CJK extension A
            0x4E00...0x9FFF,  // CJK unified ideographs
            0xA000...0xA4CF,  // Yi
            0xAC00...0xD7A3,  // Hangul syllables
            0xF900...0xFAFF,  // CJK compatibility ideographs
            0xFE30...0xFE4F,  // CJK compatibility forms
            0xFF00...0xFF60,  // full-width forms
            0xFFE0...0xFFE6,
            0x1F300...0x1F64F,  // pictographs, emoticons
            0x1F900...0x1F9FF,
            0x20000...0x3FFFD:  // CJK extensions B and later
            return 2
        default:
            return 1
        }
    }
}
