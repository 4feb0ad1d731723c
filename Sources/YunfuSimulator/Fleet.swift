import Foundation

/// The generated fleet: accounts and their answers, rendered on demand from the seed.
///
/// Nothing is cached: an answer is a pure function of (seed, reference date, drifts, account
/// position), so 20,000 accounts cost their ids and nothing more.
struct Fleet: Sendable {
    let spec: FleetSpec
    let drifts: Set<Drift>
    let driftMask: UInt32
    let accounts: [SimAccount]
    let index: [SimAccount: Int]
    /// Number of call nodes (`fs-node1`…), 3–6.
    let nodeCount: Int
    /// Lines owned by agent accounts and seen by several users.
    let sharedLineCount: Int

    /// Stream numbers of the generator: each kind of choice draws from its own stream.
    enum Stream: UInt64 {
        case userIDs = 1, userLines, sharedLines, account, sharedPick, driftChoice, fleet, agents
    }

    init(spec: FleetSpec, drifts: Set<Drift>) {
        self.spec = spec
        self.drifts = drifts
        self.driftMask = drifts.reduce(0) { $0 | $1.bit }
        var accounts: [SimAccount] = []
        accounts.reserveCapacity(spec.accountCount)
        for user in 0..<spec.users {
            var rng = SplitMix64(seed: spec.seed, stream: Stream.userIDs.rawValue, index: UInt64(user))
            let userID = Fleet.uuid(&rng)
            accounts.append(SimAccount(userID: userID))
            for _ in 0..<spec.subsPerUser {
                accounts.append(SimAccount(userID: userID, subUserID: Fleet.uuid(&rng)))
            }
        }
        self.accounts = accounts
        var index: [SimAccount: Int] = [:]
        index.reserveCapacity(accounts.count)
        for (i, account) in accounts.enumerated() where index[account] == nil {
            index[account] = i
        }
        self.index = index
        var rng = SplitMix64(seed: spec.seed, stream: Stream.fleet.rawValue)
        self.nodeCount = rng.int(3...6)
        self.sharedLineCount = max(2, spec.users / 8)
    }

