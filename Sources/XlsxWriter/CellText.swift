/// Text as a cell can hold it.
public enum CellText {
    /// Excel's limit for one cell: 32,767 characters, counted in UTF-16 code units. libxlsxwriter
    /// counts Unicode scalars (and refuses with error 19 above the limit); a text within the
    /// UTF-16 limit is within both.
    public static let maxLength = 32_767

    /// Whether `text` fits in a cell as it is: its stored form (see `storedLength`) within the limit.
    public static func fits(_ text: String) -> Bool {
        // Without counting: a UTF-16 unit takes at least one UTF-8 byte, and an escape adds 6 units
        // to a 7-byte `_xHHHH_`, so a text of at most maxLength / 2 bytes fits.
        if text.utf8.count <= maxLength / 2 { return true }
        return storedLength(text) <= maxLength
    }

    /// The length of `text` as it is stored: UTF-16 code units, plus 6 for each literal `_xHHHH_`
    /// (written `_x005F_xHHHH_`, see `escapingExcelEscapes`).
    public static func storedLength(_ text: String) -> Int {
        text.utf16.count + 6 * excelEscapeRanges(in: text).count
    }

    /// `text` cut so that, with `marker` appended, it fits in a cell; the cut falls between Unicode
    /// scalars, never inside a surrogate pair. Returns the text unchanged when it already fits.
    public static func fitting(_ text: String, marker: String) -> (text: String, wasCut: Bool) {
        guard !fits(text) else { return (text, false) }
        let budget = max(0, maxLength - storedLength(marker))
        // A literal `_xHHHH_` costs 6 more once escaped: count it on its "_".
        let escapes = Set(excelEscapeRanges(in: text).map(\.lowerBound))
        let scalars = text.unicodeScalars
        var used = 0
        var end = scalars.startIndex
        while end < scalars.endIndex {
            let cost = scalars[end].utf16.count + (escapes.contains(end) ? 6 : 0)
            guard used + cost <= budget else { break }
            used += cost
            end = scalars.index(after: end)
        }
        return (String(scalars[..<end]) + marker, true)
    }

    /// Excel reads `_xHHHH_` in cell text as the escaped character U+HHHH; a literal one in the
    /// text is written with its underscore escaped (`_x005F_xHHHH_`), so that it reads back as it
    /// was. (libxlsxwriter escapes control characters itself, as `_x0001_`, but not this.)
    public static func escapingExcelEscapes(_ text: String) -> String {
        let ranges = excelEscapeRanges(in: text)
        guard !ranges.isEmpty else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 6 * ranges.count)
        var last = text.startIndex
        for range in ranges {
            out += text[last..<range.lowerBound]
            out += "_x005F_"  // the "_" itself, escaped; "xHHHH_" follows as it was
            last = text.index(after: range.lowerBound)
        }
        out += text[last...]
        return out
    }

    /// Whether the UTF-8 of `text` holds `byte`: a search of the string's contiguous storage when it
    /// has one (native strings do), much faster than walking `String.UTF8View` by index.
    static func containsByte(_ text: String, _ byte: UInt8) -> Bool {
        text.utf8.withContiguousStorageIfAvailable { $0.contains(byte) } ?? text.utf8.contains(byte)
    }

    /// Where `_xHHHH_` (4 hex digits) occurs in `text`.
    static func excelEscapeRanges(in text: String) -> [Range<String.Index>] {
        let utf8 = text.utf8
        // Most texts hold no "_" at all: a search of the string's own bytes settles them.
        guard utf8.count >= 7, containsByte(text, UInt8(ascii: "_")) else { return [] }
        var ranges: [Range<String.Index>] = []
        var index = utf8.startIndex
        func isHex(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66)
        }
        while index < utf8.endIndex {
            guard utf8[index] == UInt8(ascii: "_") else {
                index = utf8.index(after: index)
                continue
            }
            var probe = index
            var bytes: [UInt8] = []
            for _ in 0..<7 {
                guard probe < utf8.endIndex else { break }
                bytes.append(utf8[probe])
                probe = utf8.index(after: probe)
            }
            if bytes.count == 7, bytes[1] == UInt8(ascii: "x"), bytes[2...5].allSatisfy(isHex),
                bytes[6] == UInt8(ascii: "_")
            {
                ranges.append(index..<probe)
                // The closing "_" may open the next sequence (`_x0041_x0042_`): Excel reads left to
                // right and takes the first; the second is then literal text and needs no escape.
                index = probe
            } else {
                index = utf8.index(after: index)
            }
        }
        return ranges
    }

    /// `text` as it may be handed to C: a NUL would end the C string early (and is not allowed in
    /// XML), so each one becomes U+FFFD, the replacement character. Everything else is kept; the
    /// other control characters are escaped by libxlsxwriter itself (`_x0001_`).
    public static func cSafe(_ text: String) -> String {
        guard containsByte(text, 0) else { return text }
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
        // ASCII (ids, figures, engine names): one column a byte but for line breaks, counted
        // on the string's own bytes.
        if let ascii = text.utf8.withContiguousStorageIfAvailable({ bytes -> Int? in
            var widest = 0
            var current = 0
            for byte in bytes {
                if byte >= 0x80 { return nil }
                if byte == 0x0A || byte == 0x0D {
                    widest = max(widest, current)
                    current = 0
                } else {
                    current += 1
                }
            }
            return max(widest, current)
        }), let ascii {
            return ascii
        }
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
