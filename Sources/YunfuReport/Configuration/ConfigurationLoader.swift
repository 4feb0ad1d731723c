package import Foundation
import Yams

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads and validates the YAML configuration (see `docs/configuration.md`).
///
/// Every mistake is a `ConfigurationError` naming the file and the line; nothing is fetched.
package enum ConfigurationLoader {
    static let topLevelKeys = ["api", "accounts", "accounts_file", "report", "suppressions", "notify"]
    static let apiKeys = [
        "base_url", "token_env", "token_file", "auth_header", "auth_scheme", "timeout_seconds", "max_concurrency",
        "max_retries", "requests_per_second", "max_retry_after_seconds", "time_zone",
    ] + NetworkConfiguration.keys
    static let accountKeys = ["user_id", "label", "include_main", "sub_users"]
    static let subUserKeys = ["id", "label"]
    static let reportKeys = [
        "output_root", "keep_runs", "templates_dir", "time_zone", "locale", "formats", "csv_bom", "expiry_soon_days",
        "expiry_upcoming_days", "required_recycle_statuses", "status_names", "metrics_file",
    ]
    static let suppressionKeys = ["check_id", "object_id", "account", "reason", "until"]
    static let notifyKeys = ["kind", "webhook_env", "webhook_file", "secret_env", "secret_file"]

    /// The configuration in `file`, validated for `purpose`.
    /// - Parameter environment: where `token_env`, `webhook_env`, `secret_env` and the `$VAR`s of
    ///   file paths are looked up.
    package static func load(
        file: URL,
        purpose: ConfigurationPurpose,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigurationError) -> Configuration {
        let yaml = ConfigurationYAML(file: file.relativePath)
        let data: Data
        do {
            data = try ConfigurationYAML.readFile(file)
        } catch {
            throw yaml.failure(nil, "cannot read the configuration file: \(error.message)")
        }
        guard var text = String(data: data, encoding: .utf8) else {
            throw yaml.failure(nil, "the configuration file is not UTF-8 text")
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        guard let root = try yaml.compose(text), !ConfigurationYAML.isNull(root) else {
            throw yaml.failure(nil, "the configuration file is empty: it needs at least `api` and `accounts`")
        }
        let top = try yaml.map(root, path: "", allowed: topLevelKeys)
        let loading = Loading(
            yaml: yaml, folder: file.absoluteURL.deletingLastPathComponent(), purpose: purpose,
            environment: environment)

        // Every section is read even after a mistake, so that all of them are reported at once.
        var api = APISettings()
        var accounts: [AccountRef] = []
        var report = ReportSettings(outputRoot: ConfigurationYAML.resolve("Output", against: loading.folder))
        var suppressions: [Suppression] = []
        var notify: [NotifyTarget] = []
        loading.check { () throws(ConfigurationError) in api = try loading.api(top) }
        loading.check { () throws(ConfigurationError) in accounts = try loading.accounts(top) }
        loading.check { () throws(ConfigurationError) in report = try loading.report(top) }
        loading.check { () throws(ConfigurationError) in suppressions = try loading.suppressions(top) }
        loading.check { () throws(ConfigurationError) in notify = try loading.notify(top) }
        if let mistakes = ConfigurationError(all: loading.problems.errors) { throw mistakes }
        return Configuration(
            file: file.absoluteURL.standardizedFileURL, api: api, accounts: accounts, report: report,
            suppressions: suppressions, notify: notify)
    }

    /// `check-config` on `report.metrics_file`: its folder must be an existing directory the job
    /// can write in (the run itself does not check it first: a metrics file it cannot write is an
    /// error line at the end, never a lost report).
    package static func checkMetricsFolder(_ url: URL) throws(ConfigurationError) {
        let folder = url.deletingLastPathComponent().path
        func failure(_ message: String) -> ConfigurationError {
            ConfigurationError(file: url.path, line: nil, message: message)
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) else {
            throw failure(
                "the folder of `report.metrics_file` does not exist: `\(folder)` (node_exporter's textfile "
                    + "collector folder, e.g. /var/lib/prometheus/node-exporter)")
        }
        guard isDirectory.boolValue else {
            throw failure("the folder of `report.metrics_file`, `\(folder)`, is not a directory")
        }
        guard access(folder, W_OK | X_OK) == 0 else {
            throw failure(
                "cannot write in the folder of `report.metrics_file`, `\(folder)`: \(String(cString: strerror(errno)))")
        }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue {
            throw failure("`report.metrics_file` is a directory: `\(url.path)`")
        }
    }

    /// Checks that the run can create directories under `url`: creates it when missing, then
    /// creates and removes a hidden probe directory in it. The error names the path and the reason.
    package static func checkOutputRoot(_ url: URL) throws(ConfigurationError) {
        let path = url.standardizedFileURL.path
        func failure(_ message: String) -> ConfigurationError {
            ConfigurationError(file: path, line: nil, message: message)
        }
        // Each missing folder on the way is made in turn, so that the reason names the one that failed.
        var prefix = ""
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            prefix += "/" + component
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: prefix, isDirectory: &isDirectory) {
                guard isDirectory.boolValue else {
                    let what = prefix == path ? "the output root" : "`\(prefix)`"
                    throw failure("cannot create the output root: \(what) is not a directory")
                }
                continue
            }
            if let reason = POSIXDirectory.make(prefix) {
                throw failure("cannot create the output root (at `\(prefix)`): \(reason)")
            }
        }
        let probe = path + "/.yunfu-report-probe-\(UUID().uuidString)"
        if let reason = POSIXDirectory.make(probe) {
            throw failure("cannot create directories in the output root: \(reason)")
        }
        if let reason = POSIXDirectory.remove(probe) {
            throw failure("cannot remove the probe directory `\(probe)`: \(reason)")
        }
    }
}

