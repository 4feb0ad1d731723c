import Foundation
import Testing
import YunfuSimulator

@testable import YunfuReport

/// The real executable, in a child process, through Debian's tinyproxy on loopback.
@Suite("Network: corporate proxies (tinyproxy)", .serialized)
struct ProxyTests {
    static let user = "alice"
    static let password = "pr0xy-pw-71c9e2"

    /// The child's environment: the test's without any proxy variable, plus `extra`.
    static func environment(_ extra: [String: String]) -> [String: String] {
        let proxyNames: Set<String> = ["http_proxy", "https_proxy", "all_proxy", "no_proxy"]
        var env = ProcessInfo.processInfo.environment.filter {
            !$0.key.hasPrefix("YUNFU_") && !proxyNames.contains($0.key.lowercased())
        }
        env["YUNFU_API_TOKEN"] = ProcessSupport.token
        env.merge(extra) { $1 }
        return env
    }

    /// Writes the configuration, runs `yunfu-report run` to its end, and returns how it ended with
    /// everything it printed and wrote.
    static func run(
        _ ws: ProcessWorkspace, baseURL: String, accounts: [SimAccount], apiExtra: String = "",
        environment: [String: String]
    ) async throws -> (end: Child.Termination, output: String) {
        var csv = "user_id,sub_user_id,label\r\n"
        for (index, account) in accounts.enumerated() {
            csv += "\(account.userID),\(account.subUserID ?? ""),代理测试-\(index)\r\n"
        }
        try Data(csv.utf8).write(to: ws.root.appendingPathComponent("accounts.csv"))
        let yaml = """
            api:
              base_url: \(baseURL)
              token_env: YUNFU_API_TOKEN
              timeout_seconds: 10
              max_concurrency: 4
              max_retries: 0
            \(apiExtra)
            accounts_file: accounts.csv
            report:
              output_root: Output
              formats: [csv, markdown]

            """
        try Data(yaml.utf8).write(to: ws.configFile)
        let binary = try #require(ProcessSupport.binary, "build the executable first: swift build --build-tests")
        let child = try Child.start(
            executable: binary,
            arguments: ["run", "--config", ws.configFile.path, "--as-of", ProcessSupport.asOfDay, "--archive-raw", "--log-level", "debug"],
            environment: environment, in: ws.root, tag: "run")
        defer { child.stop() }
        let end = try await child.wait()
        var output = child.stdoutText + "\n" + child.stderrText
        for (name, bytes) in (try? ProcessSupport.snapshot(ws.outputRoot)) ?? [:] {
            output += "\n== \(name)\n" + String(decoding: bytes, as: UTF8.self)
        }
        return (end, output)
    }

    static func secretsAbsent(_ output: String) {
        #expect(!output.contains(password), "the proxy password is never printed, logged or written")
        #expect(!output.contains(ProcessSupport.token), "the token is never printed, logged or written")
        let basic = Data("\(user):\(password)".utf8).base64EncodedString()
        #expect(!output.contains(basic), "nor the Basic credentials")
    }

    static func errors(_ ws: ProcessWorkspace) throws -> [String] {
        try NetworkRuns.errors(ws.runDir())
    }

    @Test("HTTPS through https_proxy (with credentials) in a CONNECT tunnel, trusting the private CA")
    func httpsThroughTheEnvironmentsProxy() async throws {
        let pki = try await TestPKI.make()
        let proxy = try await TinyProxy(credentials: (Self.user, Self.password))
        let ws = try ProcessWorkspace("proxy-https")
        defer { pki.remove(); proxy.stop(); ws.remove() }
        let platform = ProcessSupport.platform(users: 3, subs: 1)
        let (end, output, port) = try await platform.withRunning(tls: pki.tls(pki.serverCertificate)) { base in
            let port = try #require(URL(string: base)?.port)
            let env = Self.environment([
                "https_proxy": "http://\(Self.user):\(Self.password)@127.0.0.1:\(proxy.port)",
                "http_proxy": "http://127.0.0.1:1",
            ])
            let (end, output) = try await Self.run(
                ws, baseURL: base, accounts: platform.accounts, apiExtra: "  ca_file: \(pki.caFile.path)",
                environment: env)
            return (end, output, port)
        }
        #expect(end == .exit(0), "\(output.prefix(3000))")
        #expect(platform.stats().requests == platform.accounts.count)
        #expect(try Self.errors(ws).allSatisfy { $0.isEmpty })
        let connects = proxy.connects
        #expect(!connects.isEmpty, "the proxy's log shows the tunnels: \(proxy.log)")
        #expect(connects.allSatisfy { $0 == "CONNECT 127.0.0.1:\(port) HTTP/1.1" }, "\(connects)")
        Self.secretsAbsent(output + proxy.log)
    }

