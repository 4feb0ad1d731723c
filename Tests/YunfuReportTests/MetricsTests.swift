import Foundation
import Logging
import Testing
import YunfuSimulator

@testable import YunfuReport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A strict reader of the Prometheus text exposition format 0.0.4, written from the format's
/// description (not from the writer): `# HELP name text`, `# TYPE name type`, then samples
/// `name{label="value",…} value`; the escapes `\\`, `\"`, `\n` in label values, `\\` and `\n` in
/// help texts; anything else is an error.
enum Exposition {
    struct Family: Equatable {
        var name: String
        var help: String?
        var type: String?
        var samples: [Sample] = []
    }

    struct Sample: Equatable {
        var labels: [String: String]
        var labelOrder: [String]
        var value: String
    }

    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    static func parse(_ text: String) throws -> [Family] {
        guard text.hasSuffix("\n") else { throw Malformed(description: "the text does not end with a line feed") }
        var families: [Family] = []
        var seenSeries = Set<String>()
        for (number, line) in text.dropLast().split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let where_ = "line \(number + 1): \(line)"
            if line.hasPrefix("# HELP ") || line.hasPrefix("# TYPE ") {
                let rest = line.dropFirst(7)
                guard let space = rest.firstIndex(of: " ") else { throw Malformed(description: "no text: \(where_)") }
                let name = String(rest[..<space])
                let value = String(rest[rest.index(after: space)...])
                if families.last?.name != name {
                    guard !families.contains(where: { $0.name == name }) else {
                        throw Malformed(description: "the family is not contiguous: \(where_)")
                    }
                    families.append(Family(name: name))
                }
                guard let index = families.indices.last, families[index].samples.isEmpty else {
                    throw Malformed(description: "HELP or TYPE after the samples: \(where_)")
                }
                if line.hasPrefix("# HELP ") {
                    guard families[index].help == nil else { throw Malformed(description: "a second HELP: \(where_)") }
                    families[index].help = try unescape(value, quote: false, at: where_)
                } else {
                    guard families[index].type == nil else { throw Malformed(description: "a second TYPE: \(where_)") }
                    guard ["counter", "gauge", "histogram", "summary", "untyped"].contains(value) else {
                        throw Malformed(description: "unknown type: \(where_)")
                    }
                    families[index].type = value
                }
                continue
            }
            guard !line.hasPrefix("#"), !line.isEmpty else { throw Malformed(description: "unexpected line: \(where_)") }
            let (name, sample) = try parseSample(line, at: where_)
            guard let index = families.indices.last, families[index].name == name else {
                throw Malformed(description: "a sample outside its family: \(where_)")
            }
            let key = sample.labelOrder.sorted().map { "\($0)=\(sample.labels[$0] ?? "")" }.joined(separator: "\u{0}")
            guard seenSeries.insert(name + "\u{1}" + key).inserted else {
                throw Malformed(description: "a series twice: \(where_)")
            }
            families[index].samples.append(sample)
        }
        return families
    }

    private static func parseSample(_ line: Substring, at where_: String) throws -> (String, Sample) {
        var scalars = Array(line.unicodeScalars)[...]
        var name = ""
        while let first = scalars.first, isNameScalar(first, first: name.isEmpty) {
            name.unicodeScalars.append(first)
            scalars = scalars.dropFirst()
        }
        guard !name.isEmpty else { throw Malformed(description: "no metric name: \(where_)") }
        var labels: [String: String] = [:]
        var order: [String] = []
        if scalars.first == "{" {
            scalars = scalars.dropFirst()
            while scalars.first != "}" {
                var label = ""
                while let first = scalars.first, isNameScalar(first, first: label.isEmpty), first != ":" {
                    label.unicodeScalars.append(first)
                    scalars = scalars.dropFirst()
                }
                guard !label.isEmpty, scalars.first == "=" else { throw Malformed(description: "bad label: \(where_)") }
                scalars = scalars.dropFirst()
                guard scalars.first == "\"" else { throw Malformed(description: "unquoted value: \(where_)") }
                scalars = scalars.dropFirst()
                var raw = ""
                var escaped = false
                while true {
                    guard let first = scalars.first else { throw Malformed(description: "unterminated value: \(where_)") }
                    scalars = scalars.dropFirst()
                    if escaped {
                        raw.unicodeScalars.append(first)
                        escaped = false
                        continue
                    }
                    if first == "\"" { break }
                    if first == "\\" { escaped = true }
                    raw.unicodeScalars.append(first)
                }
                guard labels[label] == nil else { throw Malformed(description: "a label twice: \(where_)") }
                labels[label] = try unescape(raw, quote: true, at: where_)
                order.append(label)
                if scalars.first == "," { scalars = scalars.dropFirst() }
            }
            scalars = scalars.dropFirst()
        }
        guard scalars.first == " " else { throw Malformed(description: "no space before the value: \(where_)") }
        let value = String(String.UnicodeScalarView(scalars.dropFirst()))
        guard !value.contains(" "), Double(value) != nil || ["+Inf", "-Inf", "NaN"].contains(value) else {
            throw Malformed(description: "not a value (or a timestamp follows): \(where_)")
        }
        return (name, Sample(labels: labels, labelOrder: order, value: value))
    }

    private static func isNameScalar(_ scalar: Unicode.Scalar, first: Bool) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "_", ":": true
        case "0"..."9": !first
        default: false
        }
    }

    private static func unescape(_ text: String, quote: Bool, at where_: String) throws -> String {
        var out = ""
        var escaped = false
        for scalar in text.unicodeScalars {
            if escaped {
                switch scalar {
                case "\\": out += "\\"
                case "n": out += "\n"
                case "\"" where quote: out += "\""
                default: throw Malformed(description: "invalid escape \\\(scalar): \(where_)")
                }
                escaped = false
            } else if scalar == "\\" {
                escaped = true
            } else {
                guard scalar != "\n" else { throw Malformed(description: "a raw line feed: \(where_)") }
                out.unicodeScalars.append(scalar)
            }
        }
        guard !escaped else { throw Malformed(description: "a trailing backslash: \(where_)") }
        return out
    }
}

