import Crypto
import Foundation

/// SHA-256 and HMAC-SHA256 from swift-crypto (BoringSSL's on Linux, CryptoKit's on Apple systems):
/// the manifests' file hashes, the raw archive's file names and the group bots' signatures.
enum Digest {
    /// The 32-byte SHA-256 digest of `bytes`.
    static func sha256(_ bytes: some DataProtocol) -> [UInt8] {
        Array(SHA256.hash(data: bytes))
    }

    /// The SHA-256 digest of `bytes` as 64 lowercase hexadecimal digits, as `sha256sum` prints it.
    static func sha256Hex(_ bytes: some DataProtocol) -> String {
        hex(sha256(bytes))
    }

    /// HMAC-SHA256 (RFC 2104) of `message` under `key`.
    static func hmacSHA256(key: some ContiguousBytes, message: some DataProtocol) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }

    /// `bytes` (usually a digest) as lowercase hexadecimal.
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A digest computed as the bytes go by (a file written in chunks).
    struct SHA256Stream {
        private var hasher = SHA256()

        mutating func update(_ bytes: some DataProtocol) {
            hasher.update(data: bytes)
        }

        /// The 32-byte digest of every byte given.
        func finalize() -> [UInt8] {
            Array(hasher.finalize())
        }
    }
}
