import Foundation
import Testing

@testable import YunfuReport

@Suite("Network: no_proxy rules, proxy URLs, the network keys of the configuration")
struct NetworkRulesTests {
    // MARK: no_proxy (curl's rules)

    @Test(arguments: [
        // (no_proxy, host, bypasses)
        ("corp.example", "corp.example", true),
        ("corp.example", "api.corp.example", true),
        ("corp.example", "a.b.corp.example", true),
        (".corp.example", "api.corp.example", true),
        (".corp.example", "corp.example", true),
        ("corp.example", "notcorp.example", false),
        ("corp.example", "corp.example.org", false),
        ("CORP.Example", "Api.corp.EXAMPLE", true),
        ("corp.example.", "api.corp.example", true),
        ("corp.example", "api.corp.example.", true),
        ("a.example, corp.example ,b.example", "x.corp.example", true),
        ("a.example,b.example", "c.example", false),
        ("*", "anything.example", true),
        ("*", "10.1.2.3", true),
        ("", "api.example", false),
        (",,", "api.example", false),
        ("corp.example:8080", "corp.example", true),
        ("127.0.0.1", "127.0.0.1", true),
        ("127.0.0.1", "127.0.0.2", false),
        ("127.0.0.1:3128", "127.0.0.1", true),
        ("10.0.0.0/8", "10.20.30.40", true),
        ("10.0.0.0/8", "11.0.0.1", false),
        ("192.168.1.0/24", "192.168.1.77", true),
        ("::1", "::1", true),
        ("[::1]", "[::1]", true),
        ("[::1]:8443", "::1", true),
        ("fd00::/8", "fd12::5", true),
        ("fd00::/8", "fe80::1", false),
        ("localhost", "127.0.0.1", false),
        // A name entry never matches an address, nor an address entry a name.
        ("1.2.3.4", "1.2.3.4.example", false),
    ])
    func noProxy(_ list: String, _ host: String, _ bypasses: Bool) {
        #expect(NoProxyList(list).matches(host: host) == bypasses, "no_proxy=\(list) host=\(host)")
    }

