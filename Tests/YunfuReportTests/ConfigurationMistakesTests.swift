import Foundation
import Testing

@testable import YunfuReport

/// One configuration mistake: the file, what the error must say and on which line.
struct ConfigurationMistake: Sendable, CustomTestStringConvertible {
    var name: String
    var yaml: String
    /// The line the error names (nil: none).
    var line: Int?
    /// A piece of the message.
    var fragment: String
    var purpose: ConfigurationPurpose = .run
    var environment: [String: String] = ["YUNFU_API_TOKEN": "test-token"]
    /// Other files to write beside `config.yaml`.
    var files: [String: ConfigurationTestFile] = [:]
    /// The file the error names, when not `config.yaml` (its last path component).
    var errorFile: String = "config.yaml"

    var testDescription: String { name }
}

/// A file a mistake needs beside `config.yaml`.
enum ConfigurationTestFile: Sendable, ExpressibleByStringLiteral {
    case text(String)
    /// Raw bytes (e.g. not UTF-8).
    case bytes([UInt8])
    /// A directory where a file is expected: unreadable as a file, even for root.
    case directory

    init(stringLiteral value: String) { self = .text(value) }
}

/// The head of a valid file, to which a mistake is appended (4 lines).
private let validHead = """
    api:
      base_url: https://api.example.com
    accounts:
      - user_id: u1

    """

