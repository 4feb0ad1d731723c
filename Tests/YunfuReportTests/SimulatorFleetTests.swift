import Foundation
import Testing
import YunfuSimulator

/// 2025-11-25 00:00:00 in Beijing time.
private let reference = Date(timeIntervalSince1970: 1_764_000_000)

private func platform(users: Int = 40, subs: Int = 3, seed: UInt64 = 2025, drifts: Set<Drift> = []) -> SimulatedPlatform {
    SimulatedPlatform(options: SimulatorOptions(
        fleet: FleetSpec(users: users, subsPerUser: subs, seed: seed, referenceDate: reference),
        drifts: drifts
    ))
}

private func data(_ body: [UInt8]) throws -> [String: Any] {
    let object = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
    #expect(object["code"] as? Int == 200)
    return try #require(object["data"] as? [String: Any])
}

/// A list field, or an object's values (the listAsObject drift) — no order guarantee needed here.
private func list(_ value: Any?) -> [[String: Any]] {
    if let array = value as? [[String: Any]] { return array }
    if let object = value as? [String: [String: Any]] { return Array(object.values) }
    return []
}

/// `YYYY-MM-DD HH:MM:SS` in Beijing time → days from the reference (fractional), nil when not such a date.
private func daysFromReference(_ text: String) -> Double? {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(secondsFromGMT: 8 * 3600)
    formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
    guard let date = formatter.date(from: text) else { return nil }
    return date.timeIntervalSince(reference) / 86_400
}

@Suite("Simulated fleet")
struct SimulatorFleetTests {
    @Test func fleetIsDeterministicForASeed() throws {
        let a = platform(users: 6, subs: 2, seed: 77)
        let b = platform(users: 6, subs: 2, seed: 77)
        let c = platform(users: 6, subs: 2, seed: 78)
        #expect(a.accounts == b.accounts)
        #expect(a.accounts.count == 18)
        #expect(Set(a.accounts.map(\.key)).count == 18)
        #expect(a.accounts != c.accounts)
        for account in a.accounts {
            #expect(a.answer(for: account) == b.answer(for: account))
        }
        // Each user's main view comes first, then its subs.
        #expect(a.accounts[0].subUserID == nil)
        #expect(a.accounts[1].subUserID != nil && a.accounts[1].userID == a.accounts[0].userID)
        #expect(a.accounts[3].subUserID == nil)
    }

    @Test func answersAverageAboutTenKilobytes() throws {
        let fleet = platform()
        let sizes = fleet.accounts.compactMap { fleet.answer(for: $0)?.count }
        #expect(sizes.count == fleet.accounts.count)
        let mean = sizes.reduce(0, +) / sizes.count
        #expect((8_000...12_000).contains(mean), "mean answer size \(mean)")
    }

    @Test func fleetHasThePromisedVariety() throws {
        let fleet = platform()
        var nodes: Set<String> = []
        var asr: Set<String> = [], tts: Set<String> = [], llm: Set<String> = []
        var nullASR = 0, nullLLM = 0, debugGroups = 0, inactiveGroups = 0, deletedGroups = 0
        var statuses: [Int: Set<String>] = [:]
        var disabledRules = 0, accountsWithout6 = 0, accountsWithoutLines = 0
        var expired = 0, soon = 0, upcoming = 0, later = 0, nullDates = 0, zeroDates = 0
        var saturated = 0, overfull = 0
        var lineAccounts: [String: Set<String>] = [:]
        var lineUsers: [String: Set<String>] = [:]
        var mainLineCounts: [Int] = []
        var groupCounts: [Int] = []

        for account in fleet.accounts {
            let body = try #require(fleet.answer(for: account))
            let d = try data(body)
            let lines = list(d["caller_line_list"])
            if lines.isEmpty { accountsWithoutLines += 1 }
            if account.subUserID == nil && !lines.isEmpty { mainLineCounts.append(lines.count) }
            for line in lines {
                let id = try #require(line["line_id"] as? String)
                lineAccounts[id, default: []].insert(account.key)
                lineUsers[id, default: []].insert(account.userID)
                if let newLine = line["new_line"] as? [String: Any], let node = newLine["node"] as? [String: Any],
                   let name = node["name"] as? String {
                    nodes.insert(name)
                }
                let concurrency = try #require(line["line_concurrency"] as? Int)
                let residue = try #require(line["residue"] as? Int)
                if concurrency > 0 && residue <= 0 { saturated += 1 }
                if residue > concurrency { overfull += 1 }
                switch line["available_at"] {
                case let text as String where text == "0000-00-00 00:00:00": zeroDates += 1
                case let text as String:
                    let days = try #require(daysFromReference(text), "\(text)")
                    if days <= 0 { expired += 1 } else if days < 7 { soon += 1 } else if days < 30 { upcoming += 1 } else { later += 1 }
                default: nullDates += 1
                }
            }
            let groups = list(d["outbound_group"])
            groupCounts.append(groups.count)
            for group in groups {
                if let value = group["exclusive_asr"] as? String { asr.insert(value) } else { nullASR += 1 }
                if let value = group["exclusive_tts"] as? String { tts.insert(value) }
                if let value = group["big_model_type"] as? String { llm.insert(value) } else { nullLLM += 1 }
                if group["debug"] as? Bool == true { debugGroups += 1 }
                if group["is_active"] as? Int == 0 { inactiveGroups += 1 }
                if group["deleted_at"] is String { deletedGroups += 1 }
            }
            var covers6 = false
            for rule in list(d["auto_recycle_rules"]) {
                let enabled = rule["status"] as? Bool == true
                if !enabled { disabledRules += 1 }
                for detail in list(rule["details"]) {
                    let status = try #require(detail["number_status"] as? Int)
                    statuses[status, default: []].insert(detail["number_status_str"] as? String ?? "")
                    if enabled && status == 6 { covers6 = true }
                }
            }
            if !covers6 { accountsWithout6 += 1 }
        }

        #expect((3...6).contains(nodes.count))
        #expect(nodes.allSatisfy { $0.hasPrefix("fs-node") })
        #expect(asr.isSuperset(of: ["aliYun1", "tencent_asr", "xfyun"]))
        #expect(tts.contains("aliyunv2_siyue"))
        #expect(llm.isSuperset(of: ["local_zhipu-api", "qwen-plus"]))
        #expect(nullASR > 0 && nullLLM > 0)
        #expect(debugGroups > 0 && inactiveGroups > 0 && deletedGroups > 0)
        #expect(Set(statuses.keys) == Set(1...8))
        #expect(statuses[6] == ["关机"])
        #expect(statuses.values.allSatisfy { $0.count == 1 })
        #expect(disabledRules > 0)
        #expect(accountsWithout6 > 0 && accountsWithout6 < fleet.accounts.count / 2)
        #expect(accountsWithoutLines > 0)
        #expect(expired > 0 && soon > 0 && upcoming > 0 && later > 0 && nullDates > 0 && zeroDates > 0)
        #expect(saturated > 0 && overfull > 0)
        #expect(mainLineCounts.allSatisfy { (6...12).contains($0) })
        #expect(groupCounts.allSatisfy { (3...10).contains($0) })
        // Lines are shared between a user's views, and a few across users.
        #expect(lineAccounts.values.contains { $0.count > 1 })
        #expect(lineUsers.values.contains { $0.count > 1 })
    }

