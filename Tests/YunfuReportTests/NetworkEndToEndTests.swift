import Foundation
import Testing
import YunfuSimulator

@testable import YunfuReport

/// HTTPS with a private CA, refused certificates, compressed answers, a gzip bomb and an IPv6
/// base URL: the real job in-process against the simulated platform on loopback.
@Suite("Network: HTTPS, compression, IPv6 over loopback")
struct NetworkEndToEndTests {
    /// One run of the fleet at `baseURL` with these network settings, into `root/name`.
    static func run(
        _ baseURL: String, platform: SimulatedPlatform, network: NetworkSettings, root: URL, name: String,
        archiveRaw: Bool = false, logs: LogRecorder? = nil
    ) async throws -> (outcome: JobOutcome, dir: URL) {
        var config = JobHarness.configuration(
            baseURL: baseURL, accounts: JobHarness.refs(platform.accounts), outputRoot: root, formats: [.csv])
        config.api.network = network
        var options = JobOptions(asOf: Plain.asOf, runDir: root.appendingPathComponent(name))
        options.archiveRaw = archiveRaw
        options.compareTo = .none
        let outcome = try await JobHarness.run(config, options: options, logs: logs)
        return (outcome, try #require(outcome.runDir))
    }

    static func plain() -> NetworkSettings {
        var network = NetworkSettings()
        network.compression = false
        return network
    }

    @Test("HTTPS with ca_file gives CSV files byte-identical to the same fleet over HTTP")
    func httpsWithThePrivateCA() async throws {
        let pki = try await TestPKI.make()
        let root = try JobHarness.temporaryDirectory("https")
        defer { pki.remove(); try? FileManager.default.removeItem(at: root) }
        let platform = JobHarness.platform(drifts: [.hostileText, .boolAsString])
        let overHTTP = try await platform.withRunning { base in
            try await Self.run(base, platform: platform, network: Self.plain(), root: root, name: "http")
        }
        var trusted = try pki.trustingCA()
        trusted.compression = false
        let overHTTPS = try await platform.withRunning(tls: pki.tls(pki.serverCertificate)) { base in
            #expect(base.hasPrefix("https://127.0.0.1:"))
            return try await Self.run(base, platform: platform, network: trusted, root: root, name: "https")
        }
        #expect(overHTTPS.outcome.status == .complete)
        let accounts = try JobHarness.table(overHTTPS.dir, .accounts)
        #expect(accounts.count == platform.accounts.count)
        #expect(accounts.allSatisfy { $0["fetch_status"] == "ok" })
        let http = try NetworkRuns.csvFiles(overHTTP.dir)
        let https = try NetworkRuns.csvFiles(overHTTPS.dir)
        #expect(http.count >= ReportCSV.Table.allCases.count, "\(http.keys.sorted())")
        #expect(Set(http.keys) == Set(https.keys))
        for (name, bytes) in http {
            #expect(https[name] == bytes, "\(name) is byte-identical over HTTPS")
        }
    }

    @Test("Without ca_file, with an expired certificate, with another host's: each its own reason, not retried")
    func refusedCertificates() async throws {
        let pki = try await TestPKI.make()
        let root = try JobHarness.temporaryDirectory("tls-refused")
        defer { pki.remove(); try? FileManager.default.removeItem(at: root) }
        let platform = JobHarness.platform(users: 2, subs: 1)
        let cases: [(URL, NetworkSettings, String)] = [
            (pki.serverCertificate, NetworkSettings(), "TLS: certificate not trusted (unknown CA)"),
            (pki.expiredCertificate, try pki.trustingCA(), "TLS: certificate expired"),
            (pki.otherHostCertificate, try pki.trustingCA(), "TLS: certificate does not match host 127.0.0.1"),
        ]
        for (index, (certificate, network, reason)) in cases.enumerated() {
            let logs = LogRecorder()
            let (outcome, dir) = try await platform.withRunning(tls: pki.tls(certificate)) { base in
                try await Self.run(base, platform: platform, network: network, root: root, name: "run\(index)", logs: logs)
            }
            #expect(outcome.status != .complete)
            let rows = try JobHarness.table(dir, .accounts)
            #expect(rows.count == platform.accounts.count)
            for row in rows {
                #expect(row["fetch_status"] == "failed")
                #expect(row["error"] == reason, "\(certificate.lastPathComponent): \(row["error"] ?? "")")
                #expect(row["attempts"] == "1", "a refused certificate is not retried")
            }
            let failures = logs.all.filter { $0.contains("account failed") }
            #expect(failures.count == platform.accounts.count)
            #expect(failures.allSatisfy { $0.contains(reason) }, "the log says the same: \(failures.first ?? "")")
        }
        // Nothing reached the platform: every handshake stopped at the certificate.
        #expect(platform.stats().requests == 0)
    }

    @Test("Answers travel gzip-encoded; the files, the raw archive included, match an uncompressed run")
    func compressedAnswers() async throws {
        let root = try JobHarness.temporaryDirectory("gzip")
        defer { try? FileManager.default.removeItem(at: root) }
        let platform = JobHarness.platform(users: 5, subs: 2, drifts: [.hostileText, .extraFields])
        let (plain, gzip, plainStats, gzipStats) = try await platform.withRunning { base in
            platform.resetStats()
            let plain = try await Self.run(base, platform: platform, network: Self.plain(), root: root, name: "plain", archiveRaw: true)
            let plainStats = platform.stats()
            platform.resetStats()
            let gzip = try await Self.run(base, platform: platform, network: NetworkSettings(), root: root, name: "gzip", archiveRaw: true)
            return (plain, gzip, plainStats, platform.stats())
        }
        let count = platform.accounts.count
        #expect(plainStats.compressedAnswers == 0)
        #expect(gzipStats.compressedAnswers == count, "every answer came compressed")
        #expect(gzipStats.requests == count)
        #expect(gzipStats.bodyBytes * 3 < plainStats.bodyBytes, "gzip \(gzipStats.bodyBytes) vs plain \(plainStats.bodyBytes)")
        #expect(gzip.outcome.status == .complete)
        let a = try ProcessSupport.snapshot(plain.dir).filter { $0.key.hasSuffix(".csv") || $0.key.hasPrefix("raw/") }
        let b = try ProcessSupport.snapshot(gzip.dir).filter { $0.key.hasSuffix(".csv") || $0.key.hasPrefix("raw/") }
        let tables = a.keys.filter { $0.hasSuffix(".csv") }.count
        #expect(tables >= ReportCSV.Table.allCases.count)
        #expect(a.count == tables + count + 1, "the tables, one raw answer per account and the index")
        #expect(Set(a.keys) == Set(b.keys))
        for (name, bytes) in a {
            #expect(b[name] == bytes, "\(name) is byte-identical")
        }
        // The archive holds the decoded answer, as the platform rendered it.
        let first = try #require(platform.accounts.first)
        let rendered = try #require(platform.answer(for: first))
        #expect(b.values.contains(rendered))
    }

    @Test("A gzip bomb fails that account only, with `answer too large`")
    func gzipBomb() async throws {
        let root = try JobHarness.temporaryDirectory("bomb")
        defer { try? FileManager.default.removeItem(at: root) }
        let platform = JobHarness.platform(users: 3, subs: 1)
        let victim = platform.accounts[2]
        platform.plantGzipBomb(for: victim)
        let logs = LogRecorder()
        let (outcome, dir) = try await platform.withRunning { base in
            try await Self.run(base, platform: platform, network: NetworkSettings(), root: root, name: "bomb", logs: logs)
        }
        let stats = platform.stats()
        #expect(stats.bodyBytes < 2 * 1024 * 1024, "the bomb is small on the wire: \(stats.bodyBytes)")
        let rows = try JobHarness.table(dir, .accounts)
        #expect(rows.count == platform.accounts.count)
        for (account, row) in zip(platform.accounts, rows) {
            if account == victim {
                #expect(row["fetch_status"] == "failed")
                #expect(row["error"]?.hasPrefix("answer too large") == true, "\(row["error"] ?? "")")
                #expect(row["attempts"] == "1", "\(logs.all.filter { $0.contains("retrying") })")
            } else {
                #expect(row["fetch_status"] == "ok", "\(account.key): \(row["error"] ?? "")")
            }
        }
        #expect(outcome.status != .complete)
    }

    @Test("An IPv6 literal base_url works, with a bracketed Host header")
    func ipv6BaseURL() async throws {
        let root = try JobHarness.temporaryDirectory("ipv6")
        defer { try? FileManager.default.removeItem(at: root) }
        let platform = JobHarness.platform(users: 2, subs: 1)
        let (outcome, dir, base) = try await platform.withRunning(host: "::1") { base in
            let (outcome, dir) = try await Self.run(base, platform: platform, network: NetworkSettings(), root: root, name: "v6")
            return (outcome, dir, base)
        }
        #expect(base.hasPrefix("http://[::1]:"))
        #expect(outcome.status == .complete)
        #expect(try JobHarness.table(dir, .accounts).allSatisfy { $0["fetch_status"] == "ok" })
        let authority = String(base.dropFirst("http://".count))
        #expect(platform.stats().hosts == [authority: platform.accounts.count], "\(platform.stats().hosts)")
    }
}
