import Foundation
import Testing
import YunfuSimulator

@testable import YunfuReport

/// The command line as a user meets it: the real binary, its exit status and what it prints.
@Suite("Command line", .serialized)
struct CommandLineTests {
    @Test func aBrokenUserTemplateIsExitTwoWithItsLineBeforeAnyRequest() async throws {
        let workspace = try ProcessWorkspace("template")
        defer { workspace.remove() }
        let platform = ProcessSupport.platform(users: 2, subs: 1)
        let templates = workspace.root.appendingPathComponent("my-templates")
        try FileManager.default.createDirectory(at: templates, withIntermediateDirectories: true)
        let broken = "# {{title}}\n\nline two\n{{#findings_critical_high}}\n| {{severity}} |\n"
        try Data(broken.utf8).write(to: templates.appendingPathComponent("report.zh-CN.md.mustache"))
        let (run, check) = try await platform.withRunning { baseURL in
            try workspace.writeConfig(baseURL: baseURL, accounts: platform.accounts, maxConcurrency: 2)
            try Self.append("  templates_dir: my-templates\n", to: workspace.configFile)
            let (runChild, runEnd) = try await workspace.run()
            let checkChild = try Child.start(
                executable: try #require(ProcessSupport.binary), arguments: ["check-config", workspace.configFile.path],
                environment: workspace.environment, in: workspace.root, tag: "check")
            defer { checkChild.stop() }
            let checkEnd = try await checkChild.wait()
            return ((runChild, runEnd), (checkChild, checkEnd))
        }
        for (child, end) in [run, check] {
            #expect(end == .exit(2))
            #expect(child.stderrText.contains("report.zh-CN.md.mustache:4:"), "\(child.stderrText)")
        }
        #expect(platform.stats().requests == 0)
        #expect(!FileManager.default.fileExists(atPath: workspace.outputRoot.path))
    }

    @Test func aWebhookThatAnswers500LeavesTheRunsExitStatusAsItWas() async throws {
        let workspace = try ProcessWorkspace("notify")
        defer { workspace.remove() }
        let platform = ProcessSupport.platform(users: 2, subs: 1)
        let recorder = WebhookRecorder(fallback: .init(status: 500, body: "{}"))
        let (child, end) = try await withWebhookServer(recorder) { port in
            try await platform.withRunning { baseURL in
                try workspace.writeConfig(baseURL: baseURL, accounts: platform.accounts, maxConcurrency: 2, formats: ["csv"])
                try Self.append("notify:\n  - kind: wecom\n    webhook_env: YUNFU_TEST_WEBHOOK\n", to: workspace.configFile)
                var environment = workspace.environment
                environment["YUNFU_TEST_WEBHOOK"] = "http://127.0.0.1:\(port)/cgi-bin/webhook/send?key=very-secret-key"
                let child = try Child.start(
                    executable: try #require(ProcessSupport.binary),
                    arguments: ["run", "--config", workspace.configFile.path, "--as-of", ProcessSupport.asOfDay],
                    environment: environment, in: workspace.root, tag: "run")
                defer { child.stop() }
                return (child, try await child.wait())
            }
        }
        #expect(end == .exit(0))
        #expect(await recorder.received.count == 2, "tried once, retried once")
        #expect(child.stderrText.contains("127.0.0.1"))
        #expect(!child.stderrText.contains("very-secret-key"))
        #expect(ProcessSupport.wholeCompleteRunProblem(workspace.runDir()) == nil)
    }

    @Test func helpShowsAnExampleAndVersionMatchesTheManifest() throws {
        let binary = try #require(ProcessSupport.binary)
        for command in ["run", "demo", "replay", "simulate", "check-config", "bench"] {
            let output = try Self.capture(binary, [command, "--help"])
            #expect(output.contains("Example"), "\(command) --help shows an example")
        }
        #expect(try Self.capture(binary, ["--version"]).trimmingCharacters(in: .whitespacesAndNewlines) == YunfuReportInfo.version)
    }

    static func append(_ text: String, to url: URL) throws {
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }

    static func capture(_ binary: URL, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
