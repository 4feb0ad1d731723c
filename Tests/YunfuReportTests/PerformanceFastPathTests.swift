import Foundation
import Testing
@testable import XlsxWriter
import YunfuSimulator

@testable import YunfuReport
@testable import YunfuReportCLI

/// The shortcuts taken for speed (docs/performance.md) give what the long way gives.
@Suite("Performance fast paths")
struct PerformanceFastPathTests {
    static let texts: [String] = [
        "", " ", "x", "!~", "a ", " a", "\tA\t", "aliYun1", "  ", "\u{3000}全角空格\u{3000}", "\u{85}next line\u{85}",
        "华东移动-外呼-101", "e\u{301}cole", "🚀线路🔥", "line\r\nbreak", "a\nb", "6eb77c1d-2e0a-84cc-8d50-e597edf1f828",
        "100%/sub;x", "%", "/", ";", String(repeating: "x", count: 58), String(repeating: "x", count: 59),
        String(repeating: "线", count: 19), String(repeating: "线", count: 20), String(repeating: "线", count: 40),
        String(repeating: "e\u{301}", count: 30), String(repeating: "😀", count: 15), "=SUM(A1:A9)", "_x0041_",
    ]

    @Test func trimmedForEmptinessIsFoundationsTrimming() {
        for text in Self.texts {
            #expect(text.trimmedForEmptiness == text.trimmingCharacters(in: .whitespacesAndNewlines), "\(text.debugDescription)")
        }
    }

