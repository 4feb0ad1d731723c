import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL
import YunfuReport
import YunfuSimulator

#if canImport(Glibc)
import Glibc
#endif

/// One measured run of a scenario: the simulated platform in a process of its own (none for a
/// dead port), the real job in another, reaped with `wait4`, then the server's `/__stats` and, for
/// an unreachable platform, the run's `accounts.csv`.
struct BenchRun {
    var executable: String
    var scenario: BenchScenario
    var seed: UInt64
    var jobPrefix: [String] = []
    var compression = true

    private static let subsPerUser = 3

    func measure() async throws -> BenchMeasurement {
        let users = (scenario.accounts + Self.subsPerUser) / (Self.subsPerUser + 1)
        let token = "bench-token-\(getpid())"
        let work = FileManager.default.temporaryDirectory.appendingPathComponent(
            "yunfu-bench-\(getpid())-\(scenario.accounts)-\(scenario.latencyMs)")
        try? FileManager.default.removeItem(at: work)
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }

        let platform = try await startPlatform(users: users, token: token, work: work)
        defer { platform.server?.terminate() }

        // The fleet's accounts, in order; the answers' size from the same generator (seed and
        // reference day) as the server's.
        let fleet = SimulatedPlatform(
            options: SimulatorOptions(fleet: FleetSpec(users: users, subsPerUser: Self.subsPerUser, seed: seed)))
        let chosen = Array(fleet.accounts.prefix(scenario.accounts))
        let answerBytes = chosen.reduce(0) { $0 + (fleet.answer(for: $1)?.count ?? 0) }
        try writeConfiguration(baseURL: platform.baseURL, accounts: chosen, work: work)

