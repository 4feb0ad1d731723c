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

        @Option(
            name: .long, parsing: .upToNextOption,
            help: "Scenarios as ACCOUNTS:LATENCY_MS:CONCURRENCY[:limit=R|:dead-port|:untrusted-cert] (default: those of docs/performance.md).")
        var scenario: [String] = BenchScenario.defaults

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
            let scenarios = try scenario.map { text in
                guard let parsed = BenchScenario(text) else {
                    throw usage(
                        "--scenario `\(text)`: expected ACCOUNTS:LATENCY_MS:CONCURRENCY, optionally with :limit=R, :dead-port or :untrusted-cert")
                }
                return parsed
            }
            print("yunfu-report bench — \(ProcessInfo.processInfo.activeProcessorCount) cores, binary \(executable)")
            if !prefix.isEmpty { print("the job runs under: \(prefix.joined(separator: " "))") }
            for scenario in scenarios {
                for _ in 0..<repetitions {
                    var wire: [Bool: BenchMeasurement] = [:]
                    for compressed in modes {
                        let result = try await BenchRun(
                            executable: executable, scenario: scenario, seed: seed, jobPrefix: prefix,
                            compression: compressed
                        ).measure()
                        print(result)
                        fflush(nil)
                        wire[compressed] = result
                    }
                    if let off = wire[false], let on = wire[true] { print(Self.wireComparison(off: off, on: on)) }
                    fflush(nil)
                }
            }
        }

        static func wireComparison(off: BenchMeasurement, on: BenchMeasurement) -> String {
            let ratio = on.stats.bodyBytes > 0 ? Double(off.stats.bodyBytes) / Double(on.stats.bodyBytes) : 0
            func mib(_ bytes: Int) -> String { String(format: "%.1f", Double(bytes) / 1_048_576) }
            return """

                wire bytes (answer bodies as sent), \(on.scenario.accounts) accounts:
                  without compression: \(off.stats.bodyBytes) bytes (\(mib(off.stats.bodyBytes)) MiB)
                  with compression:    \(on.stats.bodyBytes) bytes (\(mib(on.stats.bodyBytes)) MiB), \(on.stats.compressedAnswers) answers gzip-encoded, \(String(format: "%.1f", ratio)) x smaller
                """
        }

        static func ownExecutable() throws -> String {
            if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
            throw usage("cannot find the running executable")
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