@Suite("Configuration mistakes")
struct ConfigurationMistakesTests {
    static let mistakes: [ConfigurationMistake] = [
        // Syntax and shape
        .init(name: "empty file", yaml: "", line: nil, fragment: "the configuration file is empty"),
        .init(name: "only comments", yaml: "# nothing\n\n", line: nil, fragment: "is empty"),
        .init(
            name: "YAML syntax error", yaml: "api:\n  base_url: [https://x\naccounts: []\n", line: 3,
            fragment: "YAML syntax error"),
        .init(
            name: "tab indentation", yaml: "api:\n\tbase_url: https://x\n", line: 2,
            fragment: "YAML does not allow tabs for indentation"),
        .init(
            name: "duplicate key", yaml: validHead + "report:\n  locale: en\n  locale: zh-CN\n", line: 7,
            fragment: "the key `locale` appears again in the same map (first at line 6)"),
        .init(name: "root is a list", yaml: "- api\n- accounts\n", line: 1, fragment: "must be a map"),
        .init(name: "root is text", yaml: "hello\n", line: 1, fragment: "must be a map (key: value lines), found text"),

        // Unknown keys at every level
        .init(
            name: "unknown top-level key", yaml: validHead + "reports:\n  locale: en\n", line: 5,
            fragment: "unknown key `reports` at the top level"),
        .init(
            name: "unknown key in api",
            yaml: "api:\n  base_url: https://api.example.com\n  tokn_env: X\naccounts: [{user_id: u1}]\n", line: 3,
            fragment: "unknown key `tokn_env` in `api`"),
        .init(
            name: "unknown key in an account",
            yaml: "api: {base_url: https://api.example.com}\naccounts:\n  - user_id: u1\n    lable: One\n", line: 4,
            fragment: "unknown key `lable` in `accounts[0]`"),
        .init(
            name: "unknown key in a sub-user",
            yaml: validHead + "  - user_id: u2\n    sub_users:\n      - {id: s1, name: x}\n", line: 7,
            fragment: "unknown key `name` in `accounts[1].sub_users[0]`"),
        .init(
            name: "unknown key in report", yaml: validHead + "report:\n  formats: [csv]\n  colour: red\n", line: 7,
            fragment: "unknown key `colour` in `report`"),
        .init(
            name: "unknown key in a suppression",
            yaml: validHead + "suppressions:\n  - check_id: LINE_EXPIRED\n    reason: ok\n    until_day: 2026-01-01\n",
            line: 8, fragment: "unknown key `until_day` in `suppressions[0]`"),
        .init(
            name: "unknown key in a notify entry",
            yaml: validHead + "notify:\n  - kind: wecom\n    webhook_env: HOOK\n    url: https://x\n", line: 8,
            fragment: "unknown key `url` in `notify[0]`"),

        // Wrong types
        .init(
            name: "text for max_concurrency",
            yaml: "api:\n  base_url: https://api.example.com\n  max_concurrency: sixteen\naccounts: [{user_id: u1}]\n",
            line: 3, fragment: "`api.max_concurrency` must be a whole number, found text"),
        .init(
            name: "fraction for max_retries",
            yaml: "api:\n  base_url: https://api.example.com\n  max_retries: 1.5\naccounts: [{user_id: u1}]\n",
            line: 3, fragment: "`api.max_retries` must be a whole number, found a number"),
        .init(
            name: "list where a map is expected", yaml: "api:\n  - https://api.example.com\naccounts: []\n", line: 2,
            fragment: "`api` must be a map (key: value lines), found a list"),
        .init(
            name: "map where a list is expected",
            yaml: "api: {base_url: https://api.example.com}\naccounts:\n  user_id: u1\n",
            line: 3, fragment: "`accounts` must be a list, found a map"),
        .init(
            name: "text for include_main",
            yaml: validHead + "    include_main: maybe\n", line: 5,
            fragment: "`accounts[0].include_main` must be true or false, found text"),
        .init(
            name: "text for timeout_seconds",
            yaml: "api:\n  base_url: https://api.example.com\n  timeout_seconds: 20s\naccounts: [{user_id: u1}]\n",
            line: 3, fragment: "`api.timeout_seconds` must be a number, found text"),
        .init(
            name: "a map as a sub-user id", yaml: validHead + "    sub_users:\n      - [a, b]\n", line: 6,
            fragment: "`accounts[0].sub_users[0]` must be an id or a map"),
        .init(
            name: "a list as a label", yaml: validHead + "    label: [a]\n", line: 5,
            fragment: "`accounts[0].label` must be text, found a list"),
        .init(
            name: "text in required_recycle_statuses",
            yaml: validHead + "report:\n  required_recycle_statuses: [6, off-line]\n", line: 6,
            fragment: "`report.required_recycle_statuses[1]` must be a whole number"),
        .init(
            name: "text as a status_names key", yaml: validHead + "report:\n  status_names:\n    six: 关机\n", line: 7,
            fragment: "a key of `report.status_names` must be a status number, found text"),

        // base_url
        .init(
            name: "missing base_url", yaml: "api:\n  max_retries: 2\naccounts: [{user_id: u1}]\n", line: 1,
            fragment: "`api.base_url` is missing"),
        .init(
            name: "missing base_url for check", yaml: "api:\n  max_retries: 2\naccounts: [{user_id: u1}]\n", line: 1,
            fragment: "`api.base_url` is missing", purpose: .check),
        .init(
            name: "no api section", yaml: "accounts: [{user_id: u1}]\n", line: 1,
            fragment: "`api.base_url` is missing"),
        .init(
            name: "base_url not a URL", yaml: "api:\n  base_url: api.example.com\naccounts: [{user_id: u1}]\n", line: 2,
            fragment: "`api.base_url` must be an http or https URL"),

        // Limits
        .init(
            name: "zero timeout_seconds",
            yaml: "api:\n  base_url: https://api.example.com\n  timeout_seconds: 0\naccounts: [{user_id: u1}]\n",
            line: 3, fragment: "`api.timeout_seconds` must be greater than 0, found 0"),
        .init(
            name: "zero max_concurrency",
            yaml: "api:\n  base_url: https://api.example.com\n  max_concurrency: 0\naccounts: [{user_id: u1}]\n",
            line: 3, fragment: "`api.max_concurrency` must be greater than 0, found 0"),
        .init(
            name: "negative max_retries",
            yaml: "api:\n  base_url: https://api.example.com\n  max_retries: -1\naccounts: [{user_id: u1}]\n",
            line: 3, fragment: "`api.max_retries` must be 0 or more, found -1"),
        .init(
            name: "negative requests_per_second",
            yaml: "api:\n  base_url: https://api.example.com\n  requests_per_second: -0.5\naccounts: [{user_id: u1}]\n",
            line: 3, fragment: "`api.requests_per_second` must be 0 or more, found -0.5"),
        .init(
            name: "negative max_retry_after_seconds",
            yaml:
                "api:\n  base_url: https://api.example.com\n  max_retry_after_seconds: -5\naccounts: [{user_id: u1}]\n",
            line: 3, fragment: "`api.max_retry_after_seconds` must be 0 or more, found -5"),
        .init(
            name: "negative keep_runs", yaml: validHead + "report:\n  keep_runs: -2\n", line: 6,
            fragment: "`report.keep_runs` must be 0 or more, found -2"),
        .init(
            name: "negative expiry_soon_days", yaml: validHead + "report:\n  expiry_soon_days: -1\n", line: 6,
            fragment: "`report.expiry_soon_days` must be 0 or more"),
        .init(
            name: "soon after upcoming",
            yaml: validHead + "report:\n  expiry_upcoming_days: 10\n  expiry_soon_days: 20\n", line: 7,
            fragment: "`report.expiry_soon_days` (20) must not be greater than `report.expiry_upcoming_days` (10)"),

        // Names from a closed list
        .init(
            name: "unknown api time zone",
            yaml: "api:\n  base_url: https://api.example.com\n  time_zone: Asia/Shangai\naccounts: [{user_id: u1}]\n",
            line: 3, fragment: "unknown time zone `Asia/Shangai` in `api.time_zone`"),
        .init(
            name: "unknown report time zone", yaml: validHead + "report:\n  time_zone: Mars/Olympus\n", line: 6,
            fragment: "unknown time zone `Mars/Olympus` in `report.time_zone`"),
        .init(
            name: "unknown locale", yaml: validHead + "report:\n  locale: fr\n", line: 6,
            fragment: "unknown locale `fr` in `report.locale` (known: zh-CN, en)"),
        .init(
            name: "unknown format", yaml: validHead + "report:\n  formats:\n    - csv\n    - pdf\n", line: 8,
            fragment: "unknown format `pdf` in `report.formats`"),
        .init(
            name: "no format", yaml: validHead + "report:\n  formats: []\n", line: 6,
            fragment: "`report.formats` must name at least one format"),
        .init(
            name: "templates_dir missing", yaml: validHead + "report:\n  templates_dir: Templates\n", line: 6,
            fragment: "`report.templates_dir` `"),

        // Accounts
        .init(
            name: "empty user_id", yaml: "api: {base_url: https://api.example.com}\naccounts:\n  - user_id: \"  \"\n",
            line: 3, fragment: "`accounts[0].user_id` must not be empty"),
        .init(
            name: "missing user_id", yaml: "api: {base_url: https://api.example.com}\naccounts:\n  - label: One\n",
            line: 3, fragment: "`accounts[0].user_id` is missing"),
        .init(
            name: "missing sub-user id", yaml: validHead + "    sub_users:\n      - {label: x}\n", line: 6,
            fragment: "`accounts[0].sub_users[0].id` is missing"),
        .init(
            name: "no account", yaml: "api:\n  base_url: https://api.example.com\naccounts: []\n", line: 3,
            fragment: "no account to report on"),
        .init(
            name: "no accounts key", yaml: "api:\n  base_url: https://api.example.com\n", line: 1,
            fragment: "no account to report on"),
        .init(
            name: "entry naming no account",
            yaml: "api: {base_url: https://api.example.com}\naccounts:\n  - user_id: u1\n    include_main: false\n",
            line: 3, fragment: "`accounts[0]` names no account"),
        .init(
            name: "accounts_file missing", yaml: validHead + "accounts_file: nowhere.csv\n", line: 5,
            fragment: "cannot read the accounts file `"),
        .init(
            name: "accounts_file row with too few cells", yaml: validHead + "accounts_file: accounts.csv\n", line: 3,
            fragment: "a row must have 3 cells (user_id,sub_user_id,label), found 2",
            files: ["accounts.csv": "user_id,sub_user_id,label\nu2,,Two\nu3,s1\n"], errorFile: "accounts.csv"),
        .init(
            name: "accounts_file row with an empty user_id", yaml: validHead + "accounts_file: accounts.csv\n", line: 4,
            fragment: "`user_id` is empty",
            files: ["accounts.csv": "user_id,sub_user_id,label\r\n\r\nu2,,Two\r\n ,s1,x\r\n"],
            errorFile: "accounts.csv"),
        .init(
            name: "accounts_file without its header", yaml: validHead + "accounts_file: accounts.csv\n", line: 1,
            fragment: "the header row must be `user_id,sub_user_id,label`, found `u2,,Two`",
            files: ["accounts.csv": "u2,,Two\n"], errorFile: "accounts.csv"),
        .init(
            name: "accounts_file with an unclosed quote", yaml: validHead + "accounts_file: accounts.csv\n", line: 3,
            fragment: "a quoted cell is not closed",
            files: ["accounts.csv": "user_id,sub_user_id,label\nu2,,Two\nu3,,\"Three\nu4,,Four\n"],
            errorFile: "accounts.csv"),
        .init(
            name: "accounts_file with a stray quote", yaml: validHead + "accounts_file: accounts.csv\n", line: 4,
            fragment: "a `\"` inside a cell",
            files: ["accounts.csv": "user_id,sub_user_id,label\nu2,,\"Two\n2\"\nu3,,Th\"ree\n"],
            errorFile: "accounts.csv"),
        .init(
            name: "accounts_file not UTF-8", yaml: validHead + "accounts_file: accounts.csv\n", line: 2,
            fragment: "not valid UTF-8",
            files: ["accounts.csv": .bytes(Array("user_id,sub_user_id,label\nu2,,".utf8) + [0xE9, 0x0A])],
            errorFile: "accounts.csv"),
        .init(
            name: "empty accounts_file", yaml: validHead + "accounts_file: accounts.csv\n", line: nil,
            fragment: "the accounts file is empty", files: ["accounts.csv": "\n"], errorFile: "accounts.csv"),

        // Suppressions
        .init(
            name: "suppression with an unknown check id",
            yaml: validHead + "suppressions:\n  - check_id: LINE_EXPIRING\n    reason: ok\n", line: 6,
            fragment: "unknown check id `LINE_EXPIRING` in `suppressions[0].check_id`"),
        .init(
            name: "suppression without check id", yaml: validHead + "suppressions:\n  - reason: ok\n", line: 6,
            fragment: "`suppressions[0].check_id` is missing"),
        .init(
            name: "suppression without reason",
            yaml: validHead
                + "suppressions:\n  - check_id: LINE_EXPIRED\n  - check_id: LINE_EXPIRED\n    object_id: x\n",
            line: 6, fragment: "`suppressions[0].reason` is missing"),
        .init(
            name: "suppression with an empty reason",
            yaml: validHead + "suppressions:\n  - check_id: LINE_EXPIRED\n    reason: \"  \"\n", line: 7,
            fragment: "`suppressions[0].reason` must not be empty"),
        .init(
            name: "suppression until an impossible date",
            yaml: validHead + "suppressions:\n  - check_id: LINE_EXPIRED\n    reason: ok\n    until: 2027-02-29\n",
            line: 8, fragment: "`suppressions[0].until` must be a real date written YYYY-MM-DD, found `2027-02-29`"),
        .init(
            name: "suppression until in another form",
            yaml: validHead + "suppressions:\n  - check_id: LINE_EXPIRED\n    reason: ok\n    until: 31/12/2026\n",
            line: 8, fragment: "must be a real date written YYYY-MM-DD, found `31/12/2026`"),
        .init(
            name: "suppression object_id as a list",
            yaml: validHead + "suppressions:\n  - check_id: LINE_EXPIRED\n    reason: ok\n    object_id: [a]\n",
            line: 8, fragment: "`suppressions[0].object_id` must be text, found a list"),

        // The token
        .init(
            name: "token variable unset", yaml: validHead, line: 1,
            fragment: "the token variable `YUNFU_API_TOKEN` is not set", environment: [:]),
        .init(
            name: "token variable empty",
            yaml: "api:\n  base_url: https://api.example.com\n  token_env: MY_TOKEN\naccounts: [{user_id: u1}]\n",
            line: 3, fragment: "the token variable `MY_TOKEN` is empty", environment: ["MY_TOKEN": ""]),
        .init(
            name: "token pasted into token_env, a valid name all the same",
            yaml: "api:\n  base_url: https://api.example.com\n  token_env: sk9fQ2xZ7LmN4pR8tV1wY3bC\naccounts: [{user_id: u1}]\n",
            line: 3, fragment: "the token variable named there (not repeated: it looks like a token, not a name) is not set",
            environment: [:]),
        .init(
            name: "token_env not a variable name",
            yaml: "api:\n  base_url: https://api.example.com\n  token_env: sk-abc.def\naccounts: [{user_id: u1}]\n",
            line: 3, fragment: "`api.token_env` must be the NAME of an environment variable"),
        .init(
            name: "token file unreadable",
            yaml: "api:\n  base_url: https://api.example.com\n  token_file: token\naccounts: [{user_id: u1}]\n",
            line: 3, fragment: "cannot read the token file `", files: ["token": .directory]),
        .init(
            name: "token file missing",
            yaml:
                "api:\n  base_url: https://api.example.com\n  token_file: /nonexistent/token\naccounts: [{user_id: u1}]\n",
            line: 3, fragment: "cannot read the token file `/nonexistent/token`: No such file or directory"),
        .init(
            name: "token file empty",
            yaml: "api:\n  base_url: https://api.example.com\n  token_file: token\naccounts: [{user_id: u1}]\n",
            line: 3, fragment: "the token file `", files: ["token": "\n"]),
        .init(
            name: "token file path with an unset variable",
            yaml: "api:\n  base_url: https://api.example.com\n  token_file: ${CREDENTIALS_DIRECTORY}/token\n"
                + "accounts: [{user_id: u1}]\n",
            line: 3, fragment: "`api.token_file` uses the variable `CREDENTIALS_DIRECTORY`, which is not set or empty"),
        .init(
            name: "token file path with an unclosed brace",
            yaml: "api:\n  base_url: https://api.example.com\n  token_file: ${CREDENTIALS_DIRECTORY/token\n"
                + "accounts: [{user_id: u1}]\n",
            line: 3, fragment: "`${` is not closed"),

        // Notify
        .init(
            name: "notify with both webhook sources",
            yaml: validHead + "notify:\n  - kind: wecom\n    webhook_env: HOOK\n    webhook_file: hook\n", line: 8,
            fragment: "give `webhook_env` or `webhook_file`, not both",
            environment: ["YUNFU_API_TOKEN": "t", "HOOK": "https://x"]),
        .init(
            name: "notify without a webhook", yaml: validHead + "notify:\n  - kind: feishu\n", line: 6,
            fragment: "`notify[0]` needs `webhook_env` or `webhook_file`"),
        .init(
            name: "notify without kind", yaml: validHead + "notify:\n  - webhook_env: HOOK\n", line: 6,
            fragment: "`notify[0].kind` is missing"),
        .init(
            name: "notify with an unknown kind", yaml: validHead + "notify:\n  - kind: slack\n    webhook_env: HOOK\n",
            line: 6, fragment: "unknown kind `slack` in `notify[0].kind`"),
        .init(
            name: "notify webhook variable unset",
            yaml: validHead + "notify:\n  - kind: dingtalk\n    webhook_env: DING_HOOK\n", line: 7,
            fragment: "the webhook variable `DING_HOOK` is not set"),
        .init(
            name: "notify secret variable empty",
            yaml: validHead + "notify:\n  - kind: dingtalk\n    webhook_env: DING_HOOK\n    secret_env: DING_SECRET\n",
            line: 8, fragment: "the secret variable `DING_SECRET` is empty",
            environment: [
                "YUNFU_API_TOKEN": "t", "DING_HOOK": "https://oapi.dingtalk.com/robot/send", "DING_SECRET": "",
            ]),
        .init(
            name: "notify webhook file unreadable",
            yaml: validHead + "notify:\n  - kind: feishu\n    webhook_file: hook\n", line: 7,
            fragment: "cannot read the webhook file `", files: ["hook": .directory]),
        .init(
            name: "notify webhook not a URL",
            yaml: validHead + "notify:\n  - kind: feishu\n    webhook_env: HOOK\n", line: 7,
            fragment: "the webhook from the variable `HOOK` is not an http or https URL",
            environment: ["YUNFU_API_TOKEN": "t", "HOOK": "hooks.example"]),
        .init(
            name: "wecom with a secret",
            yaml: validHead + "notify:\n  - kind: wecom\n    webhook_env: HOOK\n    secret_env: SECRET\n", line: 8,
            fragment: "a wecom group bot is not signed"),
    ]

