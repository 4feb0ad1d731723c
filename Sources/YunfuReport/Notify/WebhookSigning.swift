import Foundation

/// The signatures of the group bots' "加签" / "签名校验" security setting.
enum WebhookSigning {
    /// 钉钉: base64(HMAC-SHA256(key: secret, message: "{timestamp}\n{secret}")), timestamp in
    /// milliseconds. Sent form-URL-encoded as the `sign` query parameter beside `timestamp`.
    static func dingtalk(secret: String, timestampMillis: Int64) -> String {
        let mac = Digest.hmacSHA256(key: Array(secret.utf8), message: Array("\(timestampMillis)\n\(secret)".utf8))
        return Data(mac).base64EncodedString()
    }

    /// 飞书: base64(HMAC-SHA256(key: "{timestamp}\n{secret}", message: empty)), timestamp in
    /// seconds. Sent in the JSON body as `"timestamp": "…"` (a string) and `"sign"`. The key and the
    /// message are the other way round from 钉钉's: 飞书's own samples use the string to sign as the
    /// HMAC key and sign nothing.
    static func feishu(secret: String, timestampSeconds: Int64) -> String {
        let mac = Digest.hmacSHA256(key: Array("\(timestampSeconds)\n\(secret)".utf8), message: [])
        return Data(mac).base64EncodedString()
    }

    /// `application/x-www-form-urlencoded` for one value: everything but ASCII letters, digits and
    /// `-._~` as `%XX` (so base64's `+`, `/`, `=` become `%2B`, `%2F`, `%3D`).
    static func formURLEncode(_ value: String) -> String {
        let hex: [Character] = Array("0123456789ABCDEF")
        var out = ""
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.append(Character(Unicode.Scalar(byte)))
            default:
                out.append("%")
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0f)])
            }
        }
        return out
    }

    /// `url` with `timestamp` and `sign` appended to its query (before any fragment).
    static func appendingQuery(_ url: String, _ items: [(String, String)]) -> String {
        let extra = items.map { formURLEncode($0.0) + "=" + formURLEncode($0.1) }.joined(separator: "&")
        var base = url
        var fragment = ""
        if let hash = base.firstIndex(of: "#") {
            fragment = String(base[hash...])
            base = String(base[..<hash])
        }
        if !base.contains("?") {
            base += "?"
        } else if !(base.hasSuffix("?") || base.hasSuffix("&")) {
            base += "&"
        }
        return base + extra + fragment
    }
}
