package import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL
import Synchronization

/// An HTTP proxy: `http://[user:password@]host[:port]`. Only `host:port` is ever shown.
struct ProxyURL: Sendable, Equatable, CustomStringConvertible {
    let host: String
    let port: Int
    let username: String?
    let password: Secret?

    /// `host:port` (an IPv6 host in brackets): all a message may name of a proxy.
    var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// curl's default proxy port.
    static let defaultPort = 1080

    /// Reads a proxy URL. `requireScheme`: the configuration wants `http://`; the environment
    /// variables, like curl, also take a bare `host:port`. nil when it is not an http proxy URL.
    init?(_ text: String, requireScheme: Bool) {
        var text = text.trimmingCharacters(in: .whitespaces)
        if !text.contains("://") {
            guard !requireScheme else { return nil }
            text = "http://" + text
        }
        guard let parts = URLComponents(string: text), parts.scheme?.lowercased() == "http",
            let rawHost = parts.host, !rawHost.isEmpty, parts.query == nil, parts.fragment == nil,
            parts.path.isEmpty || parts.path == "/"
        else { return nil }
        var host = rawHost
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let port = parts.port ?? Self.defaultPort
        guard (1...65_535).contains(port) else { return nil }
        self.host = host.lowercased()
        self.port = port
        self.username = parts.user.flatMap { $0.isEmpty ? nil : $0 }
        self.password = parts.password.map(Secret.init)
    }

    init(host: String, port: Int, username: String? = nil, password: Secret? = nil) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
    }

    /// The client's proxy: CONNECT tunnels, `Proxy-Authorization: Basic` when the URL has a user.
    var clientProxy: HTTPClient.Configuration.Proxy {
        let authorization = username.map {
            HTTPClient.Authorization.basic(username: $0, password: password?.reveal() ?? "")
        }
        return .server(host: host, port: port, authorization: authorization)
    }
}

/// `no_proxy` with curl's rules: comma-separated entries; `*` alone matches every host; a name
/// matches itself and every subdomain (`corp.example` and `.corp.example` alike); an IP address
/// matches that address, `10.0.0.0/8` a range; case does not matter, ports are not compared.
struct NoProxyList: Sendable, Equatable {
    private enum Entry: Sendable, Equatable {
        case name(String)
        case address([UInt8], prefixBits: Int)
    }
    private let entries: [Entry]
    private let matchesAll: Bool

    init(_ text: String?) {
        var entries: [Entry] = []
        var all = false
        for raw in (text ?? "").split(whereSeparator: { $0 == "," || $0 == " " }) {
            var entry = raw.trimmingCharacters(in: .whitespaces).lowercased()
            guard !entry.isEmpty else { continue }
            if entry == "*" {
                all = true
                continue
            }
            if let (bytes, bits) = Self.addressRange(entry) {
                entries.append(.address(bytes, prefixBits: bits))
                continue
            }
            entry = Self.stripPort(entry)
            while entry.hasPrefix(".") { entry.removeFirst() }
            while entry.hasSuffix(".") { entry.removeLast() }
            if !entry.isEmpty { entries.append(.name(entry)) }
        }
        self.entries = entries
        self.matchesAll = all
    }

    /// Whether a request to `host` (a name or an IP literal, brackets allowed) bypasses the proxy.
    func matches(host rawHost: String) -> Bool {
        if matchesAll { return true }
        var host = rawHost.lowercased()
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        while host.hasSuffix(".") { host.removeLast() }
        let address = Self.addressBytes(host)
        for entry in entries {
            switch entry {
            case .name(let name):
                if address == nil, host == name || host.hasSuffix("." + name) { return true }
            case .address(let bytes, let bits):
                if let address, address.count == bytes.count, Self.samePrefix(address, bytes, bits: bits) {
                    return true
                }
            }
        }
        return false
    }

    /// `host:port` → `host` (not for IPv6 literals, whose colons are the address).
    private static func stripPort(_ entry: String) -> String {
        if entry.hasPrefix("["), let close = entry.firstIndex(of: "]") {
            return String(entry[entry.index(after: entry.startIndex)..<close])
        }
        let colons = entry.filter { $0 == ":" }.count
        guard colons == 1, let colon = entry.firstIndex(of: ":") else { return entry }
        return String(entry[..<colon])
    }

