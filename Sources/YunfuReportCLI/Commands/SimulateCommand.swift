import ArgumentParser
import Foundation
import YunfuReport
import UnixSignals
import YunfuSimulator

extension YunfuReportCommand {
    struct Simulate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "simulate",
            abstract: "Serve the simulated platform alone (for trying a configuration, or measuring).",
            discussion: """
                Prints a matching configuration on standard output, then serves until SIGINT/SIGTERM. \
                What it served is at GET /__stats (with the compressed answers and the body bytes sent). \
                With --tls-cert and --tls-key it serves HTTPS. Answers go gzip- or deflate-encoded when \
                the request's Accept-Encoding asks.

                Example:
                  yunfu-report simulate --port 8080 --users 100 --subs-per-user 3 --latency-ms 20 \\
                      --drift bool-as-int,zero-dates --fault-rate 0.05 --faults 503,429:1,html502
                Drift kinds: \(Drift.allCases.map(\.rawValue).joined(separator: ", ")).
                Fault names: 500, 503 (any status), 429, 429:N, 429:date, slow:S, close, html502, truncated, \
                html, envelope:CODE, 404.
                """
        )

        @Option(name: .long, help: "Port on 127.0.0.1 (0 = any free port).")
        var port: Int

        @Option(name: .long, help: "Main users in the generated fleet.")
        var users: Int = 10

        @Option(name: .long, help: "Sub-accounts per user.")
        var subsPerUser: Int = 2

        @Option(name: .long, help: "Seed of the generated fleet.")
        var seed: UInt64 = 1

        @Option(name: .long, help: "Added to every answer, in milliseconds.")
        var latencyMs: Int = 0

        @Option(name: .long, help: "Comma-separated drift kinds to plant, or `all`.")
        var drift: String?

        @Option(name: .long, help: "Share of accounts (0…1) that get a fault on their first request.")
        var faultRate: Double = 0

        @Option(name: .long, help: "Comma-separated faults those accounts get.")
        var faults: String = "503"

        @Option(name: .long, help: "Require `Authorization: Bearer TOKEN` (the printed configuration reads it from YUNFU_API_TOKEN).")
        var token: String?

        @Option(name: .long, help: "PEM certificate chain: serve HTTPS (with --tls-key).")
        var tlsCert: String?

        @Option(name: .long, help: "A per-key limit of R requests a second (a token bucket, one second's burst); beyond it 429 with Retry-After: 1, counted as `throttled` at /__stats.")
        var rateLimit: Double?

        @Option(name: .long, help: "PEM private key of --tls-cert.")
        var tlsKey: String?

        func validate() throws {
            guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
            guard (0...65_535).contains(port) else { throw ValidationError("--port must be 0…65535") }
            guard users >= 0, subsPerUser >= 0, latencyMs >= 0 else {
                throw ValidationError("--users, --subs-per-user and --latency-ms must not be negative")
            }
            guard (0...1).contains(faultRate) else { throw ValidationError("--fault-rate must be between 0 and 1") }
            if let rateLimit, !(rateLimit.isFinite && rateLimit > 0) {
                throw ValidationError("--rate-limit must be a number of requests a second above 0")
            }
        }

        func run() async throws {
            var drifts = Set<Drift>()
            if let drift {
                for name in drift.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                    if name == "all" {
                        drifts.formUnion(Drift.allCases)
                    } else if let kind = Drift(rawValue: name) {
                        drifts.insert(kind)
                    } else {
                        throw usage("unknown drift `\(name)` (\(Drift.allCases.map(\.rawValue).joined(separator: ", ")))")
                    }
                }
            }
            var faultKinds: [Fault] = []
            for name in faults.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                guard let fault = Fault(name: name) else { throw usage("unknown fault `\(name)`") }
                faultKinds.append(fault)
            }
            let platform = SimulatedPlatform(
                options: SimulatorOptions(
                    fleet: FleetSpec(users: users, subsPerUser: subsPerUser, seed: seed),
                    latency: .milliseconds(latencyMs),
                    drifts: drifts,
                    expectedAuth: token.map { (header: "Authorization", value: "Bearer \($0)") },
                    faultRate: faultRate,
                    faultKinds: faultKinds,
                    rateLimit: rateLimit
                ))
            let accounts = platform.accounts
            let tls = tlsCert.flatMap { cert in tlsKey.map { SimulatorTLS(certificateChainFile: cert, privateKeyFile: $0) } }
            do {
                _ = try tls?.configuration()
            } catch {
                throw usage("--tls-cert / --tls-key: cannot be read as a PEM certificate chain and key (\(error))")
            }
            let scheme = tls == nil ? "http" : "https"
            let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
            let server = Task {
                try await platform.run(host: "127.0.0.1", port: port, tls: tls) { bound in
                    print(Self.sampleConfiguration(port: bound, accounts: accounts, scheme: scheme))
                    printError("yunfu-report simulate: serving \(accounts.count) accounts on \(scheme)://127.0.0.1:\(bound) (stats at /__stats); Ctrl-C stops")
                    fflush(nil)
                }
            }
            let watcher = Task {
                await StopSignals.watch(signals, prefix: "yunfu-report simulate", what: "stopping the simulated platform") {
                    server.cancel()
                }
            }
            defer { watcher.cancel() }
            try await server.value
        }

        static func sampleConfiguration(port: Int, accounts: [SimAccount], scheme: String = "http") -> String {
            var yaml = """
                # yunfu-report configuration for the simulated platform on port \(port)
                api:
                  base_url: \(scheme)://127.0.0.1:\(port)
                  token_env: YUNFU_API_TOKEN
                accounts:

                """
            var current: String?
            for account in accounts {
                if let sub = account.subUserID {
                    if current != account.userID {
                        yaml += "  - user_id: \(yamlQuoted(account.userID))\n    include_main: false\n    sub_users:\n"
                        current = account.userID
                    }
                    yaml += "      - \(yamlQuoted(sub))\n"
                } else {
                    yaml += "  - user_id: \(yamlQuoted(account.userID))\n    sub_users:\n"
                    current = account.userID
                }
            }
            yaml = yaml.replacingOccurrences(of: "    sub_users:\n  -", with: "  -")
            if yaml.hasSuffix("    sub_users:\n") { yaml.removeLast("    sub_users:\n".count) }
            yaml += "report:\n  output_root: Output\n"
            return yaml
        }

        static func yamlQuoted(_ text: String) -> String {
            "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
    }
}