/// The contract's table, in its order.
private let contractMetrics: [(name: String, labels: [String])] = [
    ("yunfu_report_run_timestamp_seconds", []),
    ("yunfu_report_run_complete", []),
    ("yunfu_report_run_duration_seconds", []),
    ("yunfu_report_accounts", ["status"]),
    ("yunfu_report_lines", ["expiry_status"]),
    ("yunfu_report_lines_saturated", []),
    ("yunfu_report_node_concurrency", ["node", "kind"]),
    ("yunfu_report_findings", ["severity"]),
    ("yunfu_report_build_info", ["version"]),
]

private func family(_ families: [Exposition.Family], _ name: String) throws -> Exposition.Family {
    try #require(families.first { $0.name == name }, "\(name) is in the text")
}

private func value(_ families: [Exposition.Family], _ name: String, _ labels: [String: String] = [:]) throws -> String {
    let sample = try #require(try family(families, name).samples.first { $0.labels == labels }, "\(name) \(labels)")
    return sample.value
}

@Suite("metrics.prom: the exposition text")
struct MetricsExpositionTests {
    /// Node names a platform may send: quotes, backslashes (one at the very end), line feeds, a
    /// carriage return and a tab, CJK, the format's own punctuation, and no name at all.
    static let hostileNodes = [
        "fs\"node\"1", "C:\\nodes\\", "two\nlines", "华东-联通 节点", "cr\rtab\t", "a,b=c}{d", "\\\"\\n", "",
        String(repeating: "长", count: 300),
    ]

