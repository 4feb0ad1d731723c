import Foundation
import Logging
import Testing
import YunfuSimulator

@testable import YunfuReport

@Suite("The nightly run over loopback")
struct JobEndToEndTests {
    @Test func aRunWritesTheEightTablesAndAManifestWhoseHashesMatch() async throws {
        let root = try JobHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let platform = JobHarness.platform()
        let outcome = try await platform.withRunning { baseURL in
            let config = JobHarness.configuration(
                baseURL: baseURL, accounts: JobHarness.refs(platform.accounts), outputRoot: root)
            return try await JobHarness.run(config, options: JobOptions(asOf: Plain.asOf))
        }
        #expect(outcome.status == .complete)
        let dir = try #require(outcome.runDir)
        #expect(dir.lastPathComponent == "2026-11-25")
        let manifest = try JobHarness.manifest(dir)
        #expect(manifest["complete"] as? Bool == true)
        #expect(manifest["as_of"] as? String == "2026-11-25T00:00:00+08:00")
        let hashes = try #require(manifest["sha256"] as? [String: String])
        for table in ReportCSV.Table.allCases {
            #expect(hashes[table.fileName] != nil, "\(table.fileName) is in the manifest")
        }
        #expect(hashes["metrics.prom"] != nil, "metrics.prom is in the manifest")
        #expect(hashes.count == 14)
        for (name, hash) in hashes {
            #expect(Digest.sha256Hex(try JobHarness.bytes(dir, name)) == hash, "sha256 of \(name)")
        }
        // Every CSV is strict RFC 4180 with the contract's header, one row per account.
        let accounts = try JobHarness.table(dir, .accounts)
        #expect(accounts.count == platform.accounts.count)
        #expect(accounts.allSatisfy { $0["fetch_status"] == "ok" && $0["attempts"] == "1" })
        for table in ReportCSV.Table.allCases { _ = try JobHarness.table(dir, table) }
        // Nothing is left beside the run directory.
        let beside = try FileManager.default.contentsOfDirectory(atPath: root.path).sorted()
        #expect(beside == ["2026-11-25", "latest"])
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: root.appendingPathComponent("latest").path) == "2026-11-25")
    }

    @Test func aRerunWithTheSameAsOfGivesByteIdenticalFiles() async throws {
        let root = try JobHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let platform = JobHarness.platform(drifts: [.boolAsString, .intAsString, .impossibleDates, .hostileText])
        let (first, second) = try await platform.withRunning { baseURL in
            let config = JobHarness.configuration(
                baseURL: baseURL, accounts: JobHarness.refs(platform.accounts), outputRoot: root)
            let one = try await JobHarness.run(config, options: JobOptions(asOf: Plain.asOf, runDir: root.appendingPathComponent("one")))
            let two = try await JobHarness.run(config, options: JobOptions(asOf: Plain.asOf, runDir: root.appendingPathComponent("two")))
            return (one, two)
        }
        let a = try #require(first.runDir)
        let b = try #require(second.runDir)
        let names = try FileManager.default.contentsOfDirectory(atPath: a.path).filter {
            $0 != "manifest.json" && $0 != "metrics.prom"
        }
        #expect(names.count == 13)
        for name in names {
            #expect(try JobHarness.bytes(a, name) == JobHarness.bytes(b, name), "\(name) is byte-identical")
        }
        // metrics.prom: the same but for the run's own finish time and duration.
        func withoutTimes(_ dir: URL) throws -> [Substring] {
            String(decoding: try JobHarness.bytes(dir, "metrics.prom"), as: UTF8.self).split(separator: "\n")
                .filter { !$0.hasPrefix("yunfu_report_run_timestamp_seconds ") && !$0.hasPrefix("yunfu_report_run_duration_seconds ") }
        }
        #expect(try withoutTimes(a) == withoutTimes(b))
    }

    @Test func eachFailureKindIsReportedAndTheRestOfTheRunStands() async throws {
        let root = try JobHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let platform = JobHarness.platform(users: 3, subs: 2)
        let accounts = platform.accounts
        let faults: [(SimAccount, Fault, String)] = [
            (accounts[0], .envelopeError(code: 401, message: "未授权"), "code 401: 未授权"),
            (accounts[1], .htmlPage, "not JSON"),
            (accounts[2], .truncatedJSON, "not JSON"),
            (accounts[3], .notFound, "HTTP 404"),
        ]
        for (account, fault, _) in faults { platform.plan([fault, fault, fault], for: account) }
        let outcome = try await platform.withRunning { baseURL in
            let config = JobHarness.configuration(baseURL: baseURL, accounts: JobHarness.refs(accounts), outputRoot: root)
            return try await JobHarness.run(config, options: JobOptions(asOf: Plain.asOf))
        }
        #expect(outcome.status == .incomplete)
        let dir = try #require(outcome.runDir)
        let rows = try JobHarness.table(dir, .accounts)
        for (index, (_, _, reason)) in faults.enumerated() {
            #expect(rows[index]["fetch_status"] == "failed")
            #expect(rows[index]["attempts"] == "1", "not retried: \(reason)")
            #expect(rows[index]["error"]?.contains(reason) == true, "\(rows[index]["error"] ?? "") names \(reason)")
            #expect(rows[index]["lines"] == "" && rows[index]["warnings"] == "0")
        }
        #expect(rows[4...].allSatisfy { $0["fetch_status"] == "ok" })
        let fetchFailed = try JobHarness.table(dir, .findings).filter { $0["check_id"] == "FETCH_FAILED" }
        #expect(fetchFailed.count == 4)
        #expect(fetchFailed.allSatisfy { $0["severity"] == "critical" && $0["object_type"] == "account" })
        let manifest = try JobHarness.manifest(dir)
        #expect(manifest["complete"] as? Bool == false)
        #expect((manifest["accounts"] as? [String: Int])?["failed"] == 4)
    }

    @Test func oddIDsReachThePlatformIntactAndAreKeyedAsTheContractSays() async throws {
        let root = try JobHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let platform = JobHarness.platform(users: 1, subs: 0)
        let body = try #require(platform.answer(for: platform.accounts[0]))
        let odd = [
            SimAccount(userID: "a/b+c", subUserID: "x;y%z 1"),
            SimAccount(userID: "用户 甲", subUserID: nil),
            SimAccount(userID: "p%2Fq", subUserID: "+"),
        ]
        for account in odd { platform.setAnswer(body, for: account) }
        let refs = JobHarness.refs(odd)
        let (outcome, stats) = try await platform.withRunning { baseURL in
            let config = JobHarness.configuration(baseURL: baseURL, accounts: refs, outputRoot: root)
            let outcome = try await JobHarness.run(config, options: JobOptions(asOf: Plain.asOf))
            return (outcome, platform.stats())
        }
        #expect(outcome.status == .complete)
        #expect(Set(stats.perAccount.keys) == Set(["a%2Fb+c/x%3By%25z 1", "用户 甲", "p%252Fq/+"]))
        let dir = try #require(outcome.runDir)
        let rows = try JobHarness.table(dir, .accounts)
        #expect(rows.map { $0["user_id"] ?? "" } == ["a/b+c", "用户 甲", "p%2Fq"])
        #expect(rows.map { $0["sub_user_id"] ?? "" } == ["x;y%z 1", "", "'+"])
        let lines = try JobHarness.table(dir, .lines)
        let keys = try #require(lines.first?["accounts"])
        #expect(keys == "a%2Fb+c/x%3By%25z 1;p%252Fq/+;用户 甲")
    }

    @Test func payloadAndReportTimeZonesMayDiffer() async throws {
        let root = try JobHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let platform = JobHarness.platform(users: 1, subs: 0)
        let account = SimAccount(userID: "tz-user")
        let json = """
            {"code":200,"status":"success","message":"ok","data":{"caller_line_list":[
              {"line_id":"L1","line_concurrency":2,"residue":1,"available_at":"2026-12-01 00:00:00","new_line":{"node":{"name":"n"}}},
              {"line_id":"L2","line_concurrency":2,"residue":1,"available_at":"2026-12-01T00:00:00+08:00"}
            ],"outbound_group":[],"auto_recycle_rules":[]}}
            """
        platform.setAnswer(Array(json.utf8), for: account)
        let outcome = try await platform.withRunning { baseURL in
            var config = JobHarness.configuration(baseURL: baseURL, accounts: JobHarness.refs([account]), outputRoot: root)
            config.api.timeZone = try #require(TimeZone(identifier: "UTC"))
            config.report.timeZone = try #require(TimeZone(identifier: "America/New_York"))
            return try await JobHarness.run(config, options: JobOptions(asOf: Plain.asOf))
        }
        let dir = try #require(outcome.runDir)
        // as of 2026-11-25T00:00+08:00 is 2026-11-24 in New York: the run directory's date.
        #expect(dir.lastPathComponent == "2026-11-24")
        let lines = try JobHarness.table(dir, .lines)
        let byID = Dictionary(uniqueKeysWithValues: lines.map { ($0["line_id"] ?? "", $0) })
        // 2026-12-01 00:00 UTC is 2026-11-30 19:00 in New York; +08:00 midnight is 11:00 the day before.
        #expect(byID["L1"]?["available_at"] == "2026-11-30 19:00:00")
        #expect(byID["L2"]?["available_at"] == "2026-11-30 11:00:00")
        #expect(byID["L1"]?["days_to_expiry"] == "6")
        #expect(byID["L2"]?["days_to_expiry"] == "6")
        let manifest = try JobHarness.manifest(dir)
        #expect(manifest["as_of"] as? String == "2026-11-24T11:00:00-05:00")
        #expect(manifest["time_zone"] as? String == "America/New_York")
    }

    @Test func everyDriftIsAcceptedAndWarnedWhereTheGrammarSays() async throws {
        let root = try JobHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let platform = JobHarness.platform(users: 6, subs: 2, drifts: Set(Drift.allCases))
        let outcome = try await platform.withRunning { baseURL in
            let config = JobHarness.configuration(
                baseURL: baseURL, accounts: JobHarness.refs(platform.accounts), outputRoot: root)
            return try await JobHarness.run(config, options: JobOptions(asOf: Plain.asOf))
        }
        #expect(outcome.status == .complete)
        let dir = try #require(outcome.runDir)
        let warnings = try JobHarness.table(dir, .warnings)
        #expect(!warnings.isEmpty)
        #expect(warnings.allSatisfy { !($0["path"] ?? "").isEmpty && !($0["problem"] ?? "").isEmpty })
        let accounts = try JobHarness.table(dir, .accounts)
        let counted = accounts.reduce(0) { $0 + (Int($1["warnings"] ?? "") ?? 0) }
        #expect(counted == warnings.count)
    }

    @Test func failOnExitsThreeOnlyForUnsuppressedFindings() async throws {
        let root = try JobHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let platform = JobHarness.platform(users: 2, subs: 1)
        let (plain, suppressed) = try await platform.withRunning { baseURL in
            var config = JobHarness.configuration(
                baseURL: baseURL, accounts: JobHarness.refs(platform.accounts), outputRoot: root, formats: [.csv])
            var options = JobOptions(asOf: Plain.asOf, runDir: root.appendingPathComponent("a"))
            options.failOn = .info
            let plain = try await JobHarness.run(config, options: options)
            config.suppressions = CheckID.allCases.enumerated().map { index, check in
                Suppression(index: index, line: index + 1, checkID: check, reason: "accepted")
            }
            options.runDir = root.appendingPathComponent("b")
            return (plain, try await JobHarness.run(config, options: options))
        }
        #expect(plain.status == .findingsAtOrAbove)
        #expect(suppressed.status == .complete)
        let findings = try JobHarness.table(try #require(suppressed.runDir), .findings)
        #expect(!findings.isEmpty && findings.allSatisfy { $0["suppressed"] == "true" })
        #expect(findings.allSatisfy { ($0["message"] ?? "").hasSuffix(" [suppressed: accepted]") })
    }

    @Test func theTokenIsNeverWrittenOrLogged() async throws {
        let root = try JobHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let platform = JobHarness.platform(users: 2, subs: 1)
        platform.plan([.status(503), .envelopeError(code: 401, message: "bad token")], for: platform.accounts[0])
        let logs = LogRecorder()
        let outcome = try await platform.withRunning { baseURL in
            let config = JobHarness.configuration(
                baseURL: baseURL, accounts: JobHarness.refs(platform.accounts), outputRoot: root)
            var options = JobOptions(asOf: Plain.asOf)
            options.archiveRaw = true
            return try await JobHarness.run(config, options: options, logs: logs)
        }
        #expect(outcome.runDir != nil)
        let needle = Array(JobHarness.token.utf8)
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        var files = 0
        while let url = enumerator?.nextObject() as? URL {
            guard let data = FileManager.default.contents(atPath: url.path) else { continue }
            files += 1
            #expect(!Array(data).contains(subsequence: needle), "token in \(url.path)")
        }
        #expect(files > 12)
        #expect(!logs.all.isEmpty)
        #expect(logs.all.allSatisfy { !$0.contains(JobHarness.token) })
        #expect(!"\(outcome)".contains(JobHarness.token))
    }

    @Test func replayOfAnArchiveGivesByteIdenticalCSVFiles() async throws {
        let root = try JobHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let platform = JobHarness.platform(users: 3, subs: 2, drifts: [.impossibleDates, .nonIntegers])
        platform.plan([.status(503), .status(503), .status(503)], for: platform.accounts[1])
        platform.plan([.envelopeError(code: 500, message: "服务异常")], for: platform.accounts[2])
        let (config, original) = try await platform.withRunning { baseURL in
            let config = JobHarness.configuration(
                baseURL: baseURL, accounts: JobHarness.refs(platform.accounts), outputRoot: root)
            var options = JobOptions(asOf: Plain.asOf, runDir: root.appendingPathComponent("original"))
            options.archiveRaw = true
            return (config, try await JobHarness.run(config, options: options))
        }
        let dir = try #require(original.runDir)
        let archive = try RawArchive.open(dir.appendingPathComponent("raw"))
        #expect(archive.asOf == Plain.asOf)
        // File names are hashes: no id ever becomes a path.
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("raw").path)
        #expect(names.allSatisfy { $0 == "index.json" || $0.range(of: "^[0-9a-f]{32}\\.json$", options: .regularExpression) != nil })
        var replayConfig = config
        replayConfig.api.baseURL = nil
        replayConfig.api.token = nil
        replayConfig.accounts = archive.entries.map(\.account)
        var options = JobOptions(asOf: try #require(archive.asOf), runDir: root.appendingPathComponent("replayed"))
        options.compareTo = .none
        let markdown = try MarkdownReportWriter(templatesDir: nil, locale: .zhCN)
        let job = ReportJob(configuration: replayConfig, options: options, logger: .init(label: "t"), markdown: markdown)
        let replayed = await job.run(
            source: ReplaySource(archive: archive, decoder: AnswerDecoder(apiTimeZone: config.api.timeZone)),
            accounts: replayConfig.accounts)
        let again = try #require(replayed.runDir)
        #expect(replayed.status == original.status)
        for table in ReportCSV.Table.allCases where table != .changes {
            #expect(try JobHarness.bytes(dir, table.fileName) == JobHarness.bytes(again, table.fileName), "\(table.fileName)")
        }
        let rows = try JobHarness.table(again, .accounts)
        #expect(rows[1]["attempts"] == "2" && rows[1]["error"]?.contains("503") == true)
    }
}

extension Array where Element == UInt8 {
    func contains(subsequence needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, count >= needle.count else { return false }
        for start in 0...(count - needle.count) where self[start] == needle[0] {
            if Array(self[start..<(start + needle.count)]) == needle { return true }
        }
        return false
    }
}
