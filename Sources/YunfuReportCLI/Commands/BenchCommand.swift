import ArgumentParser
import AsyncHTTPClient
import Foundation
import YunfuReport
import NIOCore
import YunfuSimulator

#if canImport(Glibc)
import Glibc
#endif

extension YunfuReportCommand {
    struct Bench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bench",
            abstract: "Measure the job against the simulated platform (run on a release build: make bench).",
            discussion: """
                Each scenario starts `yunfu-report simulate` in its own process, runs the real \
                `yunfu-report run` (all four formats) in another, and prints the wall time, accounts/s, \
                requests in flight as the server counted them, the job's CPU time and peak RSS, the fetch \
                phase as the server saw it, and the ratios to the ideal N × latency / concurrency.

                Example:
                  .build/release/yunfu-report bench --scenario 5000:20:64
                """
        )

        @Option(name: .long, parsing: .upToNextOption, help: "Scenarios as ACCOUNTS:LATENCY_MS:CONCURRENCY (default: the three of docs/performance.md).")
        var scenario: [String] = ["5000:0:16", "5000:20:64", "20000:0:16"]

        @Option(name: .long, help: "Seed of the generated fleet.")
        var seed: UInt64 = 7

        @Option(
            name: .long,
            help: "Ask for compressed answers: on (the job's default), off (compression: false), or both (each scenario twice, then the wire bytes side by side).")
        var compression: String = "on"

        @Option(name: .customLong("repeat"), help: "Runs of each scenario, each printed.")
        var repetitions: Int = 1

        @Option(
            name: .long,
            help: "A command the job runs under, e.g. a profiler: --job-prefix 'perf record -e cpu-clock -g -o /tmp/perf.data'. The job's CPU and RSS then include it.")
        var jobPrefix: String?

        func run() async throws {
            let executable = try Self.ownExecutable()
            let prefix = jobPrefix.map { $0.split(separator: " ").map(String.init) } ?? []
            guard repetitions > 0 else { throw usage("--repeat must be at least 1") }
            let modes: [Bool]
            switch compression {
            case "on": modes = [true]
            case "off": modes = [false]
            case "both": modes = [false, true]
            default: throw usage("--compression must be on, off or both, not `\(compression)`")
            }
            print("yunfu-report bench — \(ProcessInfo.processInfo.activeProcessorCount) cores, binary \(executable)")
            if !prefix.isEmpty { print("the job runs under: \(prefix.joined(separator: " "))") }
            for text in scenario {
                let parts = text.split(separator: ":").compactMap { Int($0) }
                guard parts.count == 3, parts[0] > 0, parts[1] >= 0, parts[2] > 0 else {
                    throw usage("--scenario `\(text)`: expected ACCOUNTS:LATENCY_MS:CONCURRENCY")
                }
                for _ in 0..<repetitions {
                    var wire: [Bool: Measurement] = [:]
                    for compressed in modes {
                        let result = try await Self.measure(
                            executable: executable, accounts: parts[0], latencyMs: parts[1], concurrency: parts[2], seed: seed,
                            jobPrefix: prefix, compression: compressed)
                        print(result)
                        fflush(nil)
                        wire[compressed] = result
                    }
                    if let off = wire[false], let on = wire[true] {
                        let ratio = on.stats.bodyBytes > 0 ? Double(off.stats.bodyBytes) / Double(on.stats.bodyBytes) : 0
                        print("""

                            wire bytes (answer bodies as sent), \(parts[0]) accounts:
                              without compression: \(off.stats.bodyBytes) bytes (\(String(format: "%.1f", Double(off.stats.bodyBytes) / 1_048_576)) MiB)
                              with compression:    \(on.stats.bodyBytes) bytes (\(String(format: "%.1f", Double(on.stats.bodyBytes) / 1_048_576)) MiB), \(on.stats.compressedAnswers) answers gzip-encoded, \(String(format: "%.1f", ratio)) x smaller
                            """)
                        fflush(nil)
                    }
                }
            }
        }

        static func ownExecutable() throws -> String {
            if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
            throw usage("cannot find the running executable")
        }

        struct Measurement: CustomStringConvertible {
            var accounts: Int, latencyMs: Int, concurrency: Int
            var wall: Double, exitStatus: Int32
            var usage: ChildProcess.Usage
            var stats: SimulatorStats
            /// Whether the job asked for compressed answers.
            var compression: Bool = true
            /// Bytes of every answer the job asked for, rendered by the same generator.
            var answerBytes: Int
            /// Unix seconds (this machine's clock, as the server's) when the job was started and reaped.
            var spawnedAt: Double, reapedAt: Double
            /// CPU time of the simulated platform while the job ran (nil when /proc cannot say).
            var serverCPU: Double?
            /// The end of the job's standard error, when it did not exit 0.
            var errorTail = ""

            var ideal: Double { Double(accounts) * Double(latencyMs) / 1000 / Double(concurrency) }
            var fetchPhase: Double {
                guard let first = stats.firstRequestAt, let last = stats.lastResponseAt else { return 0 }
                return last - first
            }
            /// Whether the figures describe the run asked for: exit 0, one request per account.
            var valid: Bool { exitStatus == 0 && stats.requests == accounts && stats.perAccount.count == accounts }

            var description: String {
                func f(_ x: Double, _ digits: Int = 3) -> String { String(format: "%.\(digits)f", x) }
                func ratio(_ x: Double) -> String { ideal > 0 ? f(x / ideal) : "n/a (ideal 0)" }
                let startup = stats.firstRequestAt.map { f($0 - spawnedAt) } ?? "?"
                let after = stats.lastResponseAt.map { f(reapedAt - $0) } ?? "?"
                var text = """

                    scenario: \(accounts) accounts, \(latencyMs) ms latency, \(concurrency) in flight (exit \(exitStatus))
                      answers served:      \(stats.requests) requests for \(stats.perAccount.count) accounts, mean answer \(answerBytes / max(1, accounts)) bytes (\(f(Double(answerBytes) / 1_048_576, 1)) MiB in all)
                      on the wire:         \(stats.bodyBytes) body bytes, \(stats.compressedAnswers) answers compressed (compression: \(compression))
                      wall time:           \(f(wall)) s   (\(f(Double(accounts) / wall, 0)) accounts/s)
                        start → 1st request: \(startup) s (process start, configuration, accounts file)
                        fetch phase:       \(f(fetchPhase)) s (first request to last answer, server clock)
                        last answer → exit: \(after) s (aggregate, writers, manifest, commit)
                      in flight (server):  mean \(f(stats.meanInFlight, 1)), max \(stats.maxInFlight)
                      job CPU (user+sys):  \(f(usage.cpu)) s (user \(f(usage.user)), sys \(f(usage.system)))
                      job peak RSS:        \(f(Double(usage.maxRSSKiB) / 1024, 1)) MiB
                      server CPU:          \(serverCPU.map { f($0) + " s (the simulated platform, same 2 cores)" } ?? "unknown")
                      ideal N×lat/conc:    \(f(ideal)) s
                      fetch / ideal:       \(ratio(fetchPhase))
                      wall / ideal:        \(ratio(wall))
                    """
                if !valid {
                    text += "\n  NOT A VALID MEASUREMENT: the job must exit 0 and each account be asked once"
                    if !errorTail.isEmpty { text += "\n  the job's standard error ended with:\n" + errorTail }
                }
                return text
            }
        }

        static func measure(
            executable: String, accounts: Int, latencyMs: Int, concurrency: Int, seed: UInt64, jobPrefix: [String] = [],
            compression: Bool = true
        ) async throws -> Measurement
        {
            let subs = 3
            let users = (accounts + subs) / (subs + 1)
            let token = "bench-token-\(getpid())"
            let work = FileManager.default.temporaryDirectory.appendingPathComponent("yunfu-bench-\(getpid())-\(accounts)-\(latencyMs)")
            try? FileManager.default.removeItem(at: work)
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: work) }

            // The platform, in its own process.
            let serverOut = work.appendingPathComponent("server.out")
            let port = try freePort()
            let server = try ChildProcess.spawn(
                executable,
                ["simulate", "--port", String(port), "--users", String(users), "--subs-per-user", String(subs),
                 "--seed", String(seed), "--latency-ms", String(latencyMs), "--token", token],
                stdout: serverOut.path)
            defer { server.terminate() }
            let baseURL = "http://127.0.0.1:\(port)"
            try await waitUntilServing(baseURL)

            // The job's configuration: the fleet's accounts, in order; the answers' size from the
            // same generator (seed and reference day) as the server's.
            let fleet = SimulatedPlatform(
                options: SimulatorOptions(fleet: FleetSpec(users: users, subsPerUser: subs, seed: seed)))
            let chosen = Array(fleet.accounts.prefix(accounts))
            var answerBytes = 0
            for account in chosen { answerBytes += fleet.answer(for: account)?.count ?? 0 }
            var yaml = "api:\n  base_url: \(baseURL)\n  max_concurrency: \(concurrency)\n  compression: \(compression)\naccounts_file: accounts.csv\naccounts: []\nreport:\n  output_root: out\n"
            yaml += "  formats: [xlsx, csv, markdown, html]\n"
            try Data(yaml.utf8).write(to: work.appendingPathComponent("config.yaml"))
            var csv = "user_id,sub_user_id,label\r\n"
            for account in chosen { csv += "\(account.userID),\(account.subUserID ?? ""),bench\r\n" }
            try Data(csv.utf8).write(to: work.appendingPathComponent("accounts.csv"))

            let serverCPUBefore = server.cpuSeconds()
            let spawnedAt = Date().timeIntervalSince1970
            let start = ContinuousClock.now
            let jobArguments = ["run", "--config", work.appendingPathComponent("config.yaml").path, "--quiet", "--compare-to", "none"]
            let jobErrors = work.appendingPathComponent("job.err")
            let job = try ChildProcess.spawn(
                jobPrefix.first ?? executable,
                jobPrefix.isEmpty ? jobArguments : Array(jobPrefix.dropFirst()) + [executable] + jobArguments,
                stdout: work.appendingPathComponent("job.out").path, stderr: jobErrors.path,
                environment: ["YUNFU_API_TOKEN": token], searchPath: !jobPrefix.isEmpty)
            let usage = job.wait()
            let wall = (ContinuousClock.now - start).inSeconds
            let reapedAt = Date().timeIntervalSince1970
            var serverCPU: Double?
            if let before = serverCPUBefore, let after = server.cpuSeconds() { serverCPU = after - before }
            let stats = try await fetchStats(baseURL)
            var measurement = Measurement(
                accounts: accounts, latencyMs: latencyMs, concurrency: concurrency, wall: wall, exitStatus: usage.status,
                usage: usage, stats: stats, compression: compression, answerBytes: answerBytes, spawnedAt: spawnedAt, reapedAt: reapedAt,
                serverCPU: serverCPU)
            if usage.status != 0, let text = try? String(contentsOf: jobErrors, encoding: .utf8) {
                measurement.errorTail = text.split(separator: "\n").suffix(10).map { "    " + $0 }.joined(separator: "\n")
            }
            return measurement
        }

        static func freePort() throws -> Int {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw usage("cannot open a socket") }
            defer { close(fd) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                    bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
                }
            }
            guard bound else { throw usage("cannot find a free port") }
            return Int(UInt16(bigEndian: address.sin_port))
        }

        static func waitUntilServing(_ baseURL: String) async throws {
            for _ in 0..<200 {
                if (try? await fetchStats(baseURL)) != nil { return }
                try await Task.sleep(for: .milliseconds(50))
            }
            throw usage("the simulated platform did not start at \(baseURL)")
        }

        static func fetchStats(_ baseURL: String) async throws -> SimulatorStats {
            let request = HTTPClientRequest(url: baseURL + "/__stats")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
            let body = try await response.body.collect(upTo: 64 << 20)
            return try SimulatorStats.decode(Array(body.readableBytesView))
        }
    }
}

