import Foundation

/// One row of an `accounts_file`: an account to report on, beside those of the YAML.
struct AccountsFileRow: Sendable, Equatable {
    var userID: String
    /// nil for a main view (an empty `sub_user_id` cell).
    var subUserID: String?
    /// "" when the cell is empty.
    var label: String
    /// The line the row starts on (1-based; the header is line 1 unless blank lines precede it).
    var line: Int
}

/// The `accounts_file` format: CSV (RFC 4180 quoting, `,` separated, CRLF or LF line ends),
/// UTF-8 with an optional byte order mark, a header row `user_id,sub_user_id,label`, then one
/// account per row. Blank lines are skipped; spaces around a cell are ignored.
enum AccountsFile {
    static let header = ["user_id", "sub_user_id", "label"]

    /// The rows of an accounts file; a mistake names `file` and its line.
    static func parse(_ data: Data, file: String) throws(ConfigurationError) -> [AccountsFileRow] {
        let scalars = try decode(data, file: file)
        let records = try records(of: scalars, file: file)
        guard let headerRecord = records.first else {
            throw ConfigurationError(
                file: file, line: nil,
                message: "the accounts file is empty: it needs the header row `user_id,sub_user_id,label`")
        }
        let names = headerRecord.fields.map(\.trimmedForEmptiness)
        guard names == header else {
            throw ConfigurationError(
                file: file, line: headerRecord.line,
                message: "the header row must be `user_id,sub_user_id,label`, found `\(names.joined(separator: ","))`")
        }
        var rows: [AccountsFileRow] = []
        for record in records.dropFirst() {
            guard record.fields.count == header.count else {
                throw ConfigurationError(
                    file: file, line: record.line,
                    message: "a row must have 3 cells (user_id,sub_user_id,label), found \(record.fields.count)")
            }
            let userID = record.fields[0].trimmedForEmptiness
            guard !userID.isEmpty else {
                throw ConfigurationError(file: file, line: record.line, message: "`user_id` is empty")
            }
            let subUserID = record.fields[1].trimmedForEmptiness
            rows.append(
                AccountsFileRow(
                    userID: userID,
                    subUserID: subUserID.isEmpty ? nil : subUserID,
                    label: record.fields[2].trimmedForEmptiness,
                    line: record.line))
        }
        return rows
    }

    // MARK: Text

    /// The Unicode scalars of UTF-8 `data`, without a leading byte order mark.
    private static func decode(_ data: Data, file: String) throws(ConfigurationError) -> [Unicode.Scalar] {
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(data.count)
        var decoder = UTF8()
        var bytes = data.makeIterator()
        var line = 1
        decoding: while true {
            switch decoder.decode(&bytes) {
            case .scalarValue(let scalar):
                if scalar == "\n" { line += 1 }
                scalars.append(scalar)
            case .emptyInput:
                break decoding
            case .error:
                throw ConfigurationError(file: file, line: line, message: "the accounts file is not valid UTF-8 text")
            }
        }
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        return scalars
    }

    /// One CSV record: its cells and the line it starts on.
    private struct Record {
        var line: Int
        var fields: [String]
    }

    /// The non-blank records of CSV text.
    private static func records(of scalars: [Unicode.Scalar], file: String) throws(ConfigurationError) -> [Record] {
        var records: [Record] = []
        var index = 0
        var line = 1
        let end = scalars.count

        func isLineEnd(_ scalar: Unicode.Scalar) -> Bool { scalar == "\n" || scalar == "\r" }

        while index < end {
            let recordLine = line
            var fields: [String] = []
            var quotedAny = false
            var recordDone = false
            while !recordDone {
                var field = String.UnicodeScalarView()
                if index < end, scalars[index] == "\"" {
                    quotedAny = true
                    let fieldLine = line
                    index += 1
                    var closed = false
                    while index < end {
                        let scalar = scalars[index]
                        if scalar == "\"" {
                            if index + 1 < end, scalars[index + 1] == "\"" {
                                field.append("\"")
                                index += 2
                                continue
                            }
                            index += 1
                            closed = true
                            break
                        }
                        if scalar == "\n" || (scalar == "\r" && !(index + 1 < end && scalars[index + 1] == "\n")) {
                            line += 1
                        }
                        field.append(scalar)
                        index += 1
                    }
                    guard closed else {
                        throw ConfigurationError(
                            file: file, line: fieldLine, message: "a quoted cell is not closed (a `\"` is missing)")
                    }
                    if index < end, scalars[index] != ",", !isLineEnd(scalars[index]) {
                        throw ConfigurationError(
                            file: file, line: line,
                            message: "a quoted cell must be followed by `,` or the end of the line")
                    }
                } else {
                    while index < end, scalars[index] != ",", !isLineEnd(scalars[index]) {
                        if scalars[index] == "\"" {
                            throw ConfigurationError(
                                file: file, line: line,
                                message:
                                    "a `\"` inside a cell that does not start with one (quote the whole cell and double the inner quotes)"
                            )
                        }
                        field.append(scalars[index])
                        index += 1
                    }
                }
                fields.append(String(field))
                if index >= end {
                    recordDone = true
                } else if scalars[index] == "," {
                    index += 1
                } else {
                    // A line end: CRLF, LF or a lone CR.
                    if scalars[index] == "\r", index + 1 < end, scalars[index + 1] == "\n" { index += 1 }
                    index += 1
                    line += 1
                    recordDone = true
                }
            }
            let blank = !quotedAny && fields.count == 1 && fields[0].isBlank
            if !blank { records.append(Record(line: recordLine, fields: fields)) }
        }
        return records
    }
}
