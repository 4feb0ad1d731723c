package import Foundation

/// What one account's 2xx body came to.
enum DecodeOutcome: Sendable {
    case snapshot(AccountSnapshot, [DecodeWarning])
    /// A sentence naming why the account failed: `the answer is not JSON: …`, `code 401: …`,
    /// `code 200 but no data`.
    case failure(String)
}

/// The tolerant decoder of the task-init answer. A value with no mutable state: safe to share
/// between concurrent fetches.
///
/// - The envelope: success is `code` 200 (read with the integer grammar). Any other code fails
///   the account with `code N: message` (the message as received, cut to 200 Unicode scalars;
///   `code N` alone when there is none).
/// - `data`: an object; PHP's empty `[]` is an empty map (a snapshot with nothing); null or
///   missing fails with `code 200 but no data`; anything else fails with `code 200 but data is
///   not an object (…)`.
/// - Fields through the contract's value grammar, a `DecodeWarning` for each present but unusable
///   value. List elements that are not objects are skipped with a warning; a line with no
///   usable `line_id` is skipped with a warning; a `line_id` listed again keeps its first entry.
package struct AnswerDecoder: Sendable {
    let apiTimeZone: TimeZone
    private let dates: PayloadDateReader

    package init(apiTimeZone: TimeZone) {
        self.apiTimeZone = apiTimeZone
        self.dates = PayloadDateReader(timeZone: apiTimeZone)
    }

    func decode(_ bytes: UnsafeRawBufferPointer) -> DecodeOutcome {
        let root: JSONValue
        do {
            root = try JSONParser.parse(bytes, shape: Self.envelopeShape)
        } catch {
            return .failure("the answer is not JSON: \(error)")
        }
        return decode(envelope: root)
    }

    func decode(_ bytes: [UInt8]) -> DecodeOutcome {
        bytes.withUnsafeBytes { decode($0) }
    }

    // MARK: Envelope

    static let messageLimit = 200

    func decode(envelope root: JSONValue) -> DecodeOutcome {
        guard case .object = root else {
            return .failure("the answer is not a JSON object but \(root.kindName)")
        }
        switch ValueGrammar.integer(root["code"]) {
        case .unknown:
            return .failure("the answer has no code")
        case .unusable:
            let text = root["code"].map { $0.warningText(limit: 50) } ?? ""
            return .failure("the answer's code is not an integer: \(text)")
        case .valid(let code) where code != 200:
            let message = ValueGrammar.text(root["message"])
            if message.isBlank { return .failure("code \(code)") }
            return .failure("code \(code): \(message.prefixScalars(Self.messageLimit))")
        case .valid:
            break
        }
        guard let data = root["data"], data != .null else {
            return .failure("code 200 but no data")
        }
        switch data {
        case .object:
            var reader = FieldReader(dates: dates)
            let snapshot = reader.snapshot(of: data)
            return .snapshot(snapshot, reader.warnings)
        case .array(let elements) where elements.isEmpty:
            return .snapshot(AccountSnapshot(), [])
        default:
            return .failure("code 200 but data is not an object (\(data.kindName))")
        }
    }

    // MARK: What is built

    private typealias Field = JSONShape.Field

    /// Only the members the reports read are built; the rest of the answer is validated only.
    static let envelopeShape: JSONShape = .object([
        Field("code"),
        Field("message"),
        Field("data", dataShape),
    ])

    static let dataShape: JSONShape = .object([
        Field(
            "caller_line_list",
            .list(
                .object([
                    Field("line_id"),
                    Field("remark"),
                    Field("belong_user"),
                    Field("line_concurrency"),
                    Field("residue"),
                    Field("available_at"),
                    Field(
                        "new_line",
                        .object([
                            Field("name"),
                            Field("type_str"),
                            Field("bind_type_str"),
                            Field("node", .object([Field("name")])),
                        ])),
                ]))),
        Field(
            "outbound_group",
            .list(
                .object([
                    Field("id"),
                    Field("name"),
                    Field("exclusive_asr"),
                    Field("exclusive_tts"),
                    Field("big_model_type"),
                    Field("is_active"),
                    Field("deleted_at"),
                    Field("debug"),
                    Field("speed"),
                    Field("volume"),
                ]))),
        Field(
            "auto_recycle_rules",
            .list(
                .object([
                    Field("id"),
                    Field("name"),
                    Field("status"),
                    Field("is_default"),
                    Field(
                        "details",
                        .list(
                            .object([
                                Field("rule_id"),
                                Field("number_status"),
                                Field("time"),
                                Field("number_status_str"),
                            ]))),
                ]))),
        Field("max_recycle_limit"),
    ])
}

/// Reads `data` through the value grammar, collecting warnings.
private struct FieldReader {
    let dates: PayloadDateReader
    var warnings: [DecodeWarning] = []

    static let notAnObject = "not an object; skipped"
    static let noLineID = "line has no line_id; skipped"

    init(dates: PayloadDateReader) {
        self.dates = dates
    }

    mutating func warn(_ path: String, _ value: JSONValue?, _ problem: String) {
        warnings.append(DecodeWarning(path: path, value: value?.warningText() ?? "", problem: problem))
    }

    mutating func integer(_ value: JSONValue?, at path: @autoclosure () -> String) -> Int64? {
        switch ValueGrammar.integer(value) {
        case .valid(let number): return number
        case .unknown: return nil
        case .unusable(let problem):
            warn(path(), value, problem)
            return nil
        }
    }

