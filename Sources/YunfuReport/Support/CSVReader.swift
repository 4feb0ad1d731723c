import Foundation

/// Why a CSV file could not be read, and where (`line` is the physical line, 1-based, counting
/// every LF, also those inside quoted fields).
struct CSVReadError: Error, Equatable, CustomStringConvertible {
    enum Kind: Equatable, Sendable {
        /// A quoted field that never ends; `openedOnLine` is where its quote opened.
        case unterminatedQuote(openedOnLine: Int)
        /// A `"` inside a field that did not start with one.
        case strayQuote
        /// Something other than `,` or CRLF right after a closing quote.
        case textAfterClosingQuote
        /// An LF line end without its CR, outside quotes.
        case bareLineFeed
        /// A CR not followed by LF, outside quotes.
        case bareCarriageReturn
        /// The last record has no CRLF: the file was cut short (the writer ends every record).
        case missingFinalLineEnd
        case invalidUTF8
        /// `parseTable`: no header row at all.
        case noHeader
        /// `parseTable`: the header row is not the expected one.
        case otherColumnLayout(found: [String], expected: [String])
        /// `parseTable`: a record with another number of fields than the header.
        case fieldCount(found: Int, expected: Int)
    }

    var line: Int
    var kind: Kind

    init(line: Int, _ kind: Kind) {
        self.line = line
        self.kind = kind
    }

    var description: String {
        let what: String
        switch kind {
        case .unterminatedQuote(let opened):
            what = "the quoted field opened on line \(opened) never ends"
        case .strayQuote:
            what = "a quote inside a field that is not quoted"
        case .textAfterClosingQuote:
            what = "text after the closing quote of a field"
        case .bareLineFeed:
            what = "a line ends with LF alone (expected CRLF)"
        case .bareCarriageReturn:
            what = "a CR not followed by LF outside quotes"
        case .missingFinalLineEnd:
            what = "the last record has no line end (the file looks cut short)"
        case .invalidUTF8:
            what = "a field is not valid UTF-8"
        case .noHeader:
            what = "the file is empty, with no header row"
        case .otherColumnLayout(let found, let expected):
            what =
                "another column layout: the header is \(Self.shortList(found)), expected \(Self.shortList(expected))"
        case .fieldCount(let found, let expected):
            what = "a record with \(found) field\(found == 1 ? "" : "s") where the header has \(expected)"
        }
        return "line \(line): \(what)"
    }

    private static func shortList(_ columns: [String]) -> String {
        let shown = columns.prefix(20).map { $0.prefixScalars(40) }.joined(separator: ",")
        return "\"" + shown + (columns.count > 20 ? ",…" : "") + "\""
    }
}

/// A strict RFC 4180 reader: comma separated, CRLF line ends, fields holding `,` `"` CR or LF
/// quoted with `"` doubled, an optional UTF-8 byte order mark. It is the reading side of the
/// project's CSV writer, so it accepts nothing the writer would not write: a bare LF or CR outside
/// quotes, a stray quote, text after a closing quote, an unterminated quote or (by default) a last
/// record without its CRLF are errors that name the line.
enum CSVReader {
    private static let quote: UInt8 = 0x22
    private static let comma: UInt8 = 0x2C
    private static let cr: UInt8 = 0x0D
    private static let lf: UInt8 = 0x0A

    /// Every record, each as its fields. An empty input (or a byte order mark alone) has no record.
    /// An empty line (`CRLF` alone) is a record of one empty field.
    /// - Parameter requireFinalLineEnd: the last record must end with CRLF (the writer always
    ///   writes one), so that a file cut at a record boundary… or inside a field is caught.
    static func parse(_ bytes: [UInt8], requireFinalLineEnd: Bool = true) throws(CSVReadError) -> [[String]] {
        try parseRecords(bytes, requireFinalLineEnd: requireFinalLineEnd).map(\.fields)
    }