    @Test func theEnvironmentChoosesByScheme() throws {
        let environment = try ProxyEnvironment(environment: [
            "https_proxy": "http://secure.proxy:3129", "HTTPS_PROXY": "http://ignored:1",
            "HTTP_PROXY": "plain.proxy:3128", "ALL_PROXY": "http://all.proxy:8080",
            "no_proxy": ".internal.example,10.0.0.0/8",
        ])
        #expect(environment.proxy(scheme: "https", host: "api.example")?.description == "secure.proxy:3129")
        #expect(environment.proxy(scheme: "http", host: "api.example")?.description == "plain.proxy:3128")
        #expect(environment.proxy(scheme: "https", host: "svc.internal.example") == nil)
        #expect(environment.proxy(scheme: "https", host: "10.9.8.7") == nil)
        let onlyAll = try ProxyEnvironment(environment: ["ALL_PROXY": "http://all.proxy"])
        #expect(onlyAll.proxy(scheme: "https", host: "api.example")?.description == "all.proxy:1080")
        #expect(onlyAll.proxy(scheme: "http", host: "api.example")?.description == "all.proxy:1080")
        #expect(try ProxyEnvironment(environment: ["https_proxy": ""]).proxy(scheme: "https", host: "a") == nil)
        #expect(throws: ProxyEnvironment.Invalid.self) {
            try ProxyEnvironment(environment: ["https_proxy": "socks5://proxy:1080"])
        }
    }

    @Test func aProxyURLShowsOnlyItsHostAndPort() throws {
        let proxy = try #require(ProxyURL("http://alice:p%40ss-w0rd@Proxy.Corp:3128/", requireScheme: true))
        #expect(proxy.host == "proxy.corp")
        #expect(proxy.port == 3128)
        #expect(proxy.username == "alice")
        #expect(proxy.password?.reveal() == "p@ss-w0rd")
        #expect("\(proxy)" == "proxy.corp:3128")
        #expect(!String(reflecting: proxy).contains("p@ss"))
        #expect(ProxyURL("http://[::1]:3128", requireScheme: true)?.description == "[::1]:3128")
        #expect(ProxyURL("proxy.corp:3128", requireScheme: true) == nil)
        #expect(ProxyURL("proxy.corp:3128", requireScheme: false)?.description == "proxy.corp:3128")
        #expect(ProxyURL("https://proxy.corp:3128", requireScheme: true) == nil)
        #expect(ProxyURL("http://proxy.corp:99999", requireScheme: true) == nil)
        #expect(ProxyURL("http://proxy.corp/path", requireScheme: true) == nil)
    }

    @Test func anIPv6BaseURLKeepsItsBracketsInTheHostHeader() {
        #expect(Endpoint(baseURL: "http://[::1]:8080/").ipv6HostHeader == "[::1]:8080")
        #expect(Endpoint(baseURL: "https://[fd00::5]").ipv6HostHeader == "[fd00::5]")
        #expect(Endpoint(baseURL: "http://[::1]:8080").host == "::1")
        #expect(Endpoint(baseURL: "http://[::1]:8080").url(for: AccountID(userID: "u1", subUserID: nil))
            == "http://[::1]:8080/agent-api/new/user/u1/task/create")
        #expect(Endpoint(baseURL: "http://127.0.0.1:8080").ipv6HostHeader == nil)
        #expect(Endpoint(baseURL: "https://api.example.com").port == 443)
    }

    // MARK: the configuration

    static let head = """
        api:
          base_url: https://api.example.com

        """
    static let tail = """
        accounts:
          - user_id: u1

        """

    @Test func readsTheNetworkKeys() async throws {
        let pki = try await TestPKI.make()
        defer { pki.remove() }
        try withConfigurationFolder { folder in
            let pem = try String(contentsOf: pki.caFile, encoding: .utf8)
            try folder.write("certs/corp-ca.pem", pem + pem)
            let config = try folder.load(
                Self.head + "  ca_file: certs/corp-ca.pem\n  proxy: http://bob:pw-9f3@proxy.corp:3128\n  compression: false\n"
                    + Self.tail)
            #expect(config.api.network.extraTrustRoots.count == 2)
            #expect(config.api.network.caFile == folder.url.appendingPathComponent("certs/corp-ca.pem").path)
            #expect(config.api.network.compression == false)
            #expect(config.api.network.proxy == .url(ProxyURL(host: "proxy.corp", port: 3128, username: "bob", password: Secret("pw-9f3"))))
            let defaults = try folder.load(Self.head + Self.tail, environment: ["YUNFU_API_TOKEN": "t", "https_proxy": "http://env.proxy:8080"])
            #expect(defaults.api.network.compression == true)
            #expect(defaults.api.network.proxy == .environment)
            #expect(defaults.api.network.platformProxy(scheme: "https", host: "api.example.com")?.description == "env.proxy:8080")
            let none = try folder.load(Self.head + "  proxy: none\n" + Self.tail, environment: ["YUNFU_API_TOKEN": "t", "https_proxy": "http://env.proxy:8080"])
            #expect(none.api.network.platformProxy(scheme: "https", host: "api.example.com") == nil)
            // The notices still read the environment.
            #expect(none.api.network.environment.proxy(scheme: "https", host: "qyapi.weixin.qq.com")?.description == "env.proxy:8080")
        }
    }

    @Test(arguments: [
        ("  ca_file: missing.pem\n", 3, "cannot read `api.ca_file`"),
        ("  ca_file: empty.pem\n", 3, "holds no PEM certificate"),
        ("  ca_file: key-only.pem\n", 3, "holds no PEM certificate"),
        ("  ca_file: broken.pem\n", 3, "cannot be read"),
        ("  ca_file: certs\n", 3, "Is a directory"),
        ("  proxy: ftp://proxy.corp:21\n", 3, "`api.proxy` must be an http proxy URL"),
        ("  proxy: proxy.corp:3128\n", 3, "`api.proxy` must be an http proxy URL"),
        ("  proxy: \"http://u:hunter2-pw@\"\n", 3, "`api.proxy` must be an http proxy URL"),
        ("  compression: maybe\n", 3, "`api.compression` must be true or false"),
        ("  compression: 1\n", 3, "`api.compression` must be true or false"),
    ])
    func refusesBadNetworkKeysWithTheirLine(_ yaml: String, _ line: Int, _ fragment: String) throws {
        try withConfigurationFolder { folder in
            try folder.write("empty.pem", "")
            try folder.write("key-only.pem", "-----BEGIN PRIVATE KEY-----\nMIGHAgEA\n-----END PRIVATE KEY-----\n")
            try folder.write("broken.pem", "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n")
            try folder.directory("certs")
            let error = #expect(throws: ConfigurationError.self) { try folder.load(Self.head + yaml + Self.tail) }
            #expect(error?.line == line, "\(String(describing: error))")
            #expect(error?.message.contains(fragment) == true, "\(String(describing: error))")
            #expect(error?.message.contains("hunter2") == false, "the password is never repeated")
        }
    }

    @Test func aBadProxyVariableIsAConfigurationErrorThatDoesNotRepeatIt() throws {
        try withConfigurationFolder { folder in
            let error = #expect(throws: ConfigurationError.self) {
                try folder.load(Self.head + Self.tail, environment: ["YUNFU_API_TOKEN": "t", "HTTPS_PROXY": "socks5://u:hunter2-pw@p:1"])
            }
            #expect(error?.message.contains("`HTTPS_PROXY`") == true, "\(String(describing: error))")
            #expect(error?.message.contains("hunter2") == false)
            // replay needs no network: neither the CA file nor the variables are read.
            let replay = try folder.load(
                Self.head + "  ca_file: missing.pem\n" + Self.tail, purpose: .replay,
                environment: ["HTTPS_PROXY": "socks5://p:1"])
            #expect(replay.api.network.caFile == nil)
        }
    }
}
