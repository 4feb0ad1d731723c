import Foundation
import Logging
import Testing

@testable import YunfuReport

/// Findings in the reader's language: a sentence per check in zh-CN and en, without the row's own
/// id or name; the zh-CN human formats hold no English finding sentence; findings.csv keeps English.
@Suite("Findings in the reader's language")
struct FindingSentenceTests {
    static let zone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt

    /// One finding of every check, with its usual detail.
    static func everyCheck() -> [Finding] {
        let account = Plain.account("u-7", "s-9", order: 0, label: "华东")
        let at = Plain.asOf.addingTimeInterval(3 * 86_400)
        func make(_ check: CheckID, _ detail: FindingDetail) -> Finding {
            Finding(
                checkID: check, severity: check.severity, objectType: check.objectType, objectID: "OBJ-42",
                objectName: "NAME-42", accounts: [account], detail: detail)
        }
        return CheckID.allCases.map { check in
            switch check {
            case .fetchFailed: make(check, .fetchFailed(error: "HTTP 503 Service Unavailable"))
            case .lineExpired: make(check, .lineExpired(daysAgo: 45))
            case .lineExpiresSoon, .lineExpiresUpcoming: make(check, .lineExpires(days: 3, at: at))
            case .lineExpiryUnknown: make(check, .lineExpiryUnknown)
            case .lineSaturated: make(check, .lineSaturated(residue: 0, concurrency: 10))
            case .lineCapacityInvalid: make(check, .lineCapacityInvalid(.residueExceeds(residue: 12, concurrency: 10)))
            case .accountNoLines: make(check, .accountNoLines)
            case .accountNoRecycle: make(check, .accountNoRecycle)
            case .recycleStatusUncovered: make(check, .recycleStatusUncovered)
            case .scriptGroupDebug: make(check, .scriptGroupDebug)
            case .scriptGroupEngineUnset: make(check, .scriptGroupEngineUnset(asr: true, tts: true))
            case .runInterrupted: make(check, .runInterrupted(notFetched: 72, of: 90))
            }
        }
    }

    static func hasCJK(_ text: String) -> Bool { text.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) } }
    /// English words in a sentence, beyond the technical names a Chinese sentence keeps.
    static func englishWords(_ text: String) -> [String] {
        let allowed: Set<String> = ["ASR", "TTS", "HTTP", "SIGINT", "SIGTERM"]
        return text.split { !$0.isLetter || !$0.isASCII }.map(String.init).filter { !allowed.contains($0) }
    }

    @Test("Every check has a Chinese and an English sentence, neither repeating the row's id or name")
    func everyCheckHasBoth() {
        let zh = Labels(locale: .zhCN)
        let en = Labels(locale: .en)
        for finding in Self.everyCheck() {
            let chinese = zh.findingSentence(finding, timeZone: Self.zone)
            let english = en.findingSentence(finding, timeZone: Self.zone)
            #expect(Self.hasCJK(chinese), "\(finding.checkID): \(chinese)")
            #expect(Self.englishWords(chinese).isEmpty, "\(finding.checkID): \(chinese)")
            #expect(!Self.hasCJK(english) && !english.isEmpty, "\(finding.checkID): \(english)")
            for sentence in [chinese, english] {
                #expect(!sentence.contains("OBJ-42") && !sentence.contains("NAME-42") && !sentence.contains("u-7"), "\(sentence)")
            }
            // findings.csv keeps the English message, which does name the object.
            #expect(!Self.hasCJK(finding.message) || finding.checkID == .fetchFailed)
        }
        let soon = Self.everyCheck().first { $0.checkID == .lineExpiresSoon }
        #expect(soon.map { zh.findingSentence($0, timeZone: Self.zone) } == "线路将于 3 天后到期（2026-11-28 00:00）。")
        let expired = Self.everyCheck().first { $0.checkID == .lineExpired }
        #expect(expired.map { zh.findingSentence($0, timeZone: Self.zone) } == "已过期 45 天。")
    }

    @Test("A zh-CN report's workbook, Markdown and HTML hold no English finding sentence")
    func zhCNHumanFormatsAreChinese() throws {
        // A report the aggregator made (every check's finding composes its own sentence).
        let day: TimeInterval = 86_400
        var settings = Plain.settings()
        settings.locale = .zhCN
        settings.statusNames = [6: "关机"]
        let a = Plain.account("u1", order: 0)
        let b = Plain.account("u1", "s1", order: 1)
        let c = Plain.account("u2", order: 2)
        let report = Plain.build(
            [
                Plain.ok(a, Plain.snapshot(
                    lines: [
                        Plain.line("L-old", at: Plain.asOf.addingTimeInterval(-45 * day)),
                        Plain.line("L-soon", at: Plain.asOf.addingTimeInterval(3 * day + 5)),
                        Plain.line("L-up", at: Plain.asOf.addingTimeInterval(12 * day + 5)),
                        Plain.line("L-none", residue: 0, at: nil),
                        Plain.line("L-bad", residue: 12, at: Plain.asOf.addingTimeInterval(90 * day)),
                    ],
                    groups: [ScriptGroupRecord(id: 7, name: "g", asr: "", tts: "", activeFlag: true, debug: true)],
                    rules: [])),
                Plain.ok(b, Plain.snapshot()),
                Plain.failed(c, "HTTP 503"),
            ], settings: settings)
        #expect(Set(report.findings.map(\.checkID)).count >= 10)
        let markdown = try MarkdownReportWriter(templatesDir: nil, locale: .zhCN).render(report)
        let html = HTMLReportWriter.render(report, locale: .zhCN)
        let dir = try XlsxFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("yunfu-report-2026-11-25.xlsx")
        try ReportPath.workbook(report, to: file)
        let findingsSheet = try XlsxFixture.member("xl/worksheets/sheet3.xml", of: file)
        for finding in report.findings {
            let english = finding.message
            for (name, text) in [("markdown", markdown), ("html", html), ("xlsx", findingsSheet)] {
                #expect(!text.contains(english), "\(name) shows the English sentence: \(english)")
            }
        }
        #expect(markdown.contains(Labels(locale: .zhCN).findingSentence(report.findings[0], timeZone: report.timeZone)))
        // The CSV keeps English.
        let csv = String(decoding: ReportPath.csv(.findings, of: report, bom: false), as: UTF8.self)
        #expect(csv.contains(report.findings[0].message))
    }
}
