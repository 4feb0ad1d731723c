import Foundation
import Testing
import YunfuSimulator

@testable import YunfuReport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs the real `yunfu-report` executable as a child process against the simulated platform
/// served in the test process, and inspects what it left on disk.
enum ProcessSupport {
    static let token = "proc-test-token-5e1f9a"
    /// The as-of date the tests run with, and the fleet's reference date (00:00 in Beijing).
    static let asOfDay = "2026-11-25"
    static let referenceDate = Date(timeIntervalSince1970: 1_795_536_000)

    /// The built executable: beside the test bundle's resources (the same build configuration),
    /// else `{repo}/.build/debug/yunfu-report` found from this file's path.
    static let binary: URL? = {
        let fm = FileManager.default
        var candidates: [URL] = []
        candidates.append(Bundle.module.bundleURL.deletingLastPathComponent().appendingPathComponent("yunfu-report"))
        let repoRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // YunfuReportTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()
        candidates.append(repoRoot.appendingPathComponent(".build/debug/yunfu-report"))
        return candidates.first { fm.isExecutableFile(atPath: $0.path) }
    }()

    /// util-linux `script`, for a pseudo-terminal.
    static let scriptTool: String? = ["/usr/bin/script", "/bin/script"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    static func platform(users: Int, subs: Int, latency: Duration = .zero, seed: UInt64 = 23) -> SimulatedPlatform {
        SimulatedPlatform(
            options: SimulatorOptions(
                fleet: FleetSpec(users: users, subsPerUser: subs, seed: seed, referenceDate: referenceDate),
                latency: latency,
                expectedAuth: (header: "Authorization", value: "Bearer \(token)")
            ))
    }

    /// The day `offset` days after `asOfDay`, as `YYYY-MM-DD`.
    static func day(_ offset: Int) -> String {
        let instant = referenceDate.addingTimeInterval(Double(offset) * 86_400 + 8 * 3600)
        let seconds = Int(instant.timeIntervalSince1970)
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        return String(format: "%04d-%02d-%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday))
    }

    /// Polls `condition` every 2 ms until it holds; fails naming `what` after `timeout`, or at once
    /// when `child` ended first.
    static func waitUntil(
        _ what: String, child: Child? = nil, timeout: Duration = .seconds(20), _ condition: () -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            if let child, !child.isRunning {
                throw Failure("the process ended (\(child.termination.map { "\($0)" } ?? "?")) before \(what)\n\(child.stderrText)")
            }
            guard ContinuousClock.now < deadline else { throw Failure("timed out waiting until \(what)") }
            try await Task.sleep(for: .milliseconds(2))
        }
    }

    /// The processes whose parent is `pid` (Linux `/proc`).
    static func childProcesses(of pid: Int32) -> [Int32] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return names.compactMap { name -> Int32? in
            guard let candidate = Int32(name),
                let data = FileManager.default.contents(atPath: "/proc/\(name)/stat")
            else { return nil }
            // `pid (comm) state ppid …`: the command may hold spaces and parentheses.
            let text = String(decoding: data, as: UTF8.self)
            guard let close = text.lastIndex(of: ")") else { return nil }
            let fields = text[text.index(after: close)...].split(separator: " ")
            guard fields.count > 1, Int32(fields[1]) == pid else { return nil }
            return candidate
        }
    }

    // MARK: - What a run left

    /// Every regular file under `dir`, by path relative to it, with its bytes.
    static func snapshot(_ dir: URL) throws -> [String: [UInt8]] {
        let fm = FileManager.default
        var files: [String: [UInt8]] = [:]
        for relative in try fm.subpathsOfDirectory(atPath: dir.path) {
            let url = dir.appendingPathComponent(relative)
            let type = (try? fm.attributesOfItem(atPath: url.path))?[.type] as? FileAttributeType
            guard type == .typeRegular else { continue }
            guard let data = fm.contents(atPath: url.path) else { throw Failure("cannot read \(url.path)") }
            files[relative] = Array(data)
        }
        return files
    }