/// One reading of one file: the parts of the configuration, each validated.
private struct Loading {
    let yaml: ConfigurationYAML
    /// The configuration file's folder: relative paths are relative to it.
    let folder: URL
    let purpose: ConfigurationPurpose
    let environment: [String: String]
    /// The mistakes found so far: reading goes on after one, to report them all at once.
    let problems = ConfigurationProblems()

    /// Runs one validation; a mistake is recorded and reading goes on.
    func check(_ body: () throws(ConfigurationError) -> Void) {
        do throws(ConfigurationError) {
            try body()
        } catch {
            problems.errors.append(error)
        }
    }

    /// `key` of `parent` as a map: an empty one when absent or null.
    func section(_ parent: ConfigurationMap, _ key: String, allowed: [String]) throws(ConfigurationError)
        -> ConfigurationMap
    {
        guard let node = parent.value(key) else {
            return ConfigurationMap.empty(path: parent.path(key), line: parent.keyLine(key) ?? parent.line)
        }
        return try yaml.map(node, path: parent.path(key), line: parent.keyLine(key), allowed: allowed)
    }

    /// `key` of `parent` as a list: empty when absent or null.
    func list(_ parent: ConfigurationMap, _ key: String) throws(ConfigurationError) -> [Node] {
        guard let node = parent.value(key) else { return [] }
        return try yaml.list(node, path: parent.path(key))
    }

    func timeZone(_ node: Node, path: String) throws(ConfigurationError) -> TimeZone {
        let name = try yaml.text(node, path: path).trimmedForEmptiness
        guard !name.isEmpty, let zone = TimeZone(identifier: name) else {
            throw yaml.failure(
                node.mark?.line, "unknown time zone `\(name)` in `\(path)` (an IANA name such as `Asia/Shanghai`)")
        }
        return zone
    }

    func path(_ node: Node, path: String) throws(ConfigurationError) -> URL {
        ConfigurationYAML.resolve(try yaml.nonEmptyText(node, path: path).trimmedForEmptiness, against: folder)
    }

    /// A URL with an http or https scheme and a host.
    static func isHTTPURL(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty
        else { return false }
        return true
    }

    // MARK: api