    @Test func withoutDriftsAnswersHaveTheDocumentedShape() throws {
        let fleet = platform(users: 10, subs: 2)
        for account in fleet.accounts {
            #expect(fleet.drifts(for: account).isEmpty)
            let text = String(decoding: try #require(fleet.answer(for: account)), as: UTF8.self)
            #expect(!text.contains(#""debug":""#) && !text.contains(#""debug":0"#))
            #expect(!text.contains(#""line_concurrency":""#) && !text.contains(#""end_actions":["#))
            #expect(!text.contains("T00:00:00+08:00") && !text.contains("2027-02-30"))
            #expect(text.contains(#""end_actions":{"#))
        }
    }

    @Test func everyEnabledDriftIsPlantedAndAnswersStayJSON() throws {
        let fleet = platform(users: 16, subs: 3, drifts: Set(Drift.allCases))
        var planted: Set<Drift> = []
        var shares: [Drift: Int] = [:]
        var joined = ""
        for account in fleet.accounts {
            let body = try #require(fleet.answer(for: account))
            #expect((try? JSONSerialization.jsonObject(with: Data(body))) != nil, "\(account.key) is not JSON")
            let drifts = fleet.drifts(for: account)
            planted.formUnion(drifts)
            for drift in drifts { shares[drift, default: 0] += 1 }
            joined += String(decoding: body, as: UTF8.self)
        }
        #expect(planted == Set(Drift.allCases))
        // Each drift in a share of answers, not in all of them.
        #expect(shares.values.allSatisfy { $0 < fleet.accounts.count })
        for signature in [#""end_actions":[]"#, "0000-00-00 00:00:00", "+08:00\"", "\"debug\":\"", "\"debug\":0"] {
            #expect(joined.contains(signature), "missing \(signature)")
        }
        #expect(joined.contains(#""line_concurrency":""#) || joined.contains(#""residue":""#))

        // One drift alone is planted only where drifts(for:) says.
        let single = platform(users: 8, subs: 1, drifts: [.emptyMapAsArray])
        for account in single.accounts {
            let text = String(decoding: try #require(single.answer(for: account)), as: UTF8.self)
            #expect(text.contains(#""end_actions":[]"#) == single.drifts(for: account).contains(.emptyMapAsArray))
        }
    }

    @Test func accountKeysEscapeSeparators() {
        #expect(SimAccount(userID: "a").key == "a")
        #expect(SimAccount(userID: "a/b", subUserID: "c;d%e").key == "a%2Fb/c%3Bd%25e")
        #expect(SimAccount(userID: "u 1", subUserID: "+").requestPath == "/agent-api/new/user/u%201/task/create?sub_user_id=%2B")
        // Ids are compared by scalars: canonically equivalent spellings are two accounts.
        #expect(SimAccount(userID: "e\u{301}") != SimAccount(userID: "\u{e9}"))
    }

    @Test func faultNamesRoundTrip() {
        for fault: Fault in [.status(503), .tooManyRequests(nil), .tooManyRequests(.seconds(7)), .slow(seconds: 2.5),
                             .closeConnection, .html502, .truncatedJSON, .htmlPage, .envelopeError(code: 401, message: "未授权：令牌无效或已过期"), .notFound] {
            #expect(Fault(name: fault.name) == fault)
        }
        #expect(Fault(name: "bogus") == nil)
        #expect(Fault(name: "99") == nil)
        #expect(Drift(rawValue: "bool-as-int") == .boolAsInt)
    }
}