    /// An IP address (v4 or v6, brackets and a port allowed) or a CIDR range, as bytes and prefix bits.
    private static func addressRange(_ entry: String) -> ([UInt8], Int)? {
        var text = entry
        var bits: Int?
        if let slash = text.firstIndex(of: "/") {
            guard let value = Int(text[text.index(after: slash)...]) else { return nil }
            bits = value
            text = String(text[..<slash])
        }
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            text = String(text[text.index(after: text.startIndex)..<close])
        } else if text.filter({ $0 == ":" }).count == 1 {
            text = stripPort(text)
        }
        guard let bytes = addressBytes(text) else { return nil }
        let maxBits = bytes.count * 8
        let prefix = bits ?? maxBits
        guard (0...maxBits).contains(prefix) else { return nil }
        return (bytes, prefix)
    }

    static func addressBytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }

    private static func samePrefix(_ a: [UInt8], _ b: [UInt8], bits: Int) -> Bool {
        var left = bits
        for index in a.indices where left > 0 {
            let take = min(8, left)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - take))
            if a[index] & mask != b[index] & mask { return false }
            left -= take
        }
        return true
    }
}

/// The proxy variables curl reads: `https_proxy` for https URLs and `http_proxy` for http ones
/// (lower case first, then upper case), else `all_proxy` / `ALL_PROXY`; `no_proxy` / `NO_PROXY`.
struct ProxyEnvironment: Sendable, Equatable {
    var https: ProxyURL?
    var http: ProxyURL?
    var all: ProxyURL?
    var noProxy = NoProxyList(nil)

    static let none = ProxyEnvironment()

    /// A variable set to something that is not an http proxy URL.
    struct Invalid: Error, Sendable {
        let variable: String
    }

    /// The proxies of `environment`; an empty variable counts as unset.
    init(environment: [String: String]) throws(Invalid) {
        func read(_ names: [String]) throws(Invalid) -> ProxyURL? {
            for name in names {
                guard let value = environment[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
                    continue
                }
                guard let proxy = ProxyURL(value, requireScheme: false) else { throw Invalid(variable: name) }
                return proxy
            }
            return nil
        }
        https = try read(["https_proxy", "HTTPS_PROXY"])
        http = try read(["http_proxy", "HTTP_PROXY"])
        all = try read(["all_proxy", "ALL_PROXY"])
        noProxy = NoProxyList(environment["no_proxy"] ?? environment["NO_PROXY"])
    }

    init() {}

    /// The proxy for a request to `scheme://host`, nil for a direct connection.
    func proxy(scheme: String, host: String) -> ProxyURL? {
        let chosen = scheme.lowercased() == "https" ? (https ?? all) : (http ?? all)
        guard let chosen, !noProxy.matches(host: host) else { return nil }
        return chosen
    }
}

/// How the platform's requests are routed.
enum ProxySetting: Sendable, Equatable {
    /// No `api.proxy`: the environment decides (`ProxyEnvironment`).
    case environment
    /// `proxy: none`: always direct, whatever the environment says.
    case none
    /// `proxy: http://…`: every platform request goes through it.
    case url(ProxyURL)
}

/// The network side of the configuration: trust, proxies, compression.
package struct NetworkSettings: Sendable {
    /// `api.ca_file`, for messages.
    var caFile: String?
    /// The certificates of `api.ca_file`, trusted in addition to the system's roots.
    var extraTrustRoots: [NIOSSLCertificate] = []
    var proxy: ProxySetting = .environment
    /// The proxy variables of the environment the configuration was read in.
    var environment = ProxyEnvironment.none
    /// Ask for gzip/deflate answers.
    var compression = true

    /// The proxy for a platform request to `scheme://host`.
    func platformProxy(scheme: String, host: String) -> ProxyURL? {
        switch proxy {
        case .environment: environment.proxy(scheme: scheme, host: host)
        case .none: nil
        case .url(let url): url
        }
    }

    /// The trust every client uses: the system's roots plus `ca_file`, always fully verified.
    var tlsConfiguration: TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .fullVerification
        tls.trustRoots = .default
        if !extraTrustRoots.isEmpty {
            tls.additionalTrustRoots = [.certificates(extraTrustRoots)]
        }
        return tls
    }

    /// Applies trust and proxy to a client configuration for requests to `url`.
    func configure(_ configuration: inout HTTPClient.Configuration, proxy: ProxyURL?) {
        configuration.tlsConfiguration = tlsConfiguration
        configuration.proxy = proxy?.clientProxy
    }

    /// The largest decoded answer: past it the account fails with `answer too large`.
    static let decompressionLimit = 64 * 1024 * 1024
}

