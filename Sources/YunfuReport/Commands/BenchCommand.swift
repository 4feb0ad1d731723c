import ArgumentParser
import AsyncHTTPClient
import Foundation
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
                Each scenario starts `yunfu-report simulate` in its own process, runs the real
                `yunfu-report run` (all four formats) in another, and prints the wall time, accounts/s,
                requests in flight as the server counted them, the job's CPU time and peak RSS, the fetch
                phase as the server saw it, and the ratios to the ideal N × latency / concurrency.
                Example:
                  .build/release/yunfu-report bench --scenario 5000:20:64
                """
        )

        @Option(name: .long, parsing: .upToNextOption, help: "Scenarios as ACCOUNTS:LATENCY_MS:CONCURRENCY (default: the three of docs/performance.md).")
        var scenario: [String] = ["5000:0:16", "5000:20:64", "20000:0:16"]

        @Option(name: .long, help: "Seed of the generated fleet.")
        var seed: UInt64 = 7

        func run() async throws {
            let executable = try Self.ownExecutable()
            print("yunfu-report bench — \(ProcessInfo.processInfo.activeProcessorCount) cores, binary \(executable)")
            for text in scenario {
                let parts = text.split(separator: ":").compactMap { Int($0) }
                guard parts.count == 3, parts[0] > 0, parts[1] >= 0, parts[2] > 0 else {
                    throw usage("--scenario `\(text)`: expected ACCOUNTS:LATENCY_MS:CONCURRENCY")
                }
                let result = try await Self.measure(
                    executable: executable, accounts: parts[0], latencyMs: parts[1], concurrency: parts[2], seed: seed)
                print(result)
            }
        }

        static func ownExecutable() throws -> String {
            if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
            throw usage("cannot find the running executable")
        }

        struct Measurement: CustomStringConvertible {
            var accounts: Int, latencyMs: Int, concurrency: Int
            var wall: Double, cpu: Double, peakRSSKiB: Int, exitStatus: Int32
            var stats: SimulatorStats
            var answerBytes: Int

            var ideal: Double { Double(accounts) * Double(latencyMs) / 1000 / Double(concurrency) }
            var fetchPhase: Double {
                guard let first = stats.firstRequestAt, let last = stats.lastResponseAt else { return 0 }
                return last - first
            }

            var description: String {
                func ratio(_ x: Double) -> String { ideal > 0 ? String(format: "%.3f", x / ideal) : "n/a (ideal 0)" }
                return """

                    scenario: \(accounts) accounts, \(latencyMs) ms latency, \(concurrency) in flight (exit \(exitStatus))
                      answers served:      \(stats.requests) requests, mean answer \(answerBytes / max(1, accounts)) bytes
                      wall time:           \(String(format: "%.3f", wall)) s   (\(String(format: "%.0f", Double(accounts) / wall)) accounts/s)
                      in flight (server):  mean \(String(format: "%.1f", stats.meanInFlight)), max \(stats.maxInFlight)
                      job CPU (user+sys):  \(String(format: "%.3f", cpu)) s
                      job peak RSS:        \(String(format: "%.1f", Double(peakRSSKiB) / 1024)) MiB
                      fetch phase:         \(String(format: "%.3f", fetchPhase)) s (first request to last answer, server clock)
                      ideal N×lat/conc:    \(String(format: "%.3f", ideal)) s
                      fetch / ideal:       \(ratio(fetchPhase))
                      wall / ideal:        \(ratio(wall))
                    """
            }
        }

        static func measure(executable: String, accounts: Int, latencyMs: Int, concurrency: Int, seed: UInt64) async throws
            -> Measurement
        {
            let subs = 3
            let users = (accounts + subs) / (subs + 1)
            let token = "bench-token-\(getpid())"
            let work = FileManager.default.temporaryDirectory.appendingPathComponent("yunfu-bench-\(getpid())-\(accounts)-\(latencyMs)")
            try? FileManager.default.removeItem(at: work)
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: work) }

            // The platform, in its own process; its first output line names the port.
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

            // The job's configuration: the fleet's accounts, in order.
            let fleet = SimulatedPlatform(
                options: SimulatorOptions(fleet: FleetSpec(users: users, subsPerUser: subs, seed: seed)))
            let chosen = Array(fleet.accounts.prefix(accounts))
            var answerBytes = 0
            for account in chosen.prefix(200) { answerBytes += fleet.answer(for: account)?.count ?? 0 }
            answerBytes = answerBytes * chosen.count / max(1, min(200, chosen.count))
            var yaml = "api:\n  base_url: \(baseURL)\n  max_concurrency: \(concurrency)\naccounts_file: accounts.csv\naccounts: []\nreport:\n  output_root: out\n"
            yaml += "  formats: [xlsx, csv, markdown, html]\n"
            try Data(yaml.utf8).write(to: work.appendingPathComponent("config.yaml"))
            var csv = "user_id,sub_user_id,label\r\n"
            for account in chosen { csv += "\(account.userID),\(account.subUserID ?? ""),bench\r\n" }
            try Data(csv.utf8).write(to: work.appendingPathComponent("accounts.csv"))

            let start = ContinuousClock.now
            let job = try ChildProcess.spawn(
                executable,
                ["run", "--config", work.appendingPathComponent("config.yaml").path, "--quiet", "--compare-to", "none"],
                stdout: work.appendingPathComponent("job.out").path,
                environment: ["YUNFU_API_TOKEN": token])
            let usage = job.wait()
            let wall = ProgressDisplay.seconds(ContinuousClock.now - start)
            let stats = try await fetchStats(baseURL)
            return Measurement(
                accounts: accounts, latencyMs: latencyMs, concurrency: concurrency, wall: wall, cpu: usage.cpu,
                peakRSSKiB: usage.maxRSSKiB, exitStatus: usage.status, stats: stats, answerBytes: answerBytes)
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
        var cpu: Double
        var maxRSSKiB: Int
    }

    static func spawn(_ path: String, _ arguments: [String], stdout: String, environment: [String: String] = [:]) throws
        -> ChildProcess
    {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, nil, argv, envp)
        guard rc == 0 else { throw usage("cannot start \(path): \(String(cString: strerror(rc)))") }
        return ChildProcess(pid: pid)
    }

    func wait() -> Usage {
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let cpu =
            Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec)
            + Double(usage.ru_stime.tv_usec) / 1e6
        let exited = status & 0x7f == 0
        return Usage(status: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), cpu: cpu, maxRSSKiB: usage.ru_maxrss)
    }

    func terminate() {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        var usage = rusage()
        _ = wait4(pid, &status, 0, &usage)
    }
}