    func api(_ top: ConfigurationMap) throws(ConfigurationError) -> APISettings {
        let map = try section(top, "api", allowed: ConfigurationLoader.apiKeys)
        var api = APISettings()

        check { () throws(ConfigurationError) in api.baseURL = try baseURL(map) }
        check { () throws(ConfigurationError) in
            if let node = map.value("token_env") {
                api.tokenEnv = try yaml.variableName(node, path: map.path("token_env"))
            }
        }
        check { () throws(ConfigurationError) in
            if let node = map.value("token_file") {
                api.tokenFile = try yaml.nonEmptyText(node, path: map.path("token_file")).trimmedForEmptiness
            }
        }
        check { () throws(ConfigurationError) in
            if let node = map.value("auth_header") {
                api.authHeader = try authHeader(node, path: map.path("auth_header"))
            }
        }
        check { () throws(ConfigurationError) in
            if let node = map.value("auth_scheme") {
                let scheme = try yaml.text(node, path: map.path("auth_scheme")).trimmedForEmptiness
                guard !ConfigurationYAML.hasControlCharacter(scheme) else {
                    throw yaml.failure(node.mark?.line, "`api.auth_scheme` must be one line of text")
                }
                api.authScheme = scheme
            }
        }
        check { () throws(ConfigurationError) in
            if let node = map.value("timeout_seconds") {
                api.timeoutSeconds = try yaml.positiveNumber(node, path: map.path("timeout_seconds"))
            }
        }
        check { () throws(ConfigurationError) in
            if let node = map.value("max_concurrency") {
                api.maxConcurrency = try yaml.positiveInteger(node, path: map.path("max_concurrency"))
            }
        }
        check { () throws(ConfigurationError) in
            if let node = map.value("max_retries") {
                api.maxRetries = try yaml.integer(node, path: map.path("max_retries"), minimum: 0)
            }
        }
        check { () throws(ConfigurationError) in
            if let node = map.value("requests_per_second") {
                api.requestsPerSecond = try yaml.number(node, path: map.path("requests_per_second"), minimum: 0)
            }
        }
        check { () throws(ConfigurationError) in
            if let node = map.value("max_retry_after_seconds") {
                api.maxRetryAfterSeconds = try yaml.number(node, path: map.path("max_retry_after_seconds"), minimum: 0)
            }
        }
        check { () throws(ConfigurationError) in
            if let node = map.value("time_zone") {
                api.timeZone = try timeZone(node, path: map.path("time_zone"))
            }
        }

        api.network = try NetworkConfiguration.read(
            map, yaml: yaml, folder: folder, environment: environment, resolve: purpose != .replay)

        guard purpose != .replay else { return api }
        check { () throws(ConfigurationError) in try resolveToken(map, into: &api) }
        return api
    }

    /// `api.base_url`: required but for `replay`, an http or https URL.
    private func baseURL(_ map: ConfigurationMap) throws(ConfigurationError) -> String? {
        guard let node = map.value("base_url") else {
            guard purpose == .replay else {
                throw yaml.failure(
                    map.line, "`api.base_url` is missing: it is required (e.g. `base_url: https://api.example.com`)")
            }
            return nil
        }
        let url = try yaml.nonEmptyText(node, path: map.path("base_url")).trimmedForEmptiness
        if purpose != .replay, !Self.isHTTPURL(url) {
            throw yaml.failure(
                node.mark?.line, "`api.base_url` must be an http or https URL such as `https://api.example.com`")
        }
        return url
    }

    private func authHeader(_ node: Node, path: String) throws(ConfigurationError) -> String {
        let header = try yaml.nonEmptyText(node, path: path).trimmedForEmptiness
        guard header.unicodeScalars.allSatisfy(Self.isHeaderNameScalar) else {
            throw yaml.failure(node.mark?.line, "`api.auth_header` must be an HTTP header name such as `Authorization`")
        }
        return header
    }

    /// The token, from `token_file` (its variables expanded, relative to the configuration's
    /// folder) or else from the variable `token_env` names.
    private func resolveToken(_ map: ConfigurationMap, into api: inout APISettings) throws(ConfigurationError) {
        if let node = map.value("token_file"), let written = api.tokenFile {
            let expanded = try yaml.expandVariables(
                written, node: node, path: map.path("token_file"), environment: environment)
            let url = ConfigurationYAML.resolve(expanded, against: folder)
            api.tokenFile = url.path
            api.token = try yaml.secret(file: url, what: "token", line: node.mark?.line)
        } else {
            let line = map.value("token_env")?.mark?.line ?? map.line
            api.token = try yaml.secret(variable: api.tokenEnv, what: "token", line: line, environment: environment)
        }
    }