    /// The records after a header row that must be exactly `expectedHeader` (else "another column
    /// layout"), each as column id → value. Every record must have as many fields as the header.
    static func parseTable(
        _ bytes: [UInt8], expectedHeader: [String], requireFinalLineEnd: Bool = true
    ) throws(CSVReadError) -> [[String: String]] {
        try parseTableRecords(bytes, expectedHeader: expectedHeader, requireFinalLineEnd: requireFinalLineEnd)
            .map { record in
                var row: [String: String] = [:]
                for (column, value) in zip(expectedHeader, record.fields) where row[column] == nil {
                    row[column] = value
                }
                return row
            }
    }

    /// One record and the line it starts on.
    struct Record: Equatable, Sendable {
        var line: Int
        var fields: [String]
    }

    /// `parseTable`, keeping each record's fields in column order and its line, for readers that
    /// want to name the line of a bad value.
    static func parseTableRecords(
        _ bytes: [UInt8], expectedHeader: [String], requireFinalLineEnd: Bool = true
    ) throws(CSVReadError) -> [Record] {
        let records = try parseRecords(bytes, requireFinalLineEnd: requireFinalLineEnd)
        guard let header = records.first else { throw CSVReadError(line: 1, .noHeader) }
        guard header.fields.count == expectedHeader.count,
            zip(header.fields, expectedHeader).allSatisfy({ ScalarOrder.equal($0, $1) })
        else {
            throw CSVReadError(line: header.line, .otherColumnLayout(found: header.fields, expected: expectedHeader))
        }
        let body = records.dropFirst()
        for record in body where record.fields.count != expectedHeader.count {
            throw CSVReadError(
                line: record.line, .fieldCount(found: record.fields.count, expected: expectedHeader.count))
        }
        return Array(body)
    }

    static func parseRecords(_ bytes: [UInt8], requireFinalLineEnd: Bool = true) throws(CSVReadError) -> [Record] {
        var records: [Record] = []
        var index = 0
        let count = bytes.count
        if count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
        var line = 1

        // Each pass reads one record.
        while index < count {
            let recordLine = line
            var fields: [String] = []
            var recordEnded = false
            while !recordEnded {
                // One field, starting at `index`.
                var value: [UInt8] = []
                if index < count, bytes[index] == quote {
                    let openedOn = line
                    index += 1
                    var closed = false
                    while index < count {
                        let byte = bytes[index]
                        if byte == quote {
                            if index + 1 < count, bytes[index + 1] == quote {
                                value.append(quote)
                                index += 2
                                continue
                            }
                            index += 1
                            closed = true
                            break
                        }
                        if byte == lf { line += 1 }
                        value.append(byte)
                        index += 1
                    }
                    guard closed else { throw CSVReadError(line: line, .unterminatedQuote(openedOnLine: openedOn)) }
                    if index < count, bytes[index] != comma, bytes[index] != cr {
                        throw CSVReadError(line: line, bytes[index] == lf ? .bareLineFeed : .textAfterClosingQuote)
                    }
                } else {
                    while index < count {
                        let byte = bytes[index]
                        if byte == comma || byte == cr { break }
                        if byte == lf { throw CSVReadError(line: line, .bareLineFeed) }
                        if byte == quote { throw CSVReadError(line: line, .strayQuote) }
                        value.append(byte)
                        index += 1
                    }
                }
                guard let text = String(validating: value, as: UTF8.self) else {
                    throw CSVReadError(line: line, .invalidUTF8)
                }
                fields.append(text)

                // What ends the field: a comma, CRLF, or the end of the input.
                if index >= count {
                    if requireFinalLineEnd { throw CSVReadError(line: line, .missingFinalLineEnd) }
                    recordEnded = true
                } else if bytes[index] == comma {
                    index += 1
                } else {
                    // bytes[index] == cr
                    guard index + 1 < count, bytes[index + 1] == lf else {
                        throw CSVReadError(line: line, .bareCarriageReturn)
                    }
                    index += 2
                    line += 1
                    recordEnded = true
                }
            }
            records.append(Record(line: recordLine, fields: fields))
        }
        return records
    }
}