    @Test(arguments: mistakes)
    func reportsTheMistakeWithItsLine(_ mistake: ConfigurationMistake) throws {
        try withConfigurationFolder { folder in
            for (name, content) in mistake.files {
                switch content {
                case .text(let text): try folder.write(name, text)
                case .bytes(let bytes): try Data(bytes).write(to: folder.url.appendingPathComponent(name))
                case .directory: try folder.directory(name)
                }
            }
            let error = #expect(throws: ConfigurationError.self) {
                try folder.load(mistake.yaml, purpose: mistake.purpose, environment: mistake.environment)
            }
            let found = try #require(error)
            #expect(found.line == mistake.line, "\(found)")
            #expect(found.message.contains(mistake.fragment), "\(found)")
            #expect(URL(fileURLWithPath: found.file).lastPathComponent == mistake.errorFile, "\(found)")
            if let line = mistake.line {
                #expect(found.description.hasPrefix("\(found.file):\(line): "))
            }
        }
    }

    static let token = "tok-SECRET-4f9a77"

    /// Configurations that fail while (or after) the token is in hand.
    static let failuresAroundTheToken: [(yaml: String, environment: [String: String], files: [String: String])] = [
        // A bad token in the variable.
        (validHead, ["YUNFU_API_TOKEN": "\(token)\u{7}"], [:]),
        (validHead, ["YUNFU_API_TOKEN": "\(token)\ninjected: header"], [:]),
        // A bad token in a file.
        (
            "api:\n  base_url: https://api.example.com\n  token_file: t\naccounts: [{user_id: u1}]\n", [:],
            ["t": "\(token)\nsecond line\n"]
        ),
        // The token pasted where its variable's name belongs.
        (
            "api:\n  base_url: https://api.example.com\n  token_env: \(token)\naccounts: [{user_id: u1}]\n",
            [token: "x"], [:]
        ),
        // A valid token, then later mistakes.
        (validHead + "report:\n  locale: \(token.prefix(3))\n", ["YUNFU_API_TOKEN": token], [:]),
        (
            validHead + "notify:\n  - kind: wecom\n    webhook_env: HOOK\n", ["YUNFU_API_TOKEN": token, "HOOK": token],
            [:]
        ),
        (
            validHead + "notify:\n  - kind: feishu\n    webhook_file: hook\n", ["YUNFU_API_TOKEN": token],
            ["hook": "ftp://\(token)"]
        ),
        (
            validHead + "accounts_file: a.csv\n", ["YUNFU_API_TOKEN": token],
            ["a.csv": "user_id,sub_user_id,label\n\"\n"]
        ),
    ]

    @Test func neverPutsTheTokenInAnError() throws {
        for failure in Self.failuresAroundTheToken {
            try withConfigurationFolder { folder in
                for (name, content) in failure.files { try folder.write(name, content) }
                let error = #expect(throws: ConfigurationError.self) {
                    try folder.load(failure.yaml, environment: failure.environment)
                }
                let text = "\(String(describing: error)) \(error?.message ?? "")"
                #expect(!text.contains(Self.token), "\(text)")
                #expect(!text.contains("SECRET-4f9a77"), "\(text)")
            }
        }
    }

    /// A token made only of letters and digits is a valid variable name: pasted into `token_env`,
    /// it must not come back in the "not set" message (it did before).
    @Test func aTokenPastedAsTheVariableNameIsNotRepeated() throws {
        for pasted in ["sk9fQ2xZ7LmN4pR8tV1wY3bC", "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8", "Bearer_9fQ2xZ7LmN4pR8"] {
            try withConfigurationFolder { folder in
                let yaml = "api:\n  base_url: https://api.example.com\n  token_env: \(pasted)\naccounts: [{user_id: u1}]\n"
                for environment in [[:], [pasted: ""], [pasted: "x\u{7}"]] {
                    let error = #expect(throws: ConfigurationError.self) { try folder.load(yaml, environment: environment) }
                    let text = "\(String(describing: error)) \(error?.message ?? "")"
                    #expect(!text.contains(pasted), "\(text)")
                    #expect(text.contains("looks like a token"), "\(text)")
                }
            }
        }
        // Names as people write them are still named.
        for name in ["YUNFU_API_TOKEN", "http_proxy", "YUNFU_TOKEN_PROD_2026", "MY_TOKEN"] {
            #expect(!ConfigurationYAML.looksLikeSecret(name), "\(name)")
        }
    }

    @Test func neverPrintsTheTokenOfAValidConfiguration() throws {
        try withConfigurationFolder { folder in
            let config = try folder.load(
                validHead, environment: ["YUNFU_API_TOKEN": Self.token])
            #expect(config.api.token?.reveal() == Self.token)
            #expect(!String(describing: config).contains(Self.token))
            #expect(!String(reflecting: config).contains(Self.token))
        }
    }
}