    /// RFC 9110 `tchar`.
    static func isHeaderNameScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "A"..."Z", "a"..."z", "0"..."9": true
        default: "!#$%&'*+-.^_`|~".unicodeScalars.contains(scalar)
        }
    }

    // MARK: accounts

    private struct SubUser {
        var id: String
        /// nil: the parent's label.
        var label: String?
    }

    private struct Entry {
        var userID: String
        var label: String
        var includeMain: Bool
        var subUsers: [SubUser]
    }

    func accounts(_ top: ConfigurationMap) throws(ConfigurationError) -> [AccountRef] {
        var entries: [Entry] = []
        let mistakesBefore = problems.errors.count
        for (index, node) in try list(top, "accounts").enumerated() {
            check { () throws(ConfigurationError) in entries.append(try entry(node, path: "accounts[\(index)]")) }
        }

        var rows: [AccountsFileRow] = []
        if let node = top.value("accounts_file") {
            let url = try path(node, path: "accounts_file")
            let data: Data
            do {
                data = try ConfigurationYAML.readFile(url)
            } catch {
                throw yaml.failure(node.mark?.line, "cannot read the accounts file `\(url.path)`: \(error.message)")
            }
            rows = try AccountsFile.parse(data, file: url.path)
        }

        // A sub-account with no label of its own takes its user's: the first label given to
        // that user (a YAML entry, else a main-view row of the accounts file).
        var userLabels: [ScalarKey: String] = [:]
        for entry in entries where userLabels[ScalarKey(entry.userID)] == nil {
            userLabels[ScalarKey(entry.userID)] = entry.label
        }
        for row in rows where row.subUserID == nil && userLabels[ScalarKey(row.userID)] == nil {
            userLabels[ScalarKey(row.userID)] = row.label
        }

        var seen = Set<ScalarKey>()
        var accounts: [AccountRef] = []
        func add(_ id: AccountID, label: String) {
            guard seen.insert(ScalarKey(id.key)).inserted else { return }
            accounts.append(AccountRef(id: id, label: label, order: accounts.count))
        }
        for entry in entries {
            if entry.includeMain {
                add(AccountID(userID: entry.userID), label: entry.label)
            }
            for sub in entry.subUsers {
                add(AccountID(userID: entry.userID, subUserID: sub.id), label: sub.label ?? entry.label)
            }
        }
        for row in rows {
            var label = row.label
            if label.isEmpty, row.subUserID != nil {
                label = userLabels[ScalarKey(row.userID)] ?? ""
            }
            add(AccountID(userID: row.userID, subUserID: row.subUserID), label: label)
        }

        guard !accounts.isEmpty || problems.errors.count > mistakesBefore else {
            throw yaml.failure(
                top.keyLine("accounts") ?? top.keyLine("accounts_file") ?? top.line,
                "no account to report on: list at least one under `accounts` or in `accounts_file`")
        }
        return accounts
    }

    private func entry(_ node: Node, path: String) throws(ConfigurationError) -> Entry {
        let map = try yaml.map(node, path: path, allowed: ConfigurationLoader.accountKeys)
        guard let userNode = map.value("user_id") else {
            throw yaml.failure(map.line, "`\(map.path("user_id"))` is missing")
        }
        var entry = Entry(
            userID: try yaml.identifier(userNode, path: map.path("user_id")), label: "", includeMain: true,
            subUsers: [])
        if let labelNode = map.value("label") {
            entry.label = try yaml.text(labelNode, path: map.path("label"))
        }
        if let includeNode = map.value("include_main") {
            entry.includeMain = try yaml.flag(includeNode, path: map.path("include_main"))
        }
        for (index, subNode) in try list(map, "sub_users").enumerated() {
            let subPath = "\(map.path("sub_users"))[\(index)]"
            if case .mapping = subNode {
                let subMap = try yaml.map(subNode, path: subPath, allowed: ConfigurationLoader.subUserKeys)
                guard let idNode = subMap.value("id") else {
                    throw yaml.failure(subMap.line, "`\(subMap.path("id"))` is missing")
                }
                var sub = SubUser(id: try yaml.identifier(idNode, path: subMap.path("id")), label: nil)
                if let labelNode = subMap.value("label") {
                    sub.label = try yaml.text(labelNode, path: subMap.path("label"))
                }
                entry.subUsers.append(sub)
            } else if case .scalar = subNode, !ConfigurationYAML.isNull(subNode) {
                entry.subUsers.append(SubUser(id: try yaml.identifier(subNode, path: subPath), label: nil))
            } else {
                throw yaml.mismatch(subNode, path: subPath, expected: "an id or a map `{id: …, label: …}`")
            }
        }
        if !entry.includeMain, entry.subUsers.isEmpty {
            throw yaml.failure(
                map.line, "`\(path)` names no account: `include_main` is false and there are no `sub_users`")
        }
        return entry
    }

    // MARK: report

    func report(_ top: ConfigurationMap) throws(ConfigurationError) -> ReportSettings {
        let map = try section(top, "report", allowed: ConfigurationLoader.reportKeys)
        var outputRoot = ConfigurationYAML.resolve("Output", against: folder)
        check { () throws(ConfigurationError) in
            if let node = map.value("output_root") {
                outputRoot = try path(node, path: map.path("output_root"))
            }
        }
        var report = ReportSettings(outputRoot: outputRoot)
        check { () throws(ConfigurationError) in
            if let node = map.value("keep_runs") {
                report.keepRuns = try yaml.integer(node, path: map.path("keep_runs"), minimum: 0)
            }
        }
        check { () throws(ConfigurationError) in
            if let node = map.value("templates_dir") {
                report.templatesDir = try templatesDir(node, path: map.path("templates_dir"))
            }
        }
        check { () throws(ConfigurationError) in
            if let node = map.value("time_zone") {
                report.timeZone = try timeZone(node, path: map.path("time_zone"))
            }
        }
        check { () throws(ConfigurationError) in
            if let node = map.value("locale") {
                report.locale = try locale(node, path: map.path("locale"))
            }
        }
        check { () throws(ConfigurationError) in
            if let node = map.value("formats") {
                report.formats = try formats(node, path: map.path("formats"))
            }
        }
        check { () throws(ConfigurationError) in
            if let node = map.value("csv_bom") {
                report.csvBOM = try yaml.flag(node, path: map.path("csv_bom"))
            }
        }
        let soonNode = map.value("expiry_soon_days")
        check { () throws(ConfigurationError) in
            if let soonNode {
                report.expirySoonDays = try yaml.integer(soonNode, path: map.path("expiry_soon_days"), minimum: 0)
            }
        }
        let upcomingNode = map.value("expiry_upcoming_days")
        check { () throws(ConfigurationError) in
            if let upcomingNode {
                report.expiryUpcomingDays = try yaml.integer(
                    upcomingNode, path: map.path("expiry_upcoming_days"), minimum: 0)
            }
        }
        check { () throws(ConfigurationError) in
            if report.expirySoonDays > report.expiryUpcomingDays {
                throw yaml.failure(
                    soonNode?.mark?.line ?? upcomingNode?.mark?.line ?? map.line,
                    "`report.expiry_soon_days` (\(report.expirySoonDays)) must not be greater than "
                        + "`report.expiry_upcoming_days` (\(report.expiryUpcomingDays))")
            }
        }
        check { () throws(ConfigurationError) in
            if let node = map.value("required_recycle_statuses") {
                report.requiredRecycleStatuses = try statusList(node, path: map.path("required_recycle_statuses"))
            }
        }
        check { () throws(ConfigurationError) in
            if let node = map.value("status_names") {
                report.statusNames = try statusNames(node, path: map.path("status_names"))
            }
        }
        check { () throws(ConfigurationError) in
            if let node = map.value("metrics_file") {
                report.metricsFile = try path(node, path: map.path("metrics_file"))
            }
        }
        return report
    }

    private func templatesDir(_ node: Node, path: String) throws(ConfigurationError) -> URL {
        let url = try self.path(node, path: path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw yaml.failure(node.mark?.line, "`report.templates_dir` `\(url.path)` is not a directory")
        }
        return url
    }

    private func locale(_ node: Node, path: String) throws(ConfigurationError) -> ReportLocale {
        let name = try yaml.text(node, path: path).trimmedForEmptiness
        guard let locale = ReportLocale(rawValue: name) else {
            throw yaml.failure(node.mark?.line, "unknown locale `\(name)` in `report.locale` (known: zh-CN, en)")
        }
        return locale
    }

    private func formats(_ node: Node, path: String) throws(ConfigurationError) -> Set<OutputFormat> {
        let items = try yaml.list(node, path: path)
        guard !items.isEmpty else {
            throw yaml.failure(node.mark?.line, "`report.formats` must name at least one format")
        }
        var formats = Set<OutputFormat>()
        for (index, item) in items.enumerated() {
            let name = try yaml.text(item, path: "report.formats[\(index)]").trimmedForEmptiness
            guard let format = OutputFormat(rawValue: name) else {
                let known = OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")
                throw yaml.failure(item.mark?.line, "unknown format `\(name)` in `report.formats` (known: \(known))")
            }
            formats.insert(format)
        }
        return formats
    }

    /// `required_recycle_statuses`, each once, in the order given.
    private func statusList(_ node: Node, path: String) throws(ConfigurationError) -> [Int64] {
        var statuses: [Int64] = []
        for (index, item) in try yaml.list(node, path: path).enumerated() {
            let status = Int64(try yaml.integer(item, path: "report.required_recycle_statuses[\(index)]"))
            if !statuses.contains(status) { statuses.append(status) }
        }
        return statuses
    }

    private func statusNames(_ node: Node, path: String) throws(ConfigurationError) -> [Int64: String] {
        guard case .mapping(let mapping) = node else {
            throw yaml.mismatch(node, path: path, expected: "a map of status numbers to names, such as `{6: 关机}`")
        }
        var names: [Int64: String] = [:]
        for (key, value) in mapping {
            guard ConfigurationYAML.hasTag(key, .int), let status = key.int else {
                throw yaml.failure(
                    key.mark?.line,
                    "a key of `\(path)` must be a status number, found \(ConfigurationYAML.kind(of: key))")
            }
            names[Int64(status)] = try yaml.nonEmptyText(value, path: "\(path).\(status)").trimmedForEmptiness
        }
        return names
    }

    // MARK: suppressions

    func suppressions(_ top: ConfigurationMap) throws(ConfigurationError) -> [Suppression] {
        var suppressions: [Suppression] = []
        for (index, node) in try list(top, "suppressions").enumerated() {
            check { () throws(ConfigurationError) in
            let map = try yaml.map(node, path: "suppressions[\(index)]", allowed: ConfigurationLoader.suppressionKeys)
            let line = map.line ?? top.keyLine("suppressions") ?? 0
            guard let checkNode = map.value("check_id") else {
                throw yaml.failure(map.line, "`\(map.path("check_id"))` is missing")
            }
            let checkName = try yaml.text(checkNode, path: map.path("check_id")).trimmedForEmptiness
            guard let checkID = CheckID(rawValue: checkName) else {
                throw yaml.failure(
                    checkNode.mark?.line,
                    "unknown check id `\(checkName)` in `\(map.path("check_id"))` (known: "
                        + CheckID.allCases.map(\.rawValue).joined(separator: ", ") + ")")
            }
            guard let reasonNode = map.value("reason") else {
                throw yaml.failure(map.line, "`\(map.path("reason"))` is missing: say why the finding is accepted")
            }
            let reason = try yaml.nonEmptyText(reasonNode, path: map.path("reason")).trimmedForEmptiness
            var suppression = Suppression(
                index: index, line: line, checkID: checkID, objectID: nil, account: nil, reason: reason, until: nil)
            if let objectNode = map.value("object_id") {
                suppression.objectID = try yaml.identifier(objectNode, path: map.path("object_id"))
            }
            if let accountNode = map.value("account") {
                suppression.account = try yaml.identifier(accountNode, path: map.path("account"))
            }
            if let untilNode = map.value("until") {
                let text = try yaml.text(untilNode, path: map.path("until")).trimmedForEmptiness
                guard let day = Self.calendarDay(text) else {
                    throw yaml.failure(
                        untilNode.mark?.line,
                        "`\(map.path("until"))` must be a real date written YYYY-MM-DD, found `\(text)`")
                }
                suppression.until = day
            }
            suppressions.append(suppression)
            }
        }
        return suppressions
    }

    /// `YYYY-MM-DD`, a real day of the Gregorian calendar.
    static func calendarDay(_ text: String) -> CalendarDay? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.unicodeScalars.allSatisfy { ("0"..."9").contains($0) } }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1...12).contains(month), day >= 1
        else { return nil }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard day <= lengths[month - 1] else { return nil }
        return CalendarDay(year: year, month: month, day: day)
    }

    // MARK: notify

    func notify(_ top: ConfigurationMap) throws(ConfigurationError) -> [NotifyTarget] {
        var targets: [NotifyTarget] = []
        for (index, node) in try list(top, "notify").enumerated() {
            check { () throws(ConfigurationError) in
            let map = try yaml.map(node, path: "notify[\(index)]", allowed: ConfigurationLoader.notifyKeys)
            guard let kindNode = map.value("kind") else {
                throw yaml.failure(map.line, "`\(map.path("kind"))` is missing (wecom, dingtalk or feishu)")
            }
            let kindName = try yaml.text(kindNode, path: map.path("kind")).trimmedForEmptiness
            guard let kind = NotifyKind(rawValue: kindName) else {
                throw yaml.failure(
                    kindNode.mark?.line,
                    "unknown kind `\(kindName)` in `\(map.path("kind"))` (known: wecom, dingtalk, feishu)")
            }
            let webhook = try secretSource(map, variableKey: "webhook_env", fileKey: "webhook_file", required: true)
            let secret = try secretSource(map, variableKey: "secret_env", fileKey: "secret_file", required: false)
            if kind == .wecom, secret != nil {
                throw yaml.failure(
                    map.keyLine("secret_env") ?? map.keyLine("secret_file"),
                    "`\(map.path)`: a wecom group bot is not signed: remove `secret_env` / `secret_file`")
            }
            guard purpose != .replay, let webhook else { return }
            let webhookValue = try webhook.resolve(self, what: "webhook")
            guard Self.isHTTPURL(webhookValue.reveal()) else {
                throw yaml.failure(
                    webhook.line, "the webhook from \(webhook.origin) is not an http or https URL")
            }
            targets.append(
                NotifyTarget(
                    kind: kind, webhook: webhookValue, secret: try secret?.resolve(self, what: "secret"),
                    index: index, line: map.line ?? 0))
            }
        }
        return purpose == .replay ? [] : targets
    }

    /// Where a secret comes from: a variable or a file (exactly one).
    private struct SecretSource {
        var variable: String?
        var file: (written: String, node: Node, path: String)?
        var line: Int?

        /// "the variable `X`" / "the file `path`", for messages.
        var origin: String {
            if let variable { return "the variable `\(variable)`" }
            return "the file `\(file?.written ?? "")`"
        }

        func resolve(_ loading: Loading, what: String) throws(ConfigurationError) -> Secret {
            if let variable {
                return try loading.yaml.secret(
                    variable: variable, what: what, line: line, environment: loading.environment)
            }
            guard let file else {
                throw loading.yaml.failure(line, "no \(what) source")
            }
            let expanded = try loading.yaml.expandVariables(
                file.written, node: file.node, path: file.path, environment: loading.environment)
            return try loading.yaml.secret(
                file: ConfigurationYAML.resolve(expanded, against: loading.folder), what: what, line: line)
        }
    }

    private func secretSource(
        _ map: ConfigurationMap, variableKey: String, fileKey: String, required: Bool
    ) throws(ConfigurationError) -> SecretSource? {
        let variableNode = map.value(variableKey)
        let fileNode = map.value(fileKey)
        switch (variableNode, fileNode) {
        case (nil, nil):
            guard !required else {
                throw yaml.failure(map.line, "`\(map.path)` needs `\(variableKey)` or `\(fileKey)`")
            }
            return nil
        case (.some, .some(let fileNode)):
            throw yaml.failure(
                fileNode.mark?.line, "`\(map.path)`: give `\(variableKey)` or `\(fileKey)`, not both")
        case (.some(let node), nil):
            return SecretSource(
                variable: try yaml.variableName(node, path: map.path(variableKey)), file: nil, line: node.mark?.line)
        case (nil, .some(let node)):
            let written = try yaml.nonEmptyText(node, path: map.path(fileKey)).trimmedForEmptiness
            return SecretSource(
                variable: nil, file: (written, node, map.path(fileKey)), line: node.mark?.line)
        }
    }
}