    static func report(nodes: [String]) -> Report {
        let a = Plain.account("u1", order: 0, label: "华东")
        let b = Plain.account("u2", order: 1, label: "华南")
        let c = Plain.account("u3", order: 2, label: "interrupted")
        var lines: [LineRecord] = []
        for (index, node) in nodes.enumerated() {
            lines.append(
                Plain.line(
                    "L\(index)", concurrency: Int64(10 + index), residue: Int64(index % 3),
                    at: Plain.asOf.addingTimeInterval(Double(index * 5 - 10) * 86_400), node: node))
        }
        lines.append(Plain.line("Lx", concurrency: 4, residue: 0, at: nil, node: nodes.first ?? ""))
        return Plain.build([
            Plain.ok(a, Plain.snapshot(lines: lines)),
            Plain.failed(b),
            AccountResult(account: c, attempts: 0, outcome: .failed(.interrupted)),
        ])
    }

    static let run = RunMetrics.Run(
        startedAt: Date(timeIntervalSince1970: 1_795_536_000.25), finishedAt: Date(timeIntervalSince1970: 1_795_536_754.5),
        complete: false)

    @Test("Hostile node names are escaped, never cut, and read back exactly, in capacity_by_node.csv's order")
    func hostileNodeNamesReadBack() throws {
        let report = Self.report(nodes: Self.hostileNodes)
        #expect(report.nodes.count == Self.hostileNodes.count)
        let text = RunMetrics.text(report, run: Self.run)
        let families = try Exposition.parse(text)
        let samples = try family(families, "yunfu_report_node_concurrency").samples
        #expect(samples.count == 2 * report.nodes.count)
        for (index, node) in report.nodes.enumerated() {
            let total = samples[2 * index]
            let inUse = samples[2 * index + 1]
            #expect(total.labels == ["node": node.node, "kind": "total"])
            #expect(inUse.labels == ["node": node.node, "kind": "in_use"])
            #expect(total.labelOrder == ["node", "kind"])
            #expect(total.value == String(node.totalConcurrency))
            #expect(inUse.value == String(node.inUse))
        }
        // The escapes, exactly as the format has them.
        #expect(text.contains(#"{node="fs\"node\"1",kind="total"}"#))
        #expect(text.contains(#"{node="C:\\nodes\\",kind="total"}"#))
        #expect(text.contains(#"{node="two\nlines",kind="in_use"}"#))
        #expect(text.contains(#"{node="\\\"\\n",kind="total"}"#))
        #expect(text.contains("{node=\"cr\rtab\t\",kind=\"total\"}"))
        #expect(text.contains("{node=\"华东-联通 节点\",kind=\"total\"}"))
        #expect(text.contains("{node=\"\(String(repeating: "长", count: 300))\",kind=\"total\"}"))
        // One line per HELP, TYPE and sample: a line feed in a name never breaks a line.
        #expect(text.split(separator: "\n").count == families.count * 2 + families.reduce(0) { $0 + $1.samples.count })
    }

    @Test("Every metric of the contract, in its order, with HELP and TYPE gauge, and only those")
    func everyMetricHasHelpAndType() throws {
        for report in [Self.report(nodes: ["n1", "n2"]), Self.report(nodes: [])] {
            let families = try Exposition.parse(RunMetrics.text(report, run: Self.run))
            #expect(families.map(\.name) == contractMetrics.map(\.name))
            for (family, contract) in zip(families, contractMetrics) {
                #expect(family.type == "gauge", "\(family.name)")
                #expect(family.help?.isEmpty == false, "\(family.name) has a help text")
                for sample in family.samples {
                    #expect(sample.labelOrder == contract.labels, "\(family.name)")
                }
            }
        }
    }

