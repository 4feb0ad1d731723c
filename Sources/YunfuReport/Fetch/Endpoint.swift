import Foundation

/// Strict percent-encoding (`task-create-api.md`, "Request"): every byte of the UTF-8 form that is
/// not an RFC 3986 unreserved character (`A-Z a-z 0-9 - . _ ~`) becomes `%XX` with uppercase hex.
/// Used in the path and in the query alike, so `/` stays inside its segment and `+` is never read
/// as a space by the backend.
enum StrictPercentEncoding {
    static func encode(_ text: String) -> String {
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if isUnreserved(byte) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            true
        default:
            false
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)
}

/// Where the task-init answers live: `base_url` (trailing slashes tolerated, a path prefix kept)
/// and the host, which is all a log line or an error may name of it.
struct Endpoint: Sendable, Equatable {
    /// `base_url` without trailing slashes ("" when none was configured).
    let base: String
    /// The host of `base_url`, for messages; never the full URL, never the query. An IPv6
    /// literal without its brackets (`::1`).
    let host: String
    /// `http` or `https` (lower case), "" when there is none.
    let scheme: String
    /// The port, written or the scheme's default; nil without a known scheme.
    let port: Int?

    init(baseURL: String?) {
        var base = (baseURL ?? "").trimmingCharacters(in: .whitespaces)
        while base.hasSuffix("/") { base.removeLast() }
        self.base = base
        let url = URL(string: base)
        self.host = url?.host.map { $0.isEmpty ? "(no host)" : $0 } ?? "(invalid base_url)"
        let scheme = url?.scheme?.lowercased() ?? ""
        self.scheme = scheme
        self.port = url?.port ?? (scheme == "https" ? 443 : scheme == "http" ? 80 : nil)
    }

    /// The `Host` header for an IPv6 literal host, `[::1]:8080` (the port only when not the
    /// scheme's default); nil for names and IPv4 addresses, whose header the client writes.
    var ipv6HostHeader: String? {
        guard host.contains(":"), let port else { return nil }
        let standard = (scheme == "https" && port == 443) || (scheme == "http" && port == 80)
        return standard ? "[\(host)]" : "[\(host)]:\(port)"
    }

    /// `{base}/agent-api/new/user/{pct(user_id)}/task/create[?sub_user_id={pct(sub_user_id)}]`.
    func url(for account: AccountID) -> String {
        var url = base + "/agent-api/new/user/" + StrictPercentEncoding.encode(account.userID) + "/task/create"
        if let sub = account.subUserID {
            url += "?sub_user_id=" + StrictPercentEncoding.encode(sub)
        }
        return url
    }
}