    static func uuid(_ rng: inout SplitMix64) -> String {
        let hex = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(36)
        var a = rng.next()
        var b = rng.next()
        for i in 0..<32 {
            if i == 8 || i == 12 || i == 16 || i == 20 { bytes.append(UInt8(ascii: "-")) }
            let nibble: UInt64
            if i < 16 {
                nibble = a & 0xF
                a >>= 4
            } else {
                nibble = b & 0xF
                b >>= 4
            }
            bytes.append(hex[Int(nibble)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: Lines

    enum Expiry {
        case offset(Int)  // seconds from the reference date
        case null
        case zero
    }

    struct LineSpec {
        var id: String
        var alias: String?
        var remark: String?
        var belongUser: String
        var concurrency: Int
        var residue: Int
        var expiry: Expiry
        var lineName: String
        var type: Int
        var bindType: Int
        var node: Int
    }

    static let regions = ["华东", "华南", "华北", "西南", "杭州", "上海", "深圳", "北京", "成都", "武汉"]
    static let carriers = ["移动", "联通", "电信", "虚商"]
    static let lineTypes = ["外部线路", "内部线路", "回拨线路"]
    static let bindTypes = ["IP", "注册", "网关"]
    static let concurrencies = [1, 2, 5, 10, 10, 20, 20, 30, 50, 100]

    func makeLine(_ rng: inout SplitMix64, owner: String, ordinal: Int) -> LineSpec {
        let id = Fleet.uuid(&rng)
        let region = rng.pick(Fleet.regions)
        let carrier = rng.pick(Fleet.carriers)
        let lineName = "\(region)\(carrier)-外呼-\(100 + ordinal)"
        let alias: String? = rng.chance(0.5) ? nil : "\(region)主力线路\(ordinal + 1)"
        let remark: String? = rng.chance(0.2) ? nil : "yw代理-\(region)客户\(rng.int(1...99))"
        let concurrency = rng.pick(Fleet.concurrencies)
        let r = rng.unit()
        let residue: Int
        if r < 0.15 {
            residue = 0  // saturated
        } else if r < 0.18 {
            residue = concurrency + rng.int(1...5)  // more left than the line has
        } else if r < 0.19 {
            residue = -rng.int(1...3)
        } else {
            residue = rng.int(0...concurrency)
        }
        let e = rng.unit()
        let day = 86_400
        let expiry: Expiry
        if e < 0.03 {
            // Right on a threshold: the as-of instant itself, 7 and 30 days, and a second either side.
            expiry = .offset(rng.pick([0, -1, 1, 7 * day - 1, 7 * day, 30 * day - 1, 30 * day]))
        } else if e < 0.13 {
            expiry = .offset(-rng.int(1...120) * day + rng.int(0...3) * 3600)  // already expired
        } else if e < 0.25 {
            expiry = .offset(rng.int(0...6) * day + rng.int(1...23) * 3600)  // within 7 days
        } else if e < 0.40 {
            expiry = .offset(rng.int(7...29) * day)  // within 30 days
        } else if e < 0.87 {
            expiry = .offset(rng.int(30...400) * day)  // later
        } else if e < 0.95 {
            expiry = .null
        } else {
            expiry = .zero
        }
        return LineSpec(
            id: id, alias: alias, remark: remark, belongUser: owner, concurrency: concurrency,
            residue: residue, expiry: expiry, lineName: lineName, type: rng.int(1...3),
            bindType: rng.int(0...2), node: rng.int(1...nodeCount)
        )
    }

    func sharedLine(_ j: Int) -> LineSpec {
        var ownerRNG = SplitMix64(seed: spec.seed, stream: Stream.agents.rawValue, index: UInt64(j % 3))
        let owner = Fleet.uuid(&ownerRNG)
        var rng = SplitMix64(seed: spec.seed, stream: Stream.sharedLines.rawValue, index: UInt64(j))
        return makeLine(&rng, owner: owner, ordinal: 900 + j)
    }

    /// The lines a user's main view sees: its own, plus now and then agent lines other users see too.
    func userLines(user: Int, userID: String) -> [LineSpec] {
        var rng = SplitMix64(seed: spec.seed, stream: Stream.userLines.rawValue, index: UInt64(user))
        if rng.chance(0.04) { return [] }
        let total = rng.int(6...12)
        var pick = SplitMix64(seed: spec.seed, stream: Stream.sharedPick.rawValue, index: UInt64(user))
        var shared: [Int] = []
        if pick.chance(0.35) {
            let first = pick.int(0...(sharedLineCount - 1))
            shared.append(first)
            if pick.chance(0.4) {
                let second = pick.int(0...(sharedLineCount - 1))
                if second != first { shared.append(second) }
            }
        }
        var lines: [LineSpec] = []
        lines.reserveCapacity(total)
        for k in 0..<(total - shared.count) {
            lines.append(makeLine(&rng, owner: userID, ordinal: k))
        }
        for j in shared {
            lines.insert(sharedLine(j), at: pick.int(0...lines.count))
        }
        return lines
    }

    // MARK: Drifts

    /// The enabled drifts this account's answer is meant to carry (a quarter of answers per
    /// drift; each enabled drift is also forced on one account so that small fleets see them all).
    func intendedDrifts(accountAt index: Int) -> UInt32 {
        guard driftMask != 0 else { return 0 }
        var mask: UInt32 = 0
        var enabledOrdinal = 0
        for (k, drift) in Drift.allCases.enumerated() where driftMask & drift.bit != 0 {
            var rng = SplitMix64(seed: spec.seed, stream: Stream.driftChoice.rawValue, index: UInt64(index) &* 64 &+ UInt64(k))
            if rng.next() % 4 == 0 || (accounts.count > 0 && index == (enabledOrdinal * 7) % accounts.count) {
                mask |= drift.bit
            }
            enabledOrdinal += 1
        }
        return mask
    }

    /// The drifts actually planted in this account's answer.
    func drifts(forAccountAt index: Int) -> Set<Drift> {
        let planted = renderWithReport(accountAt: index).planted
        return Set(Drift.allCases.filter { planted & $0.bit != 0 })
    }

    func render(accountAt index: Int) -> [UInt8] {
        renderWithReport(accountAt: index).bytes
    }

    func renderWithReport(accountAt index: Int) -> (bytes: [UInt8], planted: UInt32) {
        let perAccount = 1 + spec.subsPerUser
        let user = index / perAccount
        let position = index % perAccount
        let account = accounts[index]
        var rng = SplitMix64(seed: spec.seed, stream: Stream.account.rawValue, index: UInt64(index))
        var lines = userLines(user: user, userID: account.userID)
        if position > 0 {
            // A sub-account sees a subset of its user's lines, sometimes none.
            if rng.chance(0.08) {
                lines = []
            } else {
                let keep = lines.filter { _ in rng.chance(0.55) }
                lines = keep.isEmpty ? Array(lines.prefix(1)) : keep
            }
        }
        var renderer = AnswerRenderer(
            fleet: self,
            account: account,
            accountIndex: index,
            isMain: position == 0,
            rng: rng,
            active: intendedDrifts(accountAt: index),
            phpEscapes: rng.chance(0.25)
        )
        renderer.render(lines: lines)
        return (renderer.w.bytes, renderer.planted)
    }
}

extension Drift {
    var bit: UInt32 {
        switch self {
        case .boolAsInt: return 1 << 0
        case .boolAsString: return 1 << 1
        case .intAsString: return 1 << 2
        case .nulls: return 1 << 3
        case .missingKeys: return 1 << 4
        case .emptyMapAsArray: return 1 << 5
        case .mapAsArray: return 1 << 6
        case .listAsObject: return 1 << 7
        case .zeroDates: return 1 << 8
        case .emptyDates: return 1 << 9
        case .isoDates: return 1 << 10
        case .extraFields: return 1 << 11
        case .hostileText: return 1 << 12
        case .impossibleDates: return 1 << 13
        case .freeTextDates: return 1 << 14
        case .nonIntegers: return 1 << 15
        }
    }
}

/// Writes one account's answer, planting its drifts.
struct AnswerRenderer {
    let fleet: Fleet
    let account: SimAccount
    let accountIndex: Int
    let isMain: Bool
    var rng: SplitMix64
    /// Drifts to plant here, and those planted so far.
    let active: UInt32
    var planted: UInt32 = 0
    var w: JSONWriter

    init(fleet: Fleet, account: SimAccount, accountIndex: Int, isMain: Bool, rng: SplitMix64, active: UInt32, phpEscapes: Bool) {
        self.fleet = fleet
        self.account = account
        self.accountIndex = accountIndex
        self.isMain = isMain
        self.rng = rng
        self.active = active
        self.w = JSONWriter(capacity: 16_384, phpEscapes: phpEscapes)
    }

    var ownerID: String { account.subUserID ?? account.userID }

    /// Whether this site shows drift `d`: always at its first chance, then with probability `p`.
    mutating func use(_ d: Drift, _ p: Double) -> Bool {
        guard active & d.bit != 0 else { return false }
        if planted & d.bit == 0 {
            planted |= d.bit
            return true
        }
        return rng.chance(p)
    }

    // MARK: Field writers

    enum FlagStyle { case bool, int }

    mutating func flag(_ key: StaticString, _ value: Bool, style: FlagStyle, optional: Bool = true) {
        if optional && use(.missingKeys, 0.15) { return }
        w.key(key)
        if optional && use(.nulls, 0.15) {
            w.null()
        } else if use(.boolAsString, 0.5) {
            if rng.chance(0.6) {
                w.string(value ? "1" : "0")
            } else {
                w.string(value ? "true" : "false")
            }
        } else if style == .bool && use(.boolAsInt, 0.7) {
            w.int(value ? 1 : 0)
        } else if style == .bool {
            w.bool(value)
        } else {
            w.int(value ? 1 : 0)
        }
    }

    static let nonIntegerValues: [StaticString] = ["\"abc\"", "1.5", "\"fast\"", "true", "\"12.5\"", "99999999999999999999", "\"1,000\"", "\"五十\"", "[]"]

    mutating func integer(_ key: StaticString, _ value: Int, optional: Bool = true, warnable: Bool = true) {
        if optional && use(.missingKeys, 0.15) { return }
        w.key(key)
        if optional && use(.nulls, 0.15) {
            w.null()
        } else if warnable && use(.nonIntegers, 0.2) {
            w.rawNumber(rng.pick(Self.nonIntegerValues))
        } else if use(.intAsString, 0.4) {
            w.intString(value, padded: rng.chance(0.15))
        } else {
            w.int(value)
        }
    }

    /// Plain integer that never drifts (ids the reports do not use).
    mutating func plainInt(_ key: StaticString, _ value: Int) {
        w.key(key)
        w.int(value)
    }

    static let hostileTexts: [String] = [
        "=SUM(A1:A9)",
        "+86 138-0000-0000",
        "-负数线路",
        "@管理员 请处理",
        "线路|备用|A",
        "制表\t符号",
        "第一行\n第二行\r\n第三行",
        "🚀线路🔥 满并发 👍🏽",
        "שלום עולם مرحبا بالعالم",
        "\u{202E}gnp.exe\u{202C} 反转",
        "e\u{301}cole café",
        "\"引号\", 逗号, 'single'",
        "<script>alert(1)</script>&amp;",
        "   前后空格   ",
        "=HYPERLINK(\"http://example.invalid\",\"点我\")",
        String(repeating: "很长的备注文本😀", count: 300),
        String(repeating: "x", count: 4096),
    ]

    mutating func text(_ key: StaticString, _ value: String?, optional: Bool = true, hostile: Bool = true) {
        if optional && use(.missingKeys, 0.15) { return }
        w.key(key)
        if optional && use(.nulls, 0.2) {
            w.null()
        } else if hostile && use(.hostileText, 0.25) {
            let pickText = rng.pick(Self.hostileTexts)
            if let value, rng.chance(0.3) {
                w.string(value + pickText)
            } else {
                w.string(pickText)
            }
        } else if let value {
            w.string(value)
        } else {
            w.null()
        }
    }

    static let impossibleDates: [StaticString] = ["2027-02-30 00:00:00", "2025-13-01 00:00:00", "2026-04-31 12:00:00", "2026-06-10 25:61:00", "2026-02-29 08:00:00"]
    static let freeTextDates: [StaticString] = ["明天", "永久有效", "2026/11/28", "N/A", "soon", "Nov 28 2026", "2026-11-28", "1764259200"]

    /// A date the reports use (`available_at`), with every date drift.
    mutating func expiryDate(_ key: StaticString, _ expiry: Fleet.Expiry) {
        if use(.missingKeys, 0.15) { return }
        w.key(key)
        switch expiry {
        case .null:
            w.null()
        case .zero:
            w.string("0000-00-00 00:00:00")
        case .offset(let seconds):
            let unix = Int(fleet.spec.referenceDate.timeIntervalSince1970.rounded(.down)) + seconds
            if use(.nulls, 0.2) {
                w.null()
            } else if use(.impossibleDates, 0.3) {
                w.string(rng.pick(Self.impossibleDates))
            } else if use(.freeTextDates, 0.3) {
                w.string(rng.pick(Self.freeTextDates))
            } else if use(.zeroDates, 0.3) {
                w.string("0000-00-00 00:00:00")
            } else if use(.emptyDates, 0.3) {
                w.string("")
            } else if use(.isoDates, 0.5) {
                switch rng.int(0...3) {
                case 0: w.dateString(CivilTime.fields(unixSeconds: unix, offset: 8 * 3600), iso: true, suffix: "+08:00")
                case 1: w.dateString(CivilTime.fields(unixSeconds: unix, offset: 0), iso: true, suffix: "Z")
                case 2: w.dateString(CivilTime.fields(unixSeconds: unix, offset: 8 * 3600), iso: true, suffix: ".000000+08:00")
                default: w.dateString(CivilTime.fields(unixSeconds: unix, offset: 8 * 3600), iso: true, suffix: "+0800")
                }
            } else {
                w.dateString(CivilTime.fields(unixSeconds: unix, offset: 8 * 3600))
            }
        }
    }

    /// A date the reports do not use (`created_at`…): plain, or zero/empty/ISO under those drifts.
    mutating func otherDate(_ key: StaticString, daysAgo: Int) {
        w.key(key)
        let unix = Int(fleet.spec.referenceDate.timeIntervalSince1970) - daysAgo * 86_400 + (daysAgo * 7919) % 86_400
        if active & Drift.zeroDates.bit != 0 && rng.chance(0.1) {
            w.string("0000-00-00 00:00:00")
        } else if active & Drift.isoDates.bit != 0 && rng.chance(0.1) {
            w.dateString(CivilTime.fields(unixSeconds: unix, offset: 8 * 3600), iso: true, suffix: "+08:00")
        } else {
            w.dateString(CivilTime.fields(unixSeconds: unix, offset: 8 * 3600))
        }
    }

    /// `deleted_at`: null normally; a date for deleted groups; zero date / "" under those drifts
    /// (both mean "not deleted").
    mutating func deletedAt(deleted: Bool, daysAgo: Int) {
        if !deleted {
            if use(.missingKeys, 0.15) { return }
            if use(.zeroDates, 0.3) {
                w.key("deleted_at")
                w.string("0000-00-00 00:00:00")
            } else if use(.emptyDates, 0.3) {
                w.key("deleted_at")
                w.string("")
            } else {
                w.key("deleted_at")
                w.null()
            }
        } else {
            otherDate("deleted_at", daysAgo: daysAgo)
        }
    }

    static let extraKeys: [StaticString] = ["x_trace", "_internal", "ext_json", "tenant_code", "version", "feature_flags"]

    /// Now and then, an unknown field.
    mutating func maybeExtra(_ p: Double = 0.25) {
        guard use(.extraFields, p) else { return }
        w.key(dynamic: String(describing: rng.pick(Self.extraKeys)) + "_\(rng.int(1...99))")
        switch rng.int(0...4) {
        case 0: w.string("unexpected")
        case 1: w.int(rng.int(0...100_000))
        case 2:
            w.beginObject()
            w.key("nested")
            w.beginArray()
            w.int(1)
            w.string("二")
            w.null()
            w.endArray()
            w.key("flag")
            w.bool(true)
            w.endObject()
        case 3: w.null()
        default:
            w.beginArray()
            w.endArray()
        }
    }

    /// A list: an array, or under `listAsObject` an object with index keys (sometimes sparse).
    mutating func list(_ key: StaticString, count: Int, optional: Bool = true, _ element: (inout AnswerRenderer, Int) -> Void) {
        if optional && use(.missingKeys, 0.1) { return }
        w.key(key)
        if optional && use(.nulls, 0.1) {
            w.null()
            return
        }
        if count > 0 && use(.listAsObject, 0.3) {
            w.beginObject()
            var slot = 0
            for i in 0..<count {
                w.key(dynamic: String(slot))
                element(&self, i)
                slot += rng.chance(0.3) ? 2 : 1
            }
            w.endObject()
        } else {
            w.beginArray()
            for i in 0..<count { element(&self, i) }
            w.endArray()
        }
    }

    // MARK: The answer

    mutating func render(lines: [Fleet.LineSpec]) {
        w.beginObject()
        w.key("code")
        w.int(200)
        w.key("status")
        w.string("success")
        w.key("message")
        w.string("返回任务初始化信息成功")
        maybeExtra(0.5)
        w.key("data")
        w.beginObject()
        dialTimes()
        list("caller_line_list", count: lines.count, optional: false) { r, i in r.line(lines[i]) }
        integer("max_recycle_limit", rng.pick([3, 5, 10, 20, 50]))
        scriptGroups()
        bridgeGroups()
        recycleRules()
        endActions()
        smallLists()
        maybeExtra(0.5)
        w.endObject()
        w.endObject()
    }

    mutating func dialTimes() {
        let groups = rng.int(1...2)
        list("task_dial_times", count: groups) { r, g in
            r.w.beginObject()
            r.plainInt("id", r.accountIndex * 4 + g + 1)
            r.text("name", g == 0 ? "系统呼叫时间" : "工作日白天", optional: false, hostile: false)
            r.w.key("user_id")
            r.w.string(r.ownerID)
            r.w.key("content")
            r.w.beginArray()
            let weeks = g == 0 ? Array(0...6) : Array(1...5)
            let split = r.rng.chance(0.7)
            for week in weeks {
                r.w.beginObject()
                r.w.key("week")
                r.w.int(week)
                r.w.key("times")
                r.w.beginArray()
                if split {
                    r.timeRange("09:00", "12:00")
                    r.timeRange("13:00", "18:00")
                } else {
                    r.timeRange("08:30", "20:30")
                }
                r.w.endArray()
                r.w.endObject()
            }
            r.w.endArray()
            r.flag("is_default", g == 0, style: .bool)
            r.w.key("remark")
            r.w.null()
            r.otherDate("created_at", daysAgo: 400 + g)
            r.otherDate("updated_at", daysAgo: 200 + g)
            r.w.endObject()
        }
    }

    mutating func timeRange(_ begin: StaticString, _ end: StaticString) {
        w.beginObject()
        w.key("end_time")
        w.string(end)
        w.key("begin_time")
        w.string(begin)
        w.endObject()
    }

    mutating func line(_ line: Fleet.LineSpec) {
        w.beginObject()
        text("name", line.alias)
        text("remark", line.remark)
        w.key("line_id")
        w.string(line.id)
        w.key("belong_user")
        w.string(line.belongUser)
        integer("line_concurrency", line.concurrency)
        integer("residue", line.residue)
        expiryDate("available_at", line.expiry)
        maybeExtra(0.2)
        if use(.nulls, 0.05) {
            w.key("new_line")
            w.null()
        } else {
            w.key("new_line")
            w.beginObject()
            text("name", line.lineName)
            plainInt("type", line.type)
            w.key("bind_type_str")
            w.string(Fleet.bindTypes[line.bindType])
            w.key("type_str")
            w.string(Fleet.lineTypes[line.type - 1])
            if use(.missingKeys, 0.1) {
                // no node at all
            } else if use(.nulls, 0.1) {
                w.key("node")
                w.null()
            } else {
                w.key("node")
                w.beginObject()
                text("name", "fs-node\(line.node)", hostile: false)
                w.endObject()
            }
            w.endObject()
        }
        w.endObject()
    }

    static let groupThemes = ["测试-抖音", "催收-提醒", "电商-复购", "教育-邀约", "保险-续保", "房产-获客", "回访-满意度", "招聘-初筛", "会员-激活", "贷款-营销"]
    static let asrEngines = ["aliYun1", "aliYun1", "tencent_asr", "xfyun", "aliYun2", "baidu_asr", "volc_asr"]
    static let ttsVoices = ["aliyunv2_siyue", "aliyunv2_xiaoyun", "tencent_101016", "xfyun_xiaoyan", "volc_BV700", "aliyunv2_aixia"]
    static let llms = ["local_zhipu-api", "local_zhipu-api", "qwen-plus", "deepseek-chat", "doubao-pro-32k", "local_qwen2-7b"]

    mutating func engine(_ pool: [String], nullShare: Double) -> String? {
        let r = rng.unit()
        if r < nullShare { return nil }
        if r < nullShare + 0.03 { return rng.chance(0.5) ? "" : "  " }
        return rng.pick(pool)
    }

    mutating func scriptGroups() {
        let count = isMain ? rng.int(4...10) : rng.int(3...8)
        list("outbound_group", count: count) { r, k in r.scriptGroup(k) }
    }

    mutating func scriptGroup(_ k: Int) {
        let id = accountIndex * 16 + k + 1
        let deleted = rng.chance(0.06)
        let active = rng.chance(0.82)
        let debug = rng.chance(0.15)
        let asr = engine(Self.asrEngines, nullShare: 0.12)
        let tts = engine(Self.ttsVoices, nullShare: 0.12)
        let llm = engine(Self.llms, nullShare: 0.35)
        let created = rng.int(30...700)
        w.beginObject()
        integer("id", id, optional: false)
        text("name", "\(rng.pick(Self.groupThemes))-\(k + 1)", optional: false)
        w.key("user_id")
        w.string(ownerID)
        w.key("category_id")
        w.null()
        flag("debug", debug, style: .bool)
        deletedAt(deleted: deleted, daysAgo: created / 3)
        otherDate("created_at", daysAgo: created)
        otherDate("updated_at", daysAgo: created / 2)
        w.key("link_word_group_id")
        w.null()
        w.key("tag_scene_id")
        w.null()
        w.key("knowledge_id")
        if rng.chance(0.3) { w.int(rng.int(1...500)) } else { w.null() }
        text("exclusive_asr", asr)
        text("exclusive_tts", tts)
        for key: StaticString in ["priority_matching", "is_top", "nlp_threshold", "order_matching", "sort"] {
            plainInt(key, 0)
        }
        flag("usable", rng.chance(0.5), style: .int)
        plainInt("inner", 0)
        plainInt("is_sync", 0)
        integer("speed", rng.pick([40, 45, 50, 50, 50, 55, 60]))
        integer("volume", rng.pick([40, 50, 50, 50, 60, 80]))
        plainInt("is_lock", 0)
        plainInt("is_train", 0)
        plainInt("is_visible", 1)
        plainInt("is_edit", 1)
        flag("is_active", active, style: .int)
        integer("use_type", rng.int(1...3), warnable: false)
        w.key("extension_number")
        w.null()
        w.key("aim_content")
        if rng.chance(0.3) { w.string("邀约客户到店体验，确认意向并登记时间") } else { w.null() }
        plainInt("intention_group_id", 0)
        w.key("tts_extension")
        w.null()
        text("big_model_type", llm)
        w.key("local_knowledge_base_id")
        w.null()
        w.key("custom_prompt")
        if llm != nil && rng.chance(0.4) {
            w.string("你是一名专业的电话客服，请礼貌、简洁地回答客户问题，不要编造信息。")
        } else {
            w.null()
        }
        w.key("bridge_group_id")
        w.null()
        plainInt("llm_nlp_threshold", 80)
        w.key("llm_scene_id")
        w.null()
        flag("default", k == 0, style: .bool)
        maybeExtra(0.15)
        w.endObject()
    }

    mutating func bridgeGroups() {
        let count = rng.int(0...3)
        let names = ["转人工", "VIP坐席", "售后组"]
        let strategies = ["平均", "顺序", "随机"]
        list("bridge_groups", count: count) { r, i in
            r.w.beginObject()
            r.plainInt("id", r.accountIndex * 4 + i + 1)
            r.text("name", names[i], optional: false)
            let s = r.rng.int(1...3)
            r.plainInt("strategy", s)
            r.w.key("strategy_str")
            r.w.string(strategies[s - 1])
            r.w.endObject()
        }
    }

    static let statusNames = ["", "无人接听", "用户忙", "拒接", "空号", "停机", "关机", "无法接通", "呼叫失败"]
    static let ruleNames = ["默认重呼规则", "未接通重呼", "关机重呼", "忙线重呼", "夜间重呼"]
    static let redialMinutes = [0, 5, 10, 15, 30, 60, 120]

    mutating func recycleRules() {
        // Some accounts have no rule, some only disabled ones, some never redial powered-off numbers.
        let count = rng.chance(0.04) ? 0 : rng.int(1...3)
        let allDisabled = rng.chance(0.06)
        let lacksPoweredOff = rng.chance(0.15)
        list("auto_recycle_rules", count: count) { r, k in
            let enabled = !allDisabled && (k == 0 || r.rng.chance(0.75))
            r.recycleRule(k, enabled: enabled, lacksPoweredOff: lacksPoweredOff)
        }
    }

    mutating func recycleRule(_ k: Int, enabled: Bool, lacksPoweredOff: Bool) {
        let id = accountIndex * 4 + k + 1
        var statuses = Array(1...8)
        if lacksPoweredOff && enabled { statuses.removeAll { $0 == 6 } }
        // Fisher–Yates with our generator.
        for i in stride(from: statuses.count - 1, to: 0, by: -1) {
            statuses.swapAt(i, rng.int(0...i))
        }
        var chosen = Array(statuses.prefix(rng.int(2...5)))
        if k == 0 && !(lacksPoweredOff && enabled) && !chosen.contains(6) { chosen[0] = 6 }
        chosen.sort()
        w.beginObject()
        integer("id", id, optional: false)
        w.key("user_id")
        w.string(ownerID)
        text("name", Self.ruleNames[k == 0 ? 0 : 1 + (id % 4)], optional: false)
        w.key("remark")
        if rng.chance(0.5) { w.string(Self.ruleNames[k == 0 ? 0 : 1 + (id % 4)]) } else { w.null() }
        flag("status", enabled, style: .bool)
        otherDate("created_at", daysAgo: 300 + k)
        otherDate("updated_at", daysAgo: 100 + k)
        flag("is_default", k == 0, style: .bool)
        plainInt("type", k == 0 ? 1 : rng.int(1...2))
        w.key("configs")
        w.beginArray()
        w.endArray()
        list("details", count: chosen.count) { r, i in
            let status = chosen[i]
            r.w.beginObject()
            r.integer("rule_id", id, optional: false)
            r.integer("number_status", status, optional: false)
            r.integer("time", r.rng.pick(Self.redialMinutes), optional: false)
            r.text("number_status_str", Self.statusNames[status])
            r.maybeExtra(0.1)
            r.w.endObject()
        }
        maybeExtra(0.2)
        w.endObject()
    }

    mutating func endActions() {
        if use(.missingKeys, 0.1) { return }
        w.key("end_actions")
        let withHangUp = rng.chance(0.3)
        if use(.nulls, 0.1) {
            w.null()
        } else if use(.emptyMapAsArray, 0.5) {
            w.beginArray()
            w.endArray()
        } else if use(.mapAsArray, 0.5) {
            w.beginArray()
            w.string("无操作")
            w.string("暂停任务释放并发")
            if withHangUp { w.string("结束任务") }
            w.endArray()
        } else {
            w.beginObject()
            w.key("1")
            w.string("暂停任务释放并发")
            w.key("0")
            w.string("无操作")
            if withHangUp {
                w.key("2")
                w.string("结束任务")
            }
            w.endObject()
        }
    }

    static let backgrounds = ["超市大厅", "办公室", "咖啡馆", "安静环境"]

    mutating func smallLists() {
        let labels = rng.chance(0.7) ? 0 : rng.int(1...3)
        list("big_model_labels", count: labels) { r, i in
            r.w.beginObject()
            r.plainInt("id", i + 1)
            r.w.key("name")
            r.w.string(["意向强", "意向一般", "无意向"][i])
            r.w.endObject()
        }
        let backgrounds = rng.int(0...3)
        list("background", count: backgrounds) { r, i in
            r.w.beginObject()
            r.plainInt("id", 30 + i)
            r.w.key("name")
            r.w.string(Self.backgrounds[i])
            r.otherDate("created_at", daysAgo: 500 + i)
            r.w.endObject()
        }
        let configs = rng.int(0...2)
        list("llm_intention_configs", count: configs) { r, i in
            r.w.beginObject()
            r.plainInt("id", i + 1)
            r.w.key("name")
            r.w.string("质检条件\(i + 1)")
            r.w.key("user_id")
            r.w.string(r.ownerID)
            r.plainInt("llm_type", 2)
            r.flag("is_default", i == 0, style: .int)
            r.otherDate("created_at", daysAgo: 250 + i)
            r.w.endObject()
        }
    }
}