    @Test("The figures are the report's: accounts, lines by status, saturated lines, unsuppressed findings")
    func figuresAreTheReports() throws {
        var report = Self.report(nodes: ["n1", "n2", "n3"])
        let suppressed = try #require(report.findings.firstIndex { $0.severity == .high || $0.severity == .critical })
        report.findings[suppressed].suppressedBy = "accepted"
        let families = try Exposition.parse(RunMetrics.text(report, run: Self.run))
        #expect(try value(families, "yunfu_report_accounts", ["status": "ok"]) == "1")
        #expect(try value(families, "yunfu_report_accounts", ["status": "failed"]) == "1")
        #expect(try value(families, "yunfu_report_accounts", ["status": "not_fetched"]) == "1")
        #expect(try family(families, "yunfu_report_accounts").samples.map { $0.labels["status"] } == ["ok", "failed", "not_fetched"])
        #expect(try family(families, "yunfu_report_lines").samples.map { $0.labels["expiry_status"] } == ["expired", "soon", "upcoming", "ok", "unknown"])
        for status in ExpiryStatus.allCases {
            #expect(
                try value(families, "yunfu_report_lines", ["expiry_status": status.rawValue])
                    == String(report.lines.count { $0.expiryStatus == status }), "\(status)")
        }
        #expect(report.lines.contains { $0.expiryStatus == .expired } && report.lines.contains { $0.expiryStatus == .unknown })
        #expect(try value(families, "yunfu_report_lines_saturated") == String(report.lines.count(where: \.isSaturated)))
        #expect(report.lines.contains { $0.isSaturated })
        #expect(try family(families, "yunfu_report_findings").samples.map { $0.labels["severity"] } == Severity.allCases.map(\.rawValue))
        for severity in Severity.allCases {
            #expect(
                try value(families, "yunfu_report_findings", ["severity": severity.rawValue])
                    == String(report.findings.count { $0.severity == severity && !$0.suppressed }), "\(severity)")
        }
        #expect(try value(families, "yunfu_report_run_complete") == "0")
        #expect(try value(families, "yunfu_report_run_timestamp_seconds") == "1795536754.500")
        #expect(try value(families, "yunfu_report_run_duration_seconds") == "754.250")
        #expect(try value(families, "yunfu_report_build_info", ["version": YunfuReportInfo.version]) == "1")
    }

    @Test("Without a report (the run directory failed before the first answer): the run's metrics and the build only")
    func withoutAReport() throws {
        let families = try Exposition.parse(RunMetrics.text(nil, run: Self.run))
        #expect(
            families.map(\.name)
                == ["yunfu_report_run_timestamp_seconds", "yunfu_report_run_complete", "yunfu_report_run_duration_seconds",
                    "yunfu_report_build_info"])
        #expect(try value(families, "yunfu_report_run_complete") == "0")
    }

    @Test("Values: whole numbers as they are, seconds to the millisecond", arguments: [
        (MetricsExposition.Value.int(-3), "-3"), (.int(0), "0"), (.seconds(0), "0.000"), (.seconds(1.5), "1.500"),
        (.seconds(0.0004), "0.000"), (.seconds(2.0005), "2.001"), (.seconds(1_796_244_555.17), "1796244555.170"),
        (.seconds(-1.25), "-1.250"), (.seconds(.infinity), "+Inf"),
    ])
    func values(value: MetricsExposition.Value, text: String) {
        #expect(value.text == text)
    }

    @Test("Help texts escape backslash and line feed only")
    func helpEscapes() throws {
        let text = MetricsExposition.render([
            .init(name: "x", help: "a \\ b\nc \"d\"", samples: [.init(.int(1))])
        ])
        #expect(text == "# HELP x a \\\\ b\\nc \"d\"\n# TYPE x gauge\nx 1\n")
        #expect(try Exposition.parse(text).first?.help == "a \\ b\nc \"d\"")
    }

    static let promtool: String? = ["/usr/bin/promtool", "/usr/local/bin/promtool"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    @Test(
        "promtool check metrics accepts the text for hostile node names with no message",
        .enabled(if: promtool != nil, "promtool is not installed (make test installs it)"))
    func promtoolAcceptsHostileNames() throws {
        let text = RunMetrics.text(Self.report(nodes: Self.hostileNodes), run: Self.run)
        let dir = try JobHarness.temporaryDirectory("promtool")
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("metrics.prom")
        try Data(text.utf8).write(to: input)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.promtool))
        process.arguments = ["check", "metrics"]
        process.standardInput = try FileHandle(forReadingFrom: input)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let said = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(said)")
        #expect(said.isEmpty, "\(said)")
    }
}

@Suite("metrics.prom and report.metrics_file: the job")
struct MetricsJobTests {
    static func metricsText(_ url: URL) throws -> String {
        let data = try #require(FileManager.default.contents(atPath: url.path), "\(url.path) exists")
        return String(decoding: data, as: UTF8.self)
    }

