/// One field of a CSV row: text is guarded against formula injection, numbers never altered.
enum CSVField: Sendable, Equatable {
    case text(String)
    case number(String)
    case empty

    static func int<T: BinaryInteger>(_ value: T?) -> CSVField {
        guard let value else { return .empty }
        return .number(String(value))
    }
    static func bool(_ value: Bool?) -> CSVField {
        guard let value else { return .empty }
        return .text(value ? "true" : "false")
    }
    /// Several values in one field, joined with `;`.
    static func list(_ values: [String]) -> CSVField { .text(values.joined(separator: ";")) }
}

/// RFC 4180 output: comma separated, CRLF line ends, fields holding `,` `"` CR or LF quoted with
/// `"` doubled; UTF-8 with an optional byte order mark. A text field whose first character is
/// `=`, `+`, `-`, `@`, a tab or a carriage return is written with a leading `'`.
struct CSVEncoder {
    private(set) var bytes: [UInt8] = []

    init(header: [String], bom: Bool) {
        if bom { bytes += [0xEF, 0xBB, 0xBF] }
        appendRow(header.map(CSVField.text))
    }

    var byteCount: Int { bytes.count }

    /// The bytes so far, leaving the encoder empty (with its capacity) for the rows to come.
    mutating func takeBytes() -> [UInt8] {
        let taken = bytes
        bytes.removeAll(keepingCapacity: true)
        return taken
    }

    mutating func appendRow(_ fields: [CSVField]) {
        for (index, field) in fields.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            switch field {
            case .empty: break
            case .number(let text): appendEscaped(text, guardFormula: false)
            case .text(let text): appendEscaped(text, guardFormula: true)
            }
        }
        bytes.append(0x0D)
        bytes.append(0x0A)
    }

    /// Reads the text's own UTF-8 storage (native strings have one) instead of copying it first.
    private mutating func appendEscaped(_ text: String, guardFormula: Bool) {
        var text = text
        text.withUTF8 { appendEscaped($0, guardFormula: guardFormula) }
    }

    private mutating func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>, guardFormula: Bool) {
        let needsGuard = guardFormula && (utf8.first.map(Self.formulaLeads.contains) ?? false)
        let needsQuotes = utf8.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0D || $0 == 0x0A }
        if needsQuotes { bytes.append(0x22) }
        if needsGuard { bytes.append(UInt8(ascii: "'")) }
        if needsQuotes {
            for byte in utf8 {
                bytes.append(byte)
                if byte == 0x22 { bytes.append(0x22) }
            }
            bytes.append(0x22)
        } else {
            bytes += utf8
        }
    }

    /// `=`, `+`, `-`, `@`, tab, carriage return.
    static let formulaLeads: Set<UInt8> = [0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D]
}