        let serverCPUBefore = platform.server?.cpuSeconds()
        let spawnedAt = Date().timeIntervalSince1970
        let start = ContinuousClock.now
        let job = try startJob(work: work, token: token)
        let usage = job.wait()
        let wall = (ContinuousClock.now - start).inSeconds
        let reapedAt = Date().timeIntervalSince1970
        var serverCPU: Double?
        if let before = serverCPUBefore, let after = platform.server?.cpuSeconds() { serverCPU = after - before }
        let stats =
            platform.server == nil
            ? SimulatorStats() : try await Self.fetchStats(platform.baseURL, trusting: platform.certificate)
        var measurement = BenchMeasurement(
            scenario: scenario, wall: wall, exitStatus: usage.status, usage: usage, stats: stats,
            compression: compression, answerBytes: answerBytes, spawnedAt: spawnedAt, reapedAt: reapedAt,
            serverCPU: serverCPU)
        let errors = (try? String(contentsOf: work.appendingPathComponent("job.err"), encoding: .utf8)) ?? ""
        if scenario.unreachable {
            measurement.unreachable = Self.unreachableFigures(work: work, jobErrors: errors)
        }
        if !measurement.valid {
            measurement.errorTail = errors.split(separator: "\n").suffix(10).map { "    " + $0 }.joined(separator: "\n")
        }
        return measurement
    }

    /// The platform the scenario asks for.
    struct RunningPlatform {
        var server: ChildProcess?
        var baseURL: String
        /// The self-signed certificate of an HTTPS platform (the benchmark trusts it, the job not).
        var certificate: String?
    }

    private func startPlatform(users: Int, token: String, work: URL) async throws -> RunningPlatform {
        let port = try Self.freePort()
        if scenario.platform == .deadPort {
            return RunningPlatform(server: nil, baseURL: "http://127.0.0.1:\(port)")
        }
        var arguments = [
            "simulate", "--port", String(port), "--users", String(users), "--subs-per-user", String(Self.subsPerUser),
            "--seed", String(seed), "--latency-ms", String(scenario.latencyMs), "--token", token,
        ]
        if let limit = scenario.rateLimit { arguments += ["--rate-limit", String(limit)] }
        var certificate: String?
        if scenario.platform == .untrustedCertificate {
            let (cert, key) = try Self.selfSignedCertificate(in: work)
            arguments += ["--tls-cert", cert, "--tls-key", key]
            certificate = cert
        }
        let server = try ChildProcess.spawn(
            executable, arguments, stdout: work.appendingPathComponent("server.out").path)
        let scheme = certificate == nil ? "http" : "https"
        let running = RunningPlatform(server: server, baseURL: "\(scheme)://127.0.0.1:\(port)", certificate: certificate)
        do {
            try await Self.waitUntilServing(running.baseURL, trusting: certificate)
        } catch {
            server.terminate()
            throw error
        }
        return running
    }

    /// `max_concurrency` and the formats; no `requests_per_second` (the default 0: the throttled
    /// scenarios show the adaptive rate), the default retries and timeouts.
    private func writeConfiguration(baseURL: String, accounts: [SimAccount], work: URL) throws {
        let yaml = """
            api:
              base_url: \(baseURL)
              max_concurrency: \(scenario.concurrency)
              compression: \(compression)
            accounts_file: accounts.csv
            accounts: []
            report:
              output_root: out
              formats: [xlsx, csv, markdown, html]

            """
        try Data(yaml.utf8).write(to: work.appendingPathComponent("config.yaml"))
        var csv = "user_id,sub_user_id,label\r\n"
        for account in accounts { csv += "\(account.userID),\(account.subUserID ?? ""),bench\r\n" }
        try Data(csv.utf8).write(to: work.appendingPathComponent("accounts.csv"))
    }

    private func startJob(work: URL, token: String) throws -> ChildProcess {
        let arguments = [
            "run", "--config", work.appendingPathComponent("config.yaml").path, "--quiet", "--compare-to", "none",
        ]
        return try ChildProcess.spawn(
            jobPrefix.first ?? executable,
            jobPrefix.isEmpty ? arguments : Array(jobPrefix.dropFirst()) + [executable] + arguments,
            stdout: work.appendingPathComponent("job.out").path, stderr: work.appendingPathComponent("job.err").path,
            environment: ["YUNFU_API_TOKEN": token], searchPath: !jobPrefix.isEmpty)
    }

    /// What the run of an unreachable platform wrote: its accounts, by the reason they failed with.
    static func unreachableFigures(work: URL, jobErrors: String) -> BenchMeasurement.Unreachable {
        var figures = BenchMeasurement.Unreachable()
        figures.errorLines = jobErrors.split(separator: "\n").filter { $0.contains("platform unreachable") }.count
        let file = work.appendingPathComponent("out/latest/accounts.csv")
        guard let data = FileManager.default.contents(atPath: file.path),
            let rows = try? accountRows(ofAccountsCSV: Array(data))
        else { return figures }
        figures.rows = rows.count
        figures.failed = rows.count { $0["fetch_status"] == "failed" }
        let prefix = FailureReason.notAttemptedPrefix
        let notAttempted = rows.compactMap { row in row["error"].flatMap { $0.hasPrefix(prefix) ? $0 : nil } }
        figures.notAttempted = notAttempted.count
        let reasons = Set(notAttempted.map { String($0.dropFirst(prefix.count)) })
        figures.reason = reasons.count == 1 ? reasons.first : nil
        if let reason = figures.reason {
            figures.failedWithReason = rows.count { $0["error"] == reason }
        }
        return figures
    }

    // MARK: - Helpers

    /// A self-signed certificate for 127.0.0.1 made by `openssl`, and its key.
    static func selfSignedCertificate(in folder: URL) throws -> (certificate: String, key: String) {
        let cert = folder.appendingPathComponent("cert.pem").path
        let key = folder.appendingPathComponent("key.pem").path
        let process = try ChildProcess.spawn(
            "openssl",
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1",
            ],
            stdout: "/dev/null", searchPath: true)
        guard process.wait().status == 0 else {
            throw usage("the untrusted-cert scenario needs openssl to make a certificate (apt-get install openssl)")
        }
        return (cert, key)
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

    static func waitUntilServing(_ baseURL: String, trusting certificate: String?) async throws {
        for _ in 0..<200 {
            if (try? await fetchStats(baseURL, trusting: certificate)) != nil { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw usage("the simulated platform did not start at \(baseURL)")
    }

    /// The server's `/__stats`; over HTTPS trusting only the scenario's own certificate.
    static func fetchStats(_ baseURL: String, trusting certificate: String?) async throws -> SimulatorStats {
        let request = HTTPClientRequest(url: baseURL + "/__stats")
        guard let certificate else {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
            return try SimulatorStats.decode(Array(try await response.body.collect(upTo: 64 << 20).readableBytesView))
        }
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .file(certificate)
        let configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        return try await HTTPClient.withHTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration) { client in
            let response = try await client.execute(request, timeout: .seconds(5))
            return try SimulatorStats.decode(Array(try await response.body.collect(upTo: 64 << 20).readableBytesView))
        }
    }
}