    /// The job over the platform's accounts into `root/Output`, with `report.metrics_file`.
    static func run(
        _ platform: SimulatedPlatform, root: URL, metricsFile: URL, logs: LogRecorder? = nil
    ) async throws -> JobOutcome {
        try await platform.withRunning { baseURL in
            var config = JobHarness.configuration(
                baseURL: baseURL, accounts: JobHarness.refs(platform.accounts), outputRoot: root.appendingPathComponent("Output"))
            config.report.metricsFile = metricsFile
            return try await JobHarness.run(config, options: JobOptions(asOf: Plain.asOf), logs: logs)
        }
    }

    /// Names in `folder` other than `keep` (a temporary file left behind would be one).
    static func others(in folder: URL, keep: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0 != keep }
    }

    @Test("A complete run: metrics.prom in the manifest with its sha256, the same bytes at metrics_file, mode 0644")
    func completeRun() async throws {
        let root = try JobHarness.temporaryDirectory("metrics-complete")
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = root.appendingPathComponent("node-exporter")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let metricsFile = folder.appendingPathComponent("yunfu-report.prom")
        try Data("# the previous night's file\n".utf8).write(to: metricsFile)
        let platform = JobHarness.platform()
        let outcome = try await Self.run(platform, root: root, metricsFile: metricsFile)
        #expect(outcome.status == .complete)
        let dir = try #require(outcome.runDir)
        let manifest = try JobHarness.manifest(dir)
        #expect((manifest["files"] as? [String: Any])?["metrics"] as? String == "metrics.prom")
        let hashes = try #require(manifest["sha256"] as? [String: String])
        let inRun = try JobHarness.bytes(dir, "metrics.prom")
        #expect(hashes["metrics.prom"] == Digest.sha256Hex(inRun))
        #expect(ProcessSupport.wholeCompleteRunProblem(dir) == nil)
        #expect(Array(try Self.metricsText(metricsFile).utf8) == inRun, "the same text at metrics_file")
        let families = try Exposition.parse(try Self.metricsText(metricsFile))
        #expect(try value(families, "yunfu_report_run_complete") == "1")
        #expect(try value(families, "yunfu_report_accounts", ["status": "ok"]) == String(platform.accounts.count))
        // The finish time is the manifest's (which is written to the second).
        let finished = try #require(Double(try value(families, "yunfu_report_run_timestamp_seconds")))
        let manifestFinished = try #require(manifest["finished_at"] as? String)
        let parsed = try #require(ISO8601Instant.parse(manifestFinished))
        #expect(abs(finished - parsed.timeIntervalSince1970) < 1)
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: metricsFile.path)[.posixPermissions] as? Int)
        #expect(mode == 0o644)
        #expect(Self.others(in: folder, keep: "yunfu-report.prom") == [], "no temporary file is left")
    }

    @Test("A run with failed accounts: metrics_file written, run_complete 0, the failed accounts counted")
    func failedAccounts() async throws {
        let root = try JobHarness.temporaryDirectory("metrics-failed")
        defer { try? FileManager.default.removeItem(at: root) }
        let metricsFile = root.appendingPathComponent("yunfu-report.prom")
        let platform = JobHarness.platform(users: 3, subs: 1)
        for account in platform.accounts.prefix(2) { platform.plan([.notFound, .notFound, .notFound], for: account) }
        let outcome = try await Self.run(platform, root: root, metricsFile: metricsFile)
        #expect(outcome.status == .incomplete)
        let dir = try #require(outcome.runDir)
        let text = try Self.metricsText(metricsFile)
        #expect(Array(text.utf8) == (try JobHarness.bytes(dir, "metrics.prom")))
        let families = try Exposition.parse(text)
        #expect(try value(families, "yunfu_report_run_complete") == "0")
        #expect(try value(families, "yunfu_report_accounts", ["status": "failed"]) == "2")
        #expect(try value(families, "yunfu_report_accounts", ["status": "ok"]) == String(platform.accounts.count - 2))
        #expect(try value(families, "yunfu_report_findings", ["severity": "critical"]) != "0")
    }

    @Test("A run directory that cannot be written (exit 4): metrics_file says run_complete 0; the previous run stays")
    func unwritableRunDirectory() async throws {
        let root = try JobHarness.temporaryDirectory("metrics-exit4")
        defer { try? FileManager.default.removeItem(at: root) }
        let output = root.appendingPathComponent("Output")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        let metricsFile = root.appendingPathComponent("yunfu-report.prom")
        let accounts = [Plain.account("u1", order: 0)]
        var config = JobHarness.configuration(baseURL: "http://127.0.0.1:1", accounts: accounts, outputRoot: output)
        config.report.metricsFile = metricsFile
        let job = ReportJob(
            configuration: config, options: JobOptions(asOf: Plain.asOf), logger: Logger(label: "test"),
            markdown: try MarkdownReportWriter(templatesDir: nil, locale: .zhCN))

        let first = await job.run(source: SnapshotSource(parent: output, sabotage: false), accounts: accounts)
        #expect(first.status == .complete)
        #expect(try value(Exposition.parse(Self.metricsText(metricsFile)), "yunfu_report_run_complete") == "1")
        let dir = try #require(first.runDir)
        let before = try ProcessSupport.snapshot(dir)

        let second = await job.run(source: SnapshotSource(parent: output, sabotage: true), accounts: accounts)
        #expect(second.status == .runDirectoryUnwritable)
        #expect(try ProcessSupport.snapshot(dir) == before, "the previous run is untouched")
        let families = try Exposition.parse(try Self.metricsText(metricsFile))
        #expect(try value(families, "yunfu_report_run_complete") == "0")
        #expect(families.map(\.name) == contractMetrics.map(\.name), "the fetched figures are there")
        #expect(try value(families, "yunfu_report_accounts", ["status": "ok"]) == "1")
    }

    @Test(
        "metrics_file in a folder that cannot be written: one error line naming the path; the run and its status unchanged",
        arguments: ["missing-folder/yunfu-report.prom", "a-file/yunfu-report.prom", "a-folder"])
    func unwritableMetricsFolder(relative: String) async throws {
        let root = try JobHarness.temporaryDirectory("metrics-unwritable")
        defer { try? FileManager.default.removeItem(at: root) }
        // As root, permissions do not stop a write: a folder that is a file, or missing, or a
        // metrics_file that is a directory does.
        try Data("not a folder".utf8).write(to: root.appendingPathComponent("a-file"))
        try FileManager.default.createDirectory(at: root.appendingPathComponent("a-folder"), withIntermediateDirectories: true)
        let metricsFile = root.appendingPathComponent(relative)
        let platform = JobHarness.platform(users: 2, subs: 1)
        let logs = LogRecorder()
        let outcome = try await Self.run(platform, root: root, metricsFile: metricsFile, logs: logs)
        #expect(outcome.status == .complete)
        let dir = try #require(outcome.runDir)
        #expect(ProcessSupport.wholeCompleteRunProblem(dir) == nil)
        let errors = logs.all.filter { $0.hasPrefix("error") }
        #expect(errors.count == 1, "\(errors)")
        #expect(errors.first?.contains("metrics file \(metricsFile.path)") == true, "\(errors)")
        #expect(ProcessSupport.leftovers(root.appendingPathComponent("a-folder")) == [])
    }
}