    @Test("HTTP through api.proxy, which wins over the environment")
    func httpThroughTheConfiguredProxy() async throws {
        let proxy = try await TinyProxy(credentials: (Self.user, Self.password))
        let ws = try ProcessWorkspace("proxy-http")
        defer { proxy.stop(); ws.remove() }
        let platform = ProcessSupport.platform(users: 3, subs: 1)
        let (end, output, port) = try await platform.withRunning { base in
            let port = try #require(URL(string: base)?.port)
            let (end, output) = try await Self.run(
                ws, baseURL: base, accounts: platform.accounts,
                apiExtra: "  proxy: http://\(Self.user):\(Self.password)@127.0.0.1:\(proxy.port)",
                environment: Self.environment(["http_proxy": "http://127.0.0.1:1", "no_proxy": "example.org"]))
            return (end, output, port)
        }
        #expect(end == .exit(0), "\(output.prefix(3000))")
        #expect(platform.stats().requests == platform.accounts.count)
        #expect(!proxy.connects.isEmpty && proxy.connects.allSatisfy { $0 == "CONNECT 127.0.0.1:\(port) HTTP/1.1" }, "\(proxy.log)")
        Self.secretsAbsent(output + proxy.log)
    }

    @Test("no_proxy bypasses the environment's proxy; proxy: none ignores the environment")
    func noProxyBypasses() async throws {
        let proxy = try await TinyProxy()
        let ws = try ProcessWorkspace("proxy-bypass")
        defer { proxy.stop(); ws.remove() }
        let platform = ProcessSupport.platform(users: 2, subs: 1)
        let runs = try await platform.withRunning { base in
            let bypassed = try await Self.run(
                ws, baseURL: base, accounts: platform.accounts,
                environment: Self.environment(["http_proxy": "http://127.0.0.1:\(proxy.port)", "NO_PROXY": "localhost,127.0.0.1"]))
            let ignored = try await Self.run(
                ws, baseURL: base, accounts: platform.accounts, apiExtra: "  proxy: none",
                environment: Self.environment(["http_proxy": "http://127.0.0.1:\(proxy.port)"]))
            return [bypassed, ignored]
        }
        for run in runs {
            #expect(run.end == .exit(0), "\(run.output.prefix(3000))")
        }
        #expect(platform.stats().requests == 2 * platform.accounts.count)
        #expect(proxy.connects.isEmpty, "nothing went through the proxy: \(proxy.log)")
    }

    @Test("A proxy that cannot be reached, or refuses the credentials: each account names the proxy, never the password")
    func proxyFailures() async throws {
        let proxy = try await TinyProxy(credentials: (Self.user, "another-password"))
        let ws = try ProcessWorkspace("proxy-fail")
        defer { proxy.stop(); ws.remove() }
        let closed = try TinyProxy.freePort()
        let platform = ProcessSupport.platform(users: 2, subs: 0)
        let runs = try await platform.withRunning { base in
            let unreachable = try await Self.run(
                ws, baseURL: base, accounts: platform.accounts,
                apiExtra: "  proxy: http://\(Self.user):\(Self.password)@127.0.0.1:\(closed)",
                environment: Self.environment([:]))
            let unreachableErrors = try Self.errors(ws)
            let anonymous = try await Self.run(
                ws, baseURL: base, accounts: platform.accounts, apiExtra: "  proxy: http://127.0.0.1:\(proxy.port)",
                environment: Self.environment([:]))
            let anonymousErrors = try Self.errors(ws)
            // tinyproxy answers wrong credentials with 401, not 407.
            let refused = try await Self.run(
                ws, baseURL: base, accounts: platform.accounts,
                apiExtra: "  proxy: http://\(Self.user):\(Self.password)@127.0.0.1:\(proxy.port)",
                environment: Self.environment([:]))
            return [(unreachable, unreachableErrors), (anonymous, anonymousErrors), (refused, try Self.errors(ws))]
        }
        #expect(platform.stats().requests == 0)
        let expected = [
            "proxy 127.0.0.1:\(closed): connection refused",
            "proxy 127.0.0.1:\(proxy.port): authentication required (HTTP 407",
            "proxy 127.0.0.1:\(proxy.port): refused the tunnel to 127.0.0.1",
        ]
        for ((run, errors), prefix) in zip(runs, expected) {
            #expect(run.end == .exit(1), "\(run.output.prefix(3000))")
            #expect(errors.count == platform.accounts.count)
            #expect(errors.allSatisfy { $0.hasPrefix(prefix) }, "\(errors)")
            #expect(run.output.contains(prefix), "the log names the proxy too")
            Self.secretsAbsent(run.output)
        }
    }

    @Test("Notices go through the environment's proxy, whatever api.proxy says; no_proxy sends them direct")
    func noticesFollowTheEnvironment() async throws {
        let proxy = try await TinyProxy()
        defer { proxy.stop() }
        let recorder = WebhookRecorder()
        let (logger, _) = recordingLogger()
        let port = try await withWebhookServer(recorder) { port in
            for noProxy in ["", "localhost,127.0.0.1"] {
                var network = NetworkSettings()
                network.proxy = .none
                network.environment = try ProxyEnvironment(environment: [
                    "http_proxy": "http://127.0.0.1:\(proxy.port)", "no_proxy": noProxy,
                ])
                let clients = Notifier.makeHTTPClients(network: network)
                await Notifier(clients: { clients.client(for: $0) }, logger: logger, retryDelay: .milliseconds(10))
                    .send(ReportBuilder().build(), runDir: "/r", targets: [NotifyTests.target(.wecom, port: port)])
                await clients.shutdown()
            }
            return port
        }
        #expect(await recorder.received.count == 2, "both notices arrived")
        #expect(proxy.connects == ["CONNECT 127.0.0.1:\(port) HTTP/1.1"], "only the first went through the proxy: \(proxy.log)")
    }
}