    /// One definition of blank: `isBlank` is "empty after `trimmedForEmptiness`" for every scalar
    /// alone and for the sample texts.
    @Test func blankIsEmptyAfterTrimmingForEveryScalar() {
        var differing: [UInt32] = []
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let text = String(Character(scalar))
            if text.isBlank != text.trimmedForEmptiness.isEmpty { differing.append(value) }
        }
        #expect(differing.isEmpty, "\(differing.map { String($0, radix: 16) })")
        for text in Self.texts + ["", " \t\r\n", "\u{3000}\u{00A0}", " a "] {
            #expect(text.isBlank == text.trimmedForEmptiness.isEmpty, "\(text.debugDescription)")
        }
    }

    @Test func accountKeyPartsEscapeAsBefore() {
        func slow(_ id: String) -> String {
            var out = ""
            for scalar in id.unicodeScalars {
                switch scalar {
                case "%": out += "%25"
                case "/": out += "%2F"
                case ";": out += "%3B"
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out
        }
        for text in Self.texts {
            #expect(AccountID.escapeKeyPart(text) == slow(text), "\(text.debugDescription)")
        }
    }

    @Test func wrappedLinesAgreesWithSplittingEveryText() {
        func slow(_ text: String) -> Int {
            guard text.utf8.count > XLSXStyle.maxColumnWidth / 2 || text.utf8.contains(UInt8(ascii: "\n")) else { return 1 }
            let perLine = XLSXStyle.maxColumnWidth - 2
            return text.split(separator: "\n", omittingEmptySubsequences: false).reduce(0) { total, paragraph in
                total + max(1, (CellText.displayWidth(String(paragraph)) + perLine - 1) / perLine)
            }
        }
        var texts = Self.texts
        for piece in ["x", "线", "😀", "e\u{301}", "\n", "\r\n", " "] {
            for count in [1, 14, 15, 29, 30, 31, 57, 58, 59, 60, 61, 116, 117, 200] {
                texts.append(String(repeating: piece, count: count))
                texts.append("ab" + String(repeating: piece, count: count) + "线")
            }
        }
        for text in texts {
            #expect(XLSXSheet.wrappedLines(text) == slow(text), "\(text.debugDescription)")
        }
    }

    @Test func displayWidthOfASCIIBytesIsTheWidthOfItsScalars() {
        func slow(_ text: String) -> Int {
            var widest = 0
            var current = 0
            for scalar in text.unicodeScalars {
                if scalar == "\n" || scalar == "\r" {
                    widest = max(widest, current)
                    current = 0
                } else {
                    current += CellText.width(of: scalar)
                }
            }
            return max(widest, current)
        }
        let ascii = ["", "\n", "\r\n", "a\tb", "line one\nline two, longer\r\nx", "\u{7F}\u{1}", String(repeating: "z", count: 300)]
        for text in Self.texts + ascii {
            #expect(CellText.displayWidth(text) == slow(text), "\(text.debugDescription)")
        }
    }

    @Test func fitsWithoutCountingAgreesWithTheStoredLength() {
        let half = CellText.maxLength / 2
        let edge = [
            String(repeating: "_x0041_", count: half / 7), String(repeating: "x", count: half),
            String(repeating: "x", count: half + 1), String(repeating: "x", count: CellText.maxLength),
            String(repeating: "x", count: CellText.maxLength + 1), String(repeating: "线", count: half / 3 + 1),
            String(repeating: "_x0041_", count: CellText.maxLength / 13 + 1), String(repeating: "😀", count: half / 2 + 1),
        ]
        for text in Self.texts + edge {
            #expect(CellText.fits(text) == (CellText.storedLength(text) <= CellText.maxLength), "\(text.prefix(20))…")
        }
    }

    @Test func engineRowsCountEachAccountOnceAmongManyGroups() {
        let accounts = (0..<3).map { AccountRef(id: AccountID(userID: "u\($0)", subUserID: nil), label: "", order: $0) }
        var groups: [ScriptGroupRow] = []
        for (index, account) in accounts.enumerated() {
            for k in 0..<(50 * (index + 1)) {
                groups.append(
                    ScriptGroupRow(
                        account: account, groupID: Int64(k), name: "g\(k)", asr: "aliYun1", tts: k % 2 == 0 ? "" : "xfyun",
                        llm: "", isActive: k % 3 == 0, debug: nil, speed: nil, volume: nil))
            }
        }
        let asr = Aggregator.engineRows(groups).filter { $0.kind == .asr }
        #expect(asr.count == 1)
        #expect(asr.first?.scriptGroups == 300)
        #expect(asr.first?.accounts == 3)
        #expect(asr.first?.activeScriptGroups == groups.count(where: \.isActive))
        let tts = Aggregator.engineRows(groups).filter { $0.kind == .tts }
        #expect(tts.map(\.engine) == ["", "xfyun"])
        #expect(tts.map(\.accounts) == [3, 3])
        // Rows of the accounts interleaved count each account once all the same.
        let interleaved = groups.enumerated().sorted { ($0.offset % 7, $0.offset) < ($1.offset % 7, $1.offset) }.map(\.element)
        #expect(Aggregator.engineRows(interleaved).map(\.accounts) == Aggregator.engineRows(groups).map(\.accounts))
    }

    /// A cell given a format without properties is written as one without a format (the
    /// workbook's default), unless a column format would then apply instead.
    @Test func aDefaultFormatCellIsTheSameCellAsOneWithoutAFormat() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("yunfu-fastpath-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        func sheetXML(columnFormat: Bool) throws -> String {
            let path = directory.appendingPathComponent("w\(columnFormat).xlsx").path
            let workbook = try Workbook(path: path, options: Workbook.Options(constantMemory: true))
            let sheet = try workbook.addWorksheet("S")
            let plain = try workbook.format(CellStyle())
            if columnFormat { try sheet.setColumns(0, 0, width: 12, format: try workbook.format(CellStyle(bold: true))) }
            try sheet.write("default format", row: 0, column: 0, format: plain)
            try sheet.write("no format", row: 1, column: 0)
            try sheet.write(42.0, row: 2, column: 0, format: plain)
            try sheet.write(true, row: 3, column: 0, format: plain)
            try workbook.close()
            let unzip = Process()
            unzip.executableURL = URL(fileURLWithPath: "/usr/bin/unzip")
            unzip.arguments = ["-p", path, "xl/worksheets/sheet1.xml"]
            let pipe = Pipe()
            unzip.standardOutput = pipe
            try unzip.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            unzip.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }

        let plain = try sheetXML(columnFormat: false)
        for cell in ["A1", "A2", "A3", "A4"] {
            #expect(plain.contains("<c r=\"\(cell)\"") && !plain.contains("<c r=\"\(cell)\" s="), "\(cell): \(plain)")
        }
        // With a column format, the explicit default format still wins over it; no format takes it.
        let withColumn = try sheetXML(columnFormat: true)
        #expect(!withColumn.contains("<c r=\"A1\" s="), "\(withColumn)")
        #expect(withColumn.contains("<c r=\"A2\" s="), "\(withColumn)")
    }

    @Test func theBenchReadsAChildsCPUTimeAndJudgesAMeasurement() throws {
        let me = ChildProcess(pid: getpid())
        let cpu = try #require(me.cpuSeconds())
        #expect(cpu >= 0)
        var stats = SimulatorStatsFixture.stats(requests: 3, accounts: 3)
        var measurement = BenchMeasurement(
            scenario: BenchScenario(accounts: 3, latencyMs: 20, concurrency: 2), wall: 1, exitStatus: 0,
            usage: ChildProcess.Usage(status: 0, user: 0.5, system: 0.25, maxRSSKiB: 2048), stats: stats, answerBytes: 30,
            spawnedAt: 0, reapedAt: 1, serverCPU: nil)
        #expect(measurement.valid)
        #expect(measurement.usage.cpu == 0.75)
        #expect(measurement.ideal == 0.03)
        stats.requests = 4  // an account asked twice: retries make the figures another run's
        measurement.stats = stats
        #expect(!measurement.valid)
        #expect(measurement.description.contains("NOT A VALID MEASUREMENT"))
        // Unless the platform throttled that request: then it is the scenario's own figure.
        stats.throttled = 1
        measurement.stats = stats
        measurement.scenario.platform = .throttling(100)
        #expect(measurement.valid)
        #expect(measurement.throttledShare == 0.25)
        #expect(measurement.idealAtLimit == 0.03)
        #expect(measurement.description.contains("answered 429:        1 of 4 requests (25.0 %)"))
    }

    @Test func theBenchJudgesAnUnreachableRunByItsAccounts() {
        var measurement = BenchMeasurement(
            scenario: BenchScenario(accounts: 20, latencyMs: 0, concurrency: 4, platform: .deadPort), wall: 1,
            exitStatus: 1, usage: ChildProcess.Usage(status: 1, user: 0, system: 0, maxRSSKiB: 0),
            stats: SimulatorStats(), answerBytes: 0, spawnedAt: 0, reapedAt: 1, serverCPU: nil)
        measurement.unreachable = .init(
            rows: 20, failed: 20, failedWithReason: 16, notAttempted: 4, reason: "connection failed (127.0.0.1): refused",
            errorLines: 1)
        #expect(measurement.valid)
        measurement.unreachable?.notAttempted = 3  // one account failed for another reason
        #expect(!measurement.valid)
        measurement.unreachable?.notAttempted = 4
        measurement.exitStatus = 0
        #expect(!measurement.valid)
    }

    @Test func benchScenariosParse() {
        #expect(BenchScenario("5000:20:64") == BenchScenario(accounts: 5000, latencyMs: 20, concurrency: 64))
        #expect(BenchScenario("5000:0:64:limit=200")?.rateLimit == 200)
        #expect(BenchScenario("1000:0:32:dead-port")?.platform == .deadPort)
        #expect(BenchScenario("200:0:32:untrusted-cert")?.unreachable == true)
        for bad in ["5000:20", "0:0:1", "5:-1:1", "5:0:0", "5:0:1:limit=0", "5:0:1:limit=x", "1:0:1:limit=1e30", "5:0:1:other", "a:b:c"] {
            #expect(BenchScenario(bad) == nil, "\(bad)")
        }
        #expect(BenchScenario.defaults.allSatisfy { BenchScenario($0) != nil })
    }
}

enum SimulatorStatsFixture {
    static func stats(requests: Int, accounts: Int) -> SimulatorStats {
        SimulatorStats(
            requests: requests, inFlight: 0, maxInFlight: 2,
            perAccount: Dictionary(uniqueKeysWithValues: (0..<accounts).map { ("u\($0)", 1) }),
            firstRequestAt: 100, lastResponseAt: 101, meanInFlight: 1.5)
    }
}