@Suite("report.metrics_file: configuration", .serialized)
struct MetricsConfigurationTests {
    @Test("Relative to the configuration file's folder; check-config checks that its folder exists")
    func relativeAndChecked() throws {
        let root = try JobHarness.temporaryDirectory("metrics-config")
        defer { try? FileManager.default.removeItem(at: root) }
        let file = root.appendingPathComponent("config.yaml")
        try Data(
            """
            api:
              base_url: http://127.0.0.1:1
            accounts: [{user_id: u1}]
            report:
              metrics_file: textfile/yunfu-report.prom

            """.utf8
        ).write(to: file)
        let configuration = try ConfigurationLoader.load(
            file: file, purpose: .check, environment: ["YUNFU_API_TOKEN": "t"])
        let url = try #require(configuration.report.metricsFile)
        #expect(url.path == root.appendingPathComponent("textfile/yunfu-report.prom").standardizedFileURL.path)
        #expect(throws: ConfigurationError.self) { try ConfigurationLoader.checkMetricsFolder(url) }
        do {
            try ConfigurationLoader.checkMetricsFolder(url)
        } catch {
            #expect(error.description.contains(root.appendingPathComponent("textfile").standardizedFileURL.path), "\(error)")
        }
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("textfile"), withIntermediateDirectories: true)
        #expect(throws: Never.self) { try ConfigurationLoader.checkMetricsFolder(url) }
    }
}