    /// Why `dir` is not a whole complete run (nil when it is): its manifest says `complete: true`,
    /// and the files in it are exactly `manifest.json` and those its `sha256` lists, each with
    /// that digest.
    static func wholeCompleteRunProblem(_ dir: URL) -> String? {
        guard let files = try? snapshot(dir) else { return "\(dir.path) cannot be read" }
        guard let manifestBytes = files["manifest.json"] else { return "no manifest.json in \(dir.path)" }
        guard let manifest = (try? JSONSerialization.jsonObject(with: Data(manifestBytes))) as? [String: Any] else {
            return "manifest.json in \(dir.path) does not parse"
        }
        guard manifest["complete"] as? Bool == true else { return "manifest.json in \(dir.path) is not complete" }
        guard let digests = manifest["sha256"] as? [String: String], !digests.isEmpty else {
            return "manifest.json in \(dir.path) lists no sha256"
        }
        let onDisk = Set(files.keys).subtracting(["manifest.json"])
        guard onDisk == Set(digests.keys) else {
            return "files in \(dir.path) \(onDisk.sortedByScalars()) are not those of the manifest \(digests.keys.sortedByScalars())"
        }
        for (name, digest) in digests where Digest.sha256Hex(files[name] ?? []) != digest {
            return "\(name) in \(dir.path) does not match its sha256 in the manifest"
        }
        return nil
    }

    /// Names directly under `root`, sorted.
    static func entries(_ root: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).sortedByScalars()
    }

    /// Staging or swapped-out directories (and `latest` temporaries) a run left under `root`.
    static func leftovers(_ root: URL) -> [String] {
        entries(root).filter { $0.hasPrefix(".") && ($0.contains(".tmp-") || $0.contains(".old-")) }
    }

    /// Where `root/latest` points (nil when it is no symbolic link).
    static func latestTarget(_ root: URL) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: root.appendingPathComponent("latest").path)
    }

    static func manifest(_ dir: URL) throws -> [String: Any] {
        try JobHarness.manifest(dir)
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}

/// A temporary folder with a configuration for the real executable.
struct ProcessWorkspace {
    let root: URL

    init(_ name: String) throws {
        root = try JobHarness.temporaryDirectory("process-\(name)")
    }

    var configFile: URL { root.appendingPathComponent("config.yaml") }
    var outputRoot: URL { root.appendingPathComponent("Output") }
    func runDir(_ day: String = ProcessSupport.asOfDay) -> URL { outputRoot.appendingPathComponent(day) }

    func remove() {
        try? FileManager.default.removeItem(at: root)
    }

    /// Writes `config.yaml` (and `accounts.csv` with the accounts) for the platform at `baseURL`.
    func writeConfig(
        baseURL: String, accounts: [SimAccount], maxConcurrency: Int, keepRuns: Int = 0,
        outputRoot: String = "Output", formats: [String] = ["xlsx", "csv", "markdown", "html"],
        metricsFile: String? = nil
    ) throws {
        var csv = "user_id,sub_user_id,label\r\n"
        for (index, account) in accounts.enumerated() {
            csv += "\(account.userID),\(account.subUserID ?? ""),进程测试-\(index)\r\n"
        }
        try Data(csv.utf8).write(to: root.appendingPathComponent("accounts.csv"))
        let yaml = """
            api:
              base_url: \(baseURL)
              token_env: YUNFU_API_TOKEN
              timeout_seconds: 10
              max_concurrency: \(maxConcurrency)
              max_retries: 0
            accounts_file: accounts.csv
            report:
              output_root: "\(outputRoot)"
              keep_runs: \(keepRuns)
              formats: [\(formats.joined(separator: ", "))]
            \(metricsFile.map { "  metrics_file: \"\($0)\"\n" } ?? "")
            """
        try Data(yaml.utf8).write(to: configFile)
    }