    mutating func flag(_ value: JSONValue?, at path: @autoclosure () -> String) -> Bool? {
        switch ValueGrammar.flag(value) {
        case .valid(let flag): return flag
        case .unknown: return nil
        case .unusable(let problem):
            warn(path(), value, problem)
            return nil
        }
    }

    mutating func date(_ value: JSONValue?, at path: @autoclosure () -> String) -> Date? {
        switch dates.read(value) {
        case .valid(let date): return date
        case .unknown: return nil
        case .unusable(let problem):
            warn(path(), value, problem)
            return nil
        }
    }

    /// Whether a list element is an object; one that is not is skipped with a warning.
    mutating func isObject(_ item: JSONValue, at path: @autoclosure () -> String) -> Bool {
        if case .object = item { return true }
        warn(path(), item, Self.notAnObject)
        return false
    }

    mutating func snapshot(of data: JSONValue) -> AccountSnapshot {
        var snapshot = AccountSnapshot()
        snapshot.lines = lines(data["caller_line_list"])
        snapshot.scriptGroups = scriptGroups(data["outbound_group"])
        snapshot.recycleRules = recycleRules(data["auto_recycle_rules"])
        snapshot.maxRecycleLimit = integer(data["max_recycle_limit"], at: "max_recycle_limit")
        return snapshot
    }

    mutating func lines(_ list: JSONValue?) -> [LineRecord] {
        var lines: [LineRecord] = []
        var seen = Set<ScalarKey>()
        for (index, item) in (list?.listElements ?? []).enumerated() {
            let path = "caller_line_list[\(index)]"
            guard isObject(item, at: path) else { continue }
            let idValue = item["line_id"]
            let lineID = ValueGrammar.text(idValue)
            if lineID.isBlank {
                warn("\(path).line_id", idValue, Self.noLineID)
                continue
            }
            // A line listed twice in one view keeps its first entry; the later ones are not read.
            guard seen.insert(ScalarKey(lineID)).inserted else { continue }
            var line = LineRecord(lineID: lineID)
            line.remark = ValueGrammar.text(item["remark"])
            line.belongUser = ValueGrammar.text(item["belong_user"])
            line.concurrency = integer(item["line_concurrency"], at: "\(path).line_concurrency")
            line.residue = integer(item["residue"], at: "\(path).residue")
            line.availableAt = date(item["available_at"], at: "\(path).available_at")
            // Nested objects that are not objects read as empty.
            if let newLine = item["new_line"] {
                line.name = ValueGrammar.text(newLine["name"])
                line.lineType = ValueGrammar.text(newLine["type_str"])
                line.bindType = ValueGrammar.text(newLine["bind_type_str"])
                line.node = ValueGrammar.text(newLine["node"]?["name"])
            }
            lines.append(line)
        }
        return lines
    }

    mutating func scriptGroups(_ list: JSONValue?) -> [ScriptGroupRecord] {
        var groups: [ScriptGroupRecord] = []
        for (index, item) in (list?.listElements ?? []).enumerated() {
            let path = "outbound_group[\(index)]"
            guard isObject(item, at: path) else { continue }
            var group = ScriptGroupRecord()
            group.id = integer(item["id"], at: "\(path).id")
            group.name = ValueGrammar.text(item["name"])
            group.asr = ValueGrammar.engine(item["exclusive_asr"])
            group.tts = ValueGrammar.engine(item["exclusive_tts"])
            group.llm = ValueGrammar.engine(item["big_model_type"])
            group.activeFlag = flag(item["is_active"], at: "\(path).is_active")
            group.deleted = ValueGrammar.isDeleted(item["deleted_at"])
            group.debug = flag(item["debug"], at: "\(path).debug")
            group.speed = integer(item["speed"], at: "\(path).speed")
            group.volume = integer(item["volume"], at: "\(path).volume")
            groups.append(group)
        }
        return groups
    }

    mutating func recycleRules(_ list: JSONValue?) -> [RecycleRuleRecord] {
        var rules: [RecycleRuleRecord] = []
        for (index, item) in (list?.listElements ?? []).enumerated() {
            let path = "auto_recycle_rules[\(index)]"
            guard isObject(item, at: path) else { continue }
            var rule = RecycleRuleRecord()
            rule.id = integer(item["id"], at: "\(path).id")
            rule.name = ValueGrammar.text(item["name"])
            rule.status = flag(item["status"], at: "\(path).status")
            rule.isDefault = flag(item["is_default"], at: "\(path).is_default")
            for (detailIndex, detailItem) in (item["details"]?.listElements ?? []).enumerated() {
                let detailPath = "\(path).details[\(detailIndex)]"
                guard isObject(detailItem, at: detailPath) else { continue }
                var detail = RecycleDetail()
                detail.ruleID = integer(detailItem["rule_id"], at: "\(detailPath).rule_id")
                detail.numberStatus = integer(detailItem["number_status"], at: "\(detailPath).number_status")
                detail.time = integer(detailItem["time"], at: "\(detailPath).time")
                detail.statusName = ValueGrammar.text(detailItem["number_status_str"])
                rule.details.append(detail)
            }
            rules.append(rule)
        }
        return rules
    }
}