@Suite("report.metrics_file: the real executable", .serialized)
struct MetricsProcessTests {
    typealias Support = ProcessSupport

    @Test("An interrupted run (SIGTERM) writes metrics_file atomically: run_complete 0, the accounts not fetched")
    func interruptedRun() async throws {
        let ws = try ProcessWorkspace("metrics-interrupted")
        defer { ws.remove() }
        let folder = ws.root.appendingPathComponent("textfile")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let metricsFile = folder.appendingPathComponent("yunfu-report.prom")
        let platform = Support.platform(users: 10, subs: 3, latency: .milliseconds(300))
        let (end, stderr) = try await platform.withRunning { base in
            try ws.writeConfig(
                baseURL: base, accounts: platform.accounts, maxConcurrency: 2, metricsFile: "textfile/yunfu-report.prom")
            let child = try ws.startRun()
            defer { child.stop() }
            try await Support.waitUntil("the platform counted 4 requests", child: child) {
                platform.stats().requests >= 4
            }
            child.send(SIGTERM)
            return (try await child.wait(), child.stderrText)
        }
        #expect(end == .exit(1), "\(stderr)")
        let dir = ws.runDir()
        let manifest = try Support.manifest(dir)
        #expect(manifest["interrupted"] as? Bool == true)
        let counts = try #require(manifest["accounts"] as? [String: Int])
        let text = try MetricsJobTests.metricsText(metricsFile)
        #expect(Array(text.utf8) == (try JobHarness.bytes(dir, "metrics.prom")), "the run directory's text")
        let families = try Exposition.parse(text)
        #expect(try value(families, "yunfu_report_run_complete") == "0")
        #expect(try value(families, "yunfu_report_accounts", ["status": "not_fetched"]) == String(counts["not_fetched"] ?? -1))
        #expect(try value(families, "yunfu_report_accounts", ["status": "ok"]) == String(counts["ok"] ?? -1))
        #expect((counts["not_fetched"] ?? 0) > 0)
        #expect(MetricsJobTests.others(in: folder, keep: "yunfu-report.prom") == [])
    }

    @Test("metrics_file under a file: exit 0, the run complete, one error line on stderr naming the path")
    func unwritableFolderThroughTheBinary() async throws {
        let ws = try ProcessWorkspace("metrics-unwritable")
        defer { ws.remove() }
        try Data("a file".utf8).write(to: ws.root.appendingPathComponent("not-a-folder"))
        let platform = Support.platform(users: 3, subs: 1)
        let (child, end) = try await platform.withRunning { base in
            try ws.writeConfig(
                baseURL: base, accounts: platform.accounts, maxConcurrency: 4, metricsFile: "not-a-folder/yunfu-report.prom")
            return try await ws.run()
        }
        #expect(end == .exit(0), "\(child.stderrText)")
        #expect(Support.wholeCompleteRunProblem(ws.runDir()) == nil)
        let path = ws.root.appendingPathComponent("not-a-folder/yunfu-report.prom").standardizedFileURL.path
        let lines = child.stderrText.split(separator: "\n").filter { $0.contains("metrics file") }
        #expect(lines.count == 1, "\(child.stderrText)")
        #expect(lines.first?.contains(path) == true && lines.first?.contains("error") == true, "\(lines)")
    }
}