/// A child process with its resource usage (wait4), for the benchmark.
struct ChildProcess {
    let pid: pid_t

    struct Usage {
        var status: Int32
        var user: Double
        var system: Double
        var maxRSSKiB: Int

        var cpu: Double { user + system }
    }

    /// Starts `path` (looked up in PATH when `searchPath`) with standard output and error to files.
    static func spawn(
        _ path: String, _ arguments: [String], stdout: String, stderr: String = "/dev/null",
        environment: [String: String] = [:], searchPath: Bool = false
    ) throws -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc =
            searchPath
            ? posix_spawnp(&pid, path, &actions, nil, argv, envp) : posix_spawn(&pid, path, &actions, nil, argv, envp)
        guard rc == 0 else { throw usage("cannot start \(path): \(String(cString: strerror(rc)))") }
        return ChildProcess(pid: pid)
    }

    func wait() -> Usage {
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let exited = status & 0x7f == 0
        return Usage(
            status: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f),
            user: Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6,
            system: Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6,
            maxRSSKiB: usage.ru_maxrss)
    }

    /// User + system CPU seconds so far of the (running) child, from /proc/PID/stat; nil when unreadable.
    func cpuSeconds() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        // After "pid (comm)": state is field 3, utime field 14, stime field 15.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        return ticks > 0 ? (user + system) / ticks : nil
    }

    func terminate() {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        var usage = rusage()
        _ = wait4(pid, &status, 0, &usage)
    }
}
