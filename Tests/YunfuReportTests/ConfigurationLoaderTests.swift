import Foundation
import Testing

@testable import YunfuReport

/// A temporary folder holding a configuration file and the files it names; removed by `remove()`.
struct ConfigurationTestFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("yunfu-config-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// Writes `text` to `name` (folders created as needed) and returns its URL.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> URL {
        let file = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(
            at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
        return file
    }

    /// Makes a directory at `name`.
    @discardableResult
    func directory(_ name: String) throws -> URL {
        let dir = url.appendingPathComponent(name, isDirectory: true)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Writes `yaml` as `config.yaml` and loads it.
    func load(
        _ yaml: String, purpose: ConfigurationPurpose = .run,
        environment: [String: String] = ["YUNFU_API_TOKEN": "test-token"]
    ) throws -> Configuration {
        let file = try write("config.yaml", yaml)
        return try ConfigurationLoader.load(file: file, purpose: purpose, environment: environment)
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}

/// Runs `body` with a fresh folder, removed afterwards.
func withConfigurationFolder<T>(_ body: (ConfigurationTestFolder) throws -> T) throws -> T {
    let folder = try ConfigurationTestFolder()
    defer { folder.remove() }
    return try body(folder)
}

@Suite("Configuration loading")
struct ConfigurationLoaderTests {
    static let minimal = """
        api:
          base_url: https://api.example.com
        accounts:
          - user_id: u1
        """

    @Test func readsEveryFieldOfAFullFile() throws {
        try withConfigurationFolder { folder in
            try folder.write("lists/accounts.csv", "user_id,sub_user_id,label\nu3,,Three\nu3,x1,\n")
            try folder.directory("tpl")
            try folder.write("creds/dingtalk-hook", "https://oapi.dingtalk.com/robot/send?access_token=abc\n")
            let config = try folder.load(
                """
                api:
                  base_url: https://api.example.com/
                  token_env: MY_TOKEN
                  auth_header: X-Api-Key
                  auth_scheme: ""
                  timeout_seconds: 2.5
                  max_concurrency: 3
                  max_retries: 0
                  requests_per_second: 7.5
                  max_retry_after_seconds: 30
                  time_zone: UTC
                accounts:
                  - user_id: u1
                    label: 华东一部
                    sub_users:
                      - s1
                      - {id: s2, label: 销售二组}
                      - {id: s3}
                  - user_id: u2
                    label: Two
                    include_main: false
                    sub_users: [t1]
                accounts_file: lists/accounts.csv
                report:
                  output_root: out/runs
                  keep_runs: 5
                  templates_dir: tpl
                  time_zone: Europe/Berlin
                  locale: en
                  formats: [csv, markdown]
                  csv_bom: false
                  expiry_soon_days: 3
                  expiry_upcoming_days: 14
                  required_recycle_statuses: [6, 7]
                  status_names: {6: 关机, 7: 空号}
                suppressions:
                  - check_id: LINE_EXPIRY_UNKNOWN
                    object_id: 12345
                    account: u1/s1
                    reason: 线路已退订, 工单 4521
                    until: 2026-12-31
                  - check_id: ACCOUNT_NO_RECYCLE
                    reason: known
                notify:
                  - kind: wecom
                    webhook_env: WECOM_HOOK
                  - kind: dingtalk
                    webhook_file: ${CREDS}/dingtalk-hook
                    secret_env: DING_SECRET
                """,
                environment: [
                    "MY_TOKEN": "tok-1", "WECOM_HOOK": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
                    "CREDS": folder.url.appendingPathComponent("creds").path, "DING_SECRET": "SECabc",
                ])

            #expect(config.file == folder.url.appendingPathComponent("config.yaml").standardizedFileURL)

            let api = config.api
            #expect(api.baseURL == "https://api.example.com/")
            #expect(api.tokenEnv == "MY_TOKEN")
            #expect(api.tokenFile == nil)
            #expect(api.token?.reveal() == "tok-1")
            #expect(api.authHeader == "X-Api-Key")
            #expect(api.authScheme == "")
            #expect(api.timeoutSeconds == 2.5)
            #expect(api.maxConcurrency == 3)
            #expect(api.maxRetries == 0)
            #expect(api.requestsPerSecond == 7.5)
            #expect(api.maxRetryAfterSeconds == 30)
            #expect(api.timeZone.identifier == TimeZone(identifier: "UTC")?.identifier)

            #expect(
                config.accounts.map { "\($0.key)=\($0.label)#\($0.order)" } == [
                    "u1=华东一部#0", "u1/s1=华东一部#1", "u1/s2=销售二组#2", "u1/s3=华东一部#3", "u2/t1=Two#4",
                    "u3=Three#5", "u3/x1=Three#6",
                ])

            let report = config.report
            #expect(report.outputRoot.path == folder.url.appendingPathComponent("out/runs").standardizedFileURL.path)
            #expect(report.keepRuns == 5)
            #expect(report.templatesDir?.path == folder.url.appendingPathComponent("tpl").standardizedFileURL.path)
            #expect(report.timeZone.identifier == "Europe/Berlin")
            #expect(report.locale == .en)
            #expect(report.formats == [.csv, .markdown])
            #expect(report.csvBOM == false)
            #expect(report.expirySoonDays == 3)
            #expect(report.expiryUpcomingDays == 14)
            #expect(report.requiredRecycleStatuses == [6, 7])
            #expect(report.statusNames == [6: "关机", 7: "空号"])

            #expect(
                config.suppressions == [
                    Suppression(
                        index: 0, line: 37, checkID: .lineExpiryUnknown, objectID: "12345", account: "u1/s1",
                        reason: "线路已退订, 工单 4521", until: CalendarDay(year: 2026, month: 12, day: 31)),
                    Suppression(
                        index: 1, line: 42, checkID: .accountNoRecycle, objectID: nil, account: nil,
                        reason: "known", until: nil),
                ])

            try #require(config.notify.count == 2)
            #expect(config.notify[0].kind == .wecom)
            #expect(config.notify[0].webhook.reveal() == "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k")
            #expect(config.notify[0].secret == nil)
            #expect(config.notify[0].index == 0)
            #expect(config.notify[0].line == 45)
            #expect(config.notify[1].kind == .dingtalk)
            #expect(config.notify[1].webhook.reveal() == "https://oapi.dingtalk.com/robot/send?access_token=abc")
            #expect(config.notify[1].secret?.reveal() == "SECabc")
            #expect(config.notify[1].index == 1)
            #expect(config.notify[1].line == 47)
        }
    }

    @Test func fillsInTheDocumentedDefaults() throws {
        try withConfigurationFolder { folder in
            let config = try folder.load(Self.minimal)
            let api = config.api
            #expect(api.tokenEnv == "YUNFU_API_TOKEN")
            #expect(api.token?.reveal() == "test-token")
            #expect(api.authHeader == "Authorization")
            #expect(api.authScheme == "Bearer")
            #expect(api.timeoutSeconds == 20)
            #expect(api.maxConcurrency == 16)
            #expect(api.maxRetries == 4)
            #expect(api.requestsPerSecond == 0)
            #expect(api.maxRetryAfterSeconds == 120)
            #expect(api.timeZone.identifier == "Asia/Shanghai")

            #expect(config.accounts == [AccountRef(id: AccountID(userID: "u1"), label: "", order: 0)])

            let report = config.report
            #expect(report.outputRoot.path == folder.url.appendingPathComponent("Output").standardizedFileURL.path)
            #expect(report.keepRuns == 0)
            #expect(report.templatesDir == nil)
            #expect(report.timeZone.identifier == "Asia/Shanghai")
            #expect(report.locale == .zhCN)
            #expect(report.formats == Set(OutputFormat.allCases))
            #expect(report.csvBOM)
            #expect(report.expirySoonDays == 7)
            #expect(report.expiryUpcomingDays == 30)
            #expect(report.requiredRecycleStatuses == [6])
            #expect(report.statusNames == [6: "关机"])
            #expect(config.suppressions.isEmpty)
            #expect(config.notify.isEmpty)
        }
    }

    @Test func treatsKeysWithoutValueAsAbsent() throws {
        try withConfigurationFolder { folder in
            let config = try folder.load(
                """
                api:
                  base_url: https://api.example.com
                  auth_scheme:
                  time_zone: ~
                accounts:
                  - user_id: u1
                report:
                suppressions:
                notify:
                """)
            #expect(config.api.authScheme == "Bearer")
            #expect(config.api.timeZone.identifier == "Asia/Shanghai")
            #expect(config.suppressions.isEmpty)
            #expect(config.notify.isEmpty)
        }
    }

    @Test func resolvesRelativePathsAgainstTheFilesFolder() throws {
        try withConfigurationFolder { folder in
            try folder.write("conf/more/accounts.csv", "user_id,sub_user_id,label\nu9,,Nine\n")
            try folder.directory("conf/templates")
            try folder.write("conf/secrets/token", "file-token\n")
            let file = try folder.write(
                "conf/config.yaml",
                """
                api:
                  base_url: http://127.0.0.1:8080
                  token_file: secrets/token
                accounts_file: more/accounts.csv
                report:
                  output_root: ../reports/./nightly
                  templates_dir: templates
                """)
            let config = try ConfigurationLoader.load(file: file, purpose: .run, environment: [:])
            let conf = folder.url.appendingPathComponent("conf")
            #expect(config.report.outputRoot.path == folder.url.appendingPathComponent("reports/nightly").path)
            #expect(config.report.templatesDir?.path == conf.appendingPathComponent("templates").path)
            #expect(config.api.tokenFile == conf.appendingPathComponent("secrets/token").path)
            #expect(config.api.token?.reveal() == "file-token")
            #expect(config.accounts.map(\.key) == ["u9"])
        }
    }

    @Test func keepsAbsolutePathsAsWritten() throws {
        try withConfigurationFolder { folder in
            let root = folder.url.appendingPathComponent("elsewhere/out").path
            let config = try folder.load(Self.minimal + "\nreport:\n  output_root: \(root)\n")
            #expect(config.report.outputRoot.path == root)
        }
    }

    @Test func mergesTheAccountsFileAfterTheYAMLAccountsWithoutDuplicates() throws {
        try withConfigurationFolder { folder in
            try folder.write(
                "accounts.csv",
                "\u{FEFF}user_id,sub_user_id,label\r\n"
                    + "u1,,Renamed\r\n"  // already listed: keeps its first place and label
                    + "u4,,\"Four, Inc.\"\r\n"
                    + "\r\n"  // a blank line is skipped
                    + "u1,s9,\r\n"  // a new sub-account of u1: takes u1's label
                    + "u4,s1,\"He said \"\"hi\"\"\"\r\n"
                    + "u5,\"sub\nwith line\",Five\r\n"
                    + "u4,s1,Again\r\n"
                    + "u2,,Two from file\r\n")
            let config = try folder.load(
                """
                api:
                  base_url: https://api.example.com
                accounts:
                  - user_id: u1
                    label: One
                    sub_users: [s1, s1]
                  - user_id: u2
                    include_main: false
                    label: Two
                    sub_users: [{id: s1, label: Own}]
                  - user_id: u1
                    label: Ignored
                    sub_users: [s2]
                accounts_file: accounts.csv
                """)
            #expect(
                config.accounts.map { "\($0.key)=\($0.label)" } == [
                    "u1=One", "u1/s1=One", "u2/s1=Own", "u1/s2=Ignored", "u4=Four, Inc.", "u1/s9=One",
                    "u4/s1=He said \"hi\"", "u5/sub\nwith line=Five", "u2=Two from file",
                ])
            #expect(config.accounts.map(\.order) == Array(0..<9))
        }
    }

    @Test func subAccountsTakeTheirParentsLabelUnlessTheyHaveTheirOwn() throws {
        try withConfigurationFolder { folder in
            try folder.write("a.csv", "user_id,sub_user_id,label\nu7,,Seven\nu7,b,\nu8,c,\n")
            let config = try folder.load(
                """
                api: {base_url: "https://api.example.com"}
                accounts:
                  - user_id: u1
                    label: 华东一部
                    include_main: false
                    sub_users:
                      - bare
                      - {id: labelled, label: 销售二组}
                      - {id: no-label}
                      - {id: empty-label, label: ""}
                accounts_file: a.csv
                """)
            let labels = Dictionary(uniqueKeysWithValues: config.accounts.map { ($0.key, $0.label) })
            #expect(labels["u1/bare"] == "华东一部")
            #expect(labels["u1/labelled"] == "销售二组")
            #expect(labels["u1/no-label"] == "华东一部")
            #expect(labels["u1/empty-label"] == "")
            #expect(labels["u1"] == nil)
            #expect(labels["u7/b"] == "Seven")
            #expect(labels["u8/c"] == "")
        }
    }

    @Test func deduplicatesByUnicodeScalarsNotCanonicalEquivalence() throws {
        try withConfigurationFolder { folder in
            // "é" precomposed and decomposed are different ids.
            let config = try folder.load(
                """
                api: {base_url: "https://api.example.com"}
                accounts:
                  - user_id: "caf\u{E9}"
                  - user_id: "cafe\u{301}"
                  - user_id: "caf\u{E9}"
                """)
            #expect(config.accounts.count == 2)
        }
    }

    @Test func takesNumericIDsAsTheirText() throws {
        try withConfigurationFolder { folder in
            let config = try folder.load(
                """
                api: {base_url: "https://api.example.com"}
                accounts:
                  - user_id: 0012
                    sub_users: [345, 1e3]
                """)
            #expect(config.accounts.map(\.key) == ["0012", "0012/345", "0012/1e3"])
        }
    }

    @Test func readsTheTokenFromTheNamedVariable() throws {
        try withConfigurationFolder { folder in
            let config = try folder.load(
                """
                api:
                  base_url: https://api.example.com
                  token_env: OTHER_TOKEN
                accounts: [{user_id: u1}]
                """,
                environment: ["OTHER_TOKEN": "abc\n", "YUNFU_API_TOKEN": "not-this-one"])
            #expect(config.api.token == Secret("abc"))
        }
    }

    @Test(arguments: ["${CREDENTIALS_DIRECTORY}/token", "$CREDENTIALS_DIRECTORY/token"])
    func readsTheTokenFromAFileWithVariablesExpanded(tokenFile: String) throws {
        try withConfigurationFolder { folder in
            let credentials = try folder.directory("run/credentials/yunfu-report.service")
            try folder.write("run/credentials/yunfu-report.service/token", "from-file\r\n\n")
            let config = try folder.load(
                """
                api:
                  base_url: https://api.example.com
                  token_file: \(tokenFile)
                accounts: [{user_id: u1}]
                """,
                environment: ["CREDENTIALS_DIRECTORY": credentials.path])
            #expect(config.api.token?.reveal() == "from-file")
            #expect(config.api.tokenFile == credentials.appendingPathComponent("token").path)
        }
    }

    @Test func prefersTheTokenFileOverTheVariable() throws {
        try withConfigurationFolder { folder in
            try folder.write("token", "from-file")
            let config = try folder.load(
                """
                api:
                  base_url: https://api.example.com
                  token_file: token
                accounts: [{user_id: u1}]
                """,
                environment: ["YUNFU_API_TOKEN": "from-env"])
            #expect(config.api.token?.reveal() == "from-file")
        }
    }

    @Test func replayNeedsNeitherBaseURLNorTokenNorNotifySecrets() throws {
        try withConfigurationFolder { folder in
            let config = try folder.load(
                """
                api:
                  token_file: ${CREDENTIALS_DIRECTORY}/token
                accounts:
                  - user_id: u1
                notify:
                  - kind: feishu
                    webhook_env: UNSET_HOOK
                    secret_file: ${NOWHERE}/secret
                """,
                purpose: .replay, environment: [:])
            #expect(config.api.baseURL == nil)
            #expect(config.api.token == nil)
            #expect(config.api.tokenFile == "${CREDENTIALS_DIRECTORY}/token")
            #expect(config.notify.isEmpty)
            #expect(config.accounts.map(\.key) == ["u1"])
        }
    }

    @Test func replayStillRejectsStructuralMistakes() throws {
        try withConfigurationFolder { folder in
            let error = #expect(throws: ConfigurationError.self) {
                try folder.load(
                    """
                    accounts:
                      - user_id: u1
                    notify:
                      - kind: slack
                        webhook_env: HOOK
                    """, purpose: .replay, environment: [:])
            }
            #expect(error?.line == 4)
            #expect(error?.message.contains("unknown kind `slack`") == true)
        }
    }

    @Test func checkValidatesLikeRun() throws {
        try withConfigurationFolder { folder in
            let error = #expect(throws: ConfigurationError.self) {
                try folder.load(Self.minimal, purpose: .check, environment: [:])
            }
            #expect(error?.message.contains("`YUNFU_API_TOKEN` is not set") == true)
        }
    }

    @Test func namesTheFileAsGivenInErrors() throws {
        try withConfigurationFolder { folder in
            let file = try folder.write("config.yaml", "api:\n  bogus: 1\n")
            let error = #expect(throws: ConfigurationError.self) {
                try ConfigurationLoader.load(file: file, purpose: .run, environment: [:])
            }
            #expect(error?.file == file.relativePath)
            // Both mistakes, by line: no account at all (line 1), the unknown key (line 2).
            #expect(
                error?.description
                    == "\(file.relativePath):1: no account to report on: list at least one under `accounts` or in `accounts_file`\n"
                    + "\(file.relativePath):2: unknown key `bogus` in `api` (known keys: "
                    + ConfigurationLoader.apiKeys.map { "`\($0)`" }.joined(separator: ", ") + ")")
        }
    }

    @Test func reportsAMissingConfigurationFile() throws {
        try withConfigurationFolder { folder in
            let file = folder.url.appendingPathComponent("absent.yaml")
            let error = #expect(throws: ConfigurationError.self) {
                try ConfigurationLoader.load(file: file, purpose: .run, environment: [:])
            }
            #expect(error?.line == nil)
            #expect(error?.message.contains("No such file") == true)
        }
    }
}

