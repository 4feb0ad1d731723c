import Foundation
import Testing

@testable import YunfuReport

@Suite("CSV reader")
struct CSVReaderTests {
    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func readsRecordsWithCRLFLineEnds() throws {
        let records = try CSVReader.parse(bytes("a,b,c\r\n1,2,3\r\n"))
        #expect(records == [["a", "b", "c"], ["1", "2", "3"]])
    }

    @Test func dropsALeadingByteOrderMark() throws {
        let records = try CSVReader.parse([0xEF, 0xBB, 0xBF] + bytes("名称,x\r\n线路,1\r\n"))
        #expect(records == [["名称", "x"], ["线路", "1"]])
    }

    @Test func keepsAByteOrderMarkThatIsNotAtTheStart() throws {
        let records = try CSVReader.parse(bytes("a,") + [0xEF, 0xBB, 0xBF] + bytes("b\r\n"))
        #expect(records == [["a", "\u{FEFF}b"]])
    }

    @Test func readsQuotedFieldsWithCommasQuotesAndLineBreaks() throws {
        let text = "\"a,b\",\"say \"\"hi\"\"\",\"two\r\nlines\",\"lf\nonly\",\"cr\ronly\",\"\"\r\n"
        let records = try CSVReader.parse(bytes(text))
        #expect(records == [["a,b", "say \"hi\"", "two\r\nlines", "lf\nonly", "cr\ronly", ""]])
    }

    @Test func readsEmptyFieldsAndEmptyLines() throws {
        let records = try CSVReader.parse(bytes(",a,\r\n\r\n,\r\n"))
        #expect(records == [["", "a", ""], [""], ["", ""]])
    }

    @Test func readsNothingFromAnEmptyInput() throws {
        #expect(try CSVReader.parse([]) == [])
        #expect(try CSVReader.parse([0xEF, 0xBB, 0xBF]) == [])
    }

    @Test func keepsTextAsReceivedWithoutNormalisation() throws {
        let decomposed = "e\u{301}"
        let records = try CSVReader.parse(bytes("\(decomposed),\u{E9}\r\n"))
        let first = try #require(records.first)
        #expect(Array(first[0].unicodeScalars) == ["e", "\u{301}"])
        #expect(Array(first[1].unicodeScalars) == ["\u{E9}"])
    }

    @Test func acceptsALastRecordWithoutLineEndOnlyWhenAsked() throws {
        #expect(try CSVReader.parse(bytes("a,b\r\nc,d"), requireFinalLineEnd: false) == [["a", "b"], ["c", "d"]])
        #expect(throws: CSVReadError(line: 2, .missingFinalLineEnd)) {
            try CSVReader.parse(self.bytes("a,b\r\nc,d"))
        }
    }

    struct Malformed: Sendable, CustomTestStringConvertible {
        var input: String
        var error: CSVReadError
        var testDescription: String { input.debugDescription }
    }

    static let malformed: [Malformed] = [
        Malformed(input: "a,b\r\n\"open,c\r\nx\r\n", error: CSVReadError(line: 4, .unterminatedQuote(openedOnLine: 2))),
        Malformed(input: "a,b\"c\r\n", error: CSVReadError(line: 1, .strayQuote)),
        Malformed(input: "a\r\nb,\"x\"y\r\n", error: CSVReadError(line: 2, .textAfterClosingQuote)),
        Malformed(input: "a\r\n\"x\" ,y\r\n", error: CSVReadError(line: 2, .textAfterClosingQuote)),
        Malformed(input: "a,b\nc,d\r\n", error: CSVReadError(line: 1, .bareLineFeed)),
        Malformed(input: "a\r\n\"q\"\nc\r\n", error: CSVReadError(line: 2, .bareLineFeed)),
        Malformed(input: "a,b\rc\r\n", error: CSVReadError(line: 1, .bareCarriageReturn)),
        Malformed(input: "a,b\r", error: CSVReadError(line: 1, .bareCarriageReturn)),
        Malformed(input: "a\r\n\"x\r\ny\",\"z", error: CSVReadError(line: 3, .unterminatedQuote(openedOnLine: 3))),
        Malformed(input: "a\r\nb,c", error: CSVReadError(line: 2, .missingFinalLineEnd)),
    ]

    @Test(arguments: malformed)
    func rejectsMalformedInputNamingTheLine(_ test: Malformed) {
        #expect(throws: test.error) { try CSVReader.parse(Array(test.input.utf8)) }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: CSVReadError(line: 2, .invalidUTF8)) {
            try CSVReader.parse(self.bytes("a\r\nx,") + [0xFF, 0x41] + self.bytes("\r\n"))
        }
    }

    @Test func countsLinesInsideQuotedFields() {
        let text = "h\r\n\"one\r\ntwo\nthree\"\r\nbad\"\r\n"
        #expect(throws: CSVReadError(line: 5, .strayQuote)) { try CSVReader.parse(self.bytes(text)) }
    }

    @Test func errorsReadAsSentencesWithTheLine() {
        let error = CSVReadError(line: 7, .unterminatedQuote(openedOnLine: 5))
        #expect(error.description == "line 7: the quoted field opened on line 5 never ends")
        #expect(CSVReadError(line: 3, .bareLineFeed).description.contains("CRLF"))
    }

    // MARK: - Tables

    @Test func readsATableUnderItsHeader() throws {
        let rows = try CSVReader.parseTable(
            [0xEF, 0xBB, 0xBF] + bytes("id,name\r\n1,\"a,b\"\r\n2,\r\n"), expectedHeader: ["id", "name"])
        #expect(rows == [["id": "1", "name": "a,b"], ["id": "2", "name": ""]])
    }

    @Test func readsAHeaderOnlyTableAsNoRows() throws {
        #expect(try CSVReader.parseTable(bytes("id,name\r\n"), expectedHeader: ["id", "name"]).isEmpty)
    }

    @Test func rejectsAnotherColumnLayout() throws {
        for header in ["name,id\r\n", "id,name,extra\r\n", "id\r\n", "ID,name\r\n"] {
            let error = try #require(throws: CSVReadError.self) {
                try CSVReader.parseTable(self.bytes(header + "1,2\r\n"), expectedHeader: ["id", "name"])
            }
            guard case .otherColumnLayout(_, let expected) = error.kind else {
                Issue.record("expected another column layout, got \(error)")
                continue
            }
            #expect(expected == ["id", "name"])
            #expect(error.line == 1)
            #expect(error.description.contains("another column layout"))
        }
    }

    @Test func rejectsARecordWithAnotherFieldCount() {
        #expect(throws: CSVReadError(line: 3, .fieldCount(found: 1, expected: 2))) {
            try CSVReader.parseTable(self.bytes("id,name\r\n1,a\r\n2\r\n"), expectedHeader: ["id", "name"])
        }
        #expect(throws: CSVReadError(line: 2, .fieldCount(found: 1, expected: 2))) {
            try CSVReader.parseTable(self.bytes("id,name\r\n\r\n"), expectedHeader: ["id", "name"])
        }
    }

    @Test func rejectsAnEmptyTable() {
        #expect(throws: CSVReadError(line: 1, .noHeader)) {
            try CSVReader.parseTable([0xEF, 0xBB, 0xBF], expectedHeader: ["id"])
        }
    }

    @Test func keepsRecordLinesForTableReaders() throws {
        let records = try CSVReader.parseTableRecords(
            bytes("id,note\r\n1,\"a\r\nb\"\r\n2,c\r\n"), expectedHeader: ["id", "note"])
        #expect(records.map(\.line) == [2, 4])
    }
}