    /// The child's environment: the test's, without any `YUNFU_` variable, plus the token.
    var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("YUNFU_") }
        env["YUNFU_API_TOKEN"] = ProcessSupport.token
        // A server's clock in UTC, as most are: the log lines must still carry the report's zone.
        env["TZ"] = "UTC"
        return env
    }

    /// `yunfu-report run --config config.yaml --as-of DAY` (plus `extra`), output to files.
    func startRun(asOf day: String = ProcessSupport.asOfDay, extra: [String] = [], tag: String = "run") throws -> Child {
        let binary = try #require(ProcessSupport.binary, "build the executable first: swift build --build-tests")
        return try Child.start(
            executable: binary,
            arguments: ["run", "--config", configFile.path, "--as-of", day] + extra,
            environment: environment, in: root, tag: tag)
    }

    /// Runs to the end and returns how it ended.
    func run(asOf day: String = ProcessSupport.asOfDay, extra: [String] = [], tag: String = "run") async throws -> (Child, Child.Termination) {
        let child = try startRun(asOf: day, extra: extra, tag: tag)
        defer { child.stop() }
        return (child, try await child.wait())
    }
}

/// A child process whose standard output and error go to files.
final class Child: @unchecked Sendable {
    // @unchecked: `process` is only read after `start`; Foundation's Process is thread-safe for
    // the members used here.
    enum Termination: Equatable, CustomStringConvertible {
        case exit(Int32)
        case signal(Int32)

        var description: String {
            switch self {
            case .exit(let code): "exit status \(code)"
            case .signal(let signo): "killed by signal \(signo)"
            }
        }
    }

    let process: Process
    let stdoutURL: URL
    let stderrURL: URL

    private init(process: Process, stdoutURL: URL, stderrURL: URL) {
        self.process = process
        self.stdoutURL = stdoutURL
        self.stderrURL = stderrURL
    }

    static func start(
        executable: URL, arguments: [String], environment: [String: String], in dir: URL, tag: String
    ) throws -> Child {
        let unique = UUID().uuidString.prefix(8)
        let stdoutURL = dir.appendingPathComponent("\(tag)-\(unique).stdout")
        let stderrURL = dir.appendingPathComponent("\(tag)-\(unique).stderr")
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = dir
        process.standardInput = FileHandle.nullDevice
        let out = try FileHandle(forWritingTo: stdoutURL)
        let err = try FileHandle(forWritingTo: stderrURL)
        defer {
            try? out.close()
            try? err.close()
        }
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return Child(process: process, stdoutURL: stdoutURL, stderrURL: stderrURL)
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    var termination: Termination? {
        guard !process.isRunning else { return nil }
        switch process.terminationReason {
        case .exit: return .exit(process.terminationStatus)
        case .uncaughtSignal: return .signal(process.terminationStatus)
        @unknown default: return .exit(process.terminationStatus)
        }
    }

    func send(_ signo: Int32) {
        if process.isRunning { kill(pid, signo) }
    }

    /// Waits for the end (SIGKILL after `timeout`, which then fails the wait).
    func wait(timeout: Duration = .seconds(30)) async throws -> Termination {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now >= deadline {
                kill(pid, SIGKILL)
                process.waitUntilExit()
                throw ProcessSupport.Failure("the process did not end within \(timeout)\n\(stderrText)")
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        process.waitUntilExit()
        return termination ?? .exit(-1)
    }

    /// Kills the child if it still runs (every path of a test ends it).
    func stop() {
        guard process.isRunning else { return }
        kill(pid, SIGKILL)
        process.waitUntilExit()
    }

    var stdoutText: String { text(stdoutURL) }
    var stderrText: String { text(stderrURL) }

    private func text(_ url: URL) -> String {
        FileManager.default.contents(atPath: url.path).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }
}