@Suite("Output root check")
struct ConfigurationOutputRootTests {
    @Test func createsAMissingOutputRootAndLeavesNoProbe() throws {
        try withConfigurationFolder { folder in
            let root = folder.url.appendingPathComponent("a/b/Output")
            try ConfigurationLoader.checkOutputRoot(root)
            let contents = try FileManager.default.contentsOfDirectory(atPath: root.path)
            #expect(contents.isEmpty)
        }
    }

    @Test func acceptsAnExistingWritableOutputRoot() throws {
        try withConfigurationFolder { folder in
            try ConfigurationLoader.checkOutputRoot(folder.url)
        }
    }

    @Test func rejectsAFileInPlaceOfTheOutputRoot() throws {
        try withConfigurationFolder { folder in
            let file = try folder.write("Output", "not a directory")
            let error = #expect(throws: ConfigurationError.self) {
                try ConfigurationLoader.checkOutputRoot(file)
            }
            #expect(error?.file == file.path)
            #expect(error?.message.contains("not a directory") == true)
        }
    }

    @Test func rejectsAnOutputRootUnderAFile() throws {
        try withConfigurationFolder { folder in
            let file = try folder.write("plain", "x")
            let root = file.appendingPathComponent("Output")
            let error = #expect(throws: ConfigurationError.self) {
                try ConfigurationLoader.checkOutputRoot(root)
            }
            #expect(error?.description.contains(root.path) == true)
            #expect(error?.message == "cannot create the output root: `\(file.path)` is not a directory")
        }
    }
}