/// A failure to reach the other side, in words a person understands, with its kind kept apart so
/// that callers can tell connection-level reasons from one another (TLS, the proxy, the network).
struct NetworkFailure: Sendable, Equatable, Error {
    enum Kind: Sendable, Equatable {
        /// The certificate was refused, or the TLS handshake failed: retrying does not help.
        case tls
        /// The proxy could not be reached, refused the tunnel or wants other credentials.
        case proxy
        /// The platform could not be reached (refused, reset, name not found…).
        case connection
    }

    let kind: Kind
    /// The whole reason, e.g. `TLS: certificate expired`.
    let reason: String
    /// Worth another attempt (a refused or broken connection may heal; a refused certificate not).
    let retryable: Bool

    /// The account's failure kind for this failure.
    var failureKind: FailureReason.Kind {
        switch kind {
        case .tls: .tls
        case .proxy: .proxy
        case .connection: .connection
        }
    }

    static let untrusted = "TLS: certificate not trusted (unknown CA)"
    static let expired = "TLS: certificate expired"
    static let notYetValid = "TLS: certificate not yet valid"
    static func mismatch(_ host: String) -> String { "TLS: certificate does not match host \(host)" }
}

extension NetworkFailure {
    /// Reads a TLS or proxy error thrown by the client; nil for any other error.
    /// - Parameters:
    ///   - host: the host the request was for (for the hostname mismatch).
    ///   - proxy: the proxy in use, if any: connection errors are then the proxy's.
    static func classify(_ error: any Error, host: String, proxy: ProxyURL?) -> NetworkFailure? {
        if let error = error as? NIOSSLExtraError, error == .failedToValidateHostname {
            return NetworkFailure(kind: .tls, reason: mismatch(host), retryable: false)
        }
        if let error = error as? NIOSSLError {
            switch error {
            case .handshakeFailed(let inner):
                if "\(inner)".contains("CERTIFICATE_VERIFY_FAILED") {
                    // Refined by `TLSDiagnosis` (expired, unknown CA) when the caller can look.
                    return NetworkFailure(kind: .tls, reason: untrusted, retryable: false)
                }
                return NetworkFailure(kind: .tls, reason: "TLS: handshake failed", retryable: false)
            case .uncleanShutdown:
                break
            default:
                return NetworkFailure(kind: .tls, reason: "TLS: handshake failed", retryable: false)
            }
        }
        if let proxy, let error = error as? HTTPClientError {
            switch error {
            case .proxyAuthenticationRequired:
                return NetworkFailure(
                    kind: .proxy, reason: "proxy \(proxy): authentication required (HTTP 407; check the user and password in the proxy URL)",
                    retryable: false)
            case .invalidProxyResponse:
                return NetworkFailure(
                    kind: .proxy, reason: "proxy \(proxy): refused the tunnel to \(host) (an answer other than 200 to CONNECT: a host or port it forbids, or credentials it refuses)",
                    retryable: true)
            case .httpProxyHandshakeTimeout:
                return NetworkFailure(kind: .proxy, reason: "proxy \(proxy): no answer to CONNECT", retryable: true)
            default:
                break
            }
        }
        return nil
    }

    /// A connection error (refused, unreachable…) while a proxy is in use: the proxy's.
    static func proxyConnection(_ why: String, proxy: ProxyURL) -> NetworkFailure {
        NetworkFailure(kind: .proxy, reason: "proxy \(proxy): \(why)", retryable: true)
    }
}

/// One client per route (direct, or each proxy the environment names for a URL's scheme and
/// host), made when first needed: requests to hosts in `no_proxy` go direct, the others through
/// the proxy. Shut them all down with `shutdown()`.
package final class ProxiedClients: Sendable {
    private let base: HTTPClient.Configuration
    private let network: NetworkSettings
    private let clients = Mutex<[String: HTTPClient]>([:])

    init(base: HTTPClient.Configuration, network: NetworkSettings) {
        self.base = base
        self.network = network
    }

    /// The client for requests to `url`.
    package func client(for url: String) -> HTTPClient {
        let endpoint = Endpoint(baseURL: url)
        let proxy = network.environment.proxy(scheme: endpoint.scheme, host: endpoint.host)
        let key = proxy.map { "\($0) \($0.username ?? "")" } ?? ""
        return clients.withLock { clients in
            if let client = clients[key] { return client }
            var configuration = base
            network.configure(&configuration, proxy: proxy)
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            clients[key] = client
            return client
        }
    }

    package func shutdown() async {
        let all = clients.withLock { clients in
            defer { clients.removeAll() }
            return Array(clients.values)
        }
        for client in all { try? await client.shutdown() }
    }
}
