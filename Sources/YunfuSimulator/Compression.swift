import CompressNIO
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
public import NIOSSL

/// The certificate and key the simulator serves HTTPS with (PEM files).
public struct SimulatorTLS: Sendable {
    public var certificateChainFile: String
    public var privateKeyFile: String

    public init(certificateChainFile: String, privateKeyFile: String) {
        self.certificateChainFile = certificateChainFile
        self.privateKeyFile = privateKeyFile
    }

    public func configuration() throws -> TLSConfiguration {
        let chain = try NIOSSLCertificate.fromPEMFile(certificateChainFile).map { NIOSSLCertificateSource.certificate($0) }
        guard !chain.isEmpty else { throw SimulatorError("no PEM certificate in \(certificateChainFile)") }
        let key = try NIOSSLPrivateKey(file: privateKeyFile, format: .pem)
        return TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
    }
}

/// The content codings the simulator offers when a request's `Accept-Encoding` asks.
enum ContentCoding: String {
    case gzip, deflate

    /// gzip before deflate; nil when neither is accepted (absent, or `q=0`).
    static func preferred(in acceptEncoding: String?) -> ContentCoding? {
        guard let acceptEncoding else { return nil }
        var accepted: Set<String> = []
        for item in acceptEncoding.split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let name = parts.first, !name.isEmpty else { continue }
            let quality = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            if quality > 0 { accepted.insert(name) }
        }
        if accepted.contains("gzip") || accepted.contains("*") { return .gzip }
        if accepted.contains("deflate") { return .deflate }
        return nil
    }

    var algorithm: CompressionAlgorithm {
        switch self {
        case .gzip: .gzip()
        // HTTP's `deflate` is the zlib format (RFC 9110, 8.4.1.2).
        case .deflate: .zlib()
        }
    }
}

/// Gathers a response body (the simulator's bodies are small, but for the bomb).
private final class CollectedBody {
    var buffer = ByteBuffer()
}

private struct CollectingWriter: ResponseBodyWriter {
    let into: CollectedBody
    mutating func write(_ buffer: ByteBuffer) async throws {
        var buffer = buffer
        into.buffer.writeBuffer(&buffer)
    }
    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}

extension SimulatorResponder {
    /// The answer as it goes on the wire: gzip- or deflate-encoded when the request asks for it
    /// (a body that cannot be gathered, a planned broken connection, goes as it is), counted in
    /// the stats. A planted gzip bomb is served whatever the request asks.
    func encoded(_ response: Response, account: SimAccount, request: Request) async -> Response {
        if platform.isGzipBomb(account) {
            var bomb = response
            bomb.headers[.contentEncoding] = "gzip"
            bomb.headers[.contentType] = "application/json; charset=utf-8"
            bomb.body = ResponseBody(byteBuffer: ByteBuffer(bytes: GzipBomb.bytes))
            platform.sent(bodyBytes: GzipBomb.bytes.count, compressed: true)
            return bomb
        }
        guard let coding = ContentCoding.preferred(in: request.headers[.acceptEncoding]) else {
            platform.sent(bodyBytes: response.body.contentLength ?? 0, compressed: false)
            return response
        }
        let collected = CollectedBody()
        var compressed: ByteBuffer
        do {
            try await response.body.write(CollectingWriter(into: collected))
            compressed = try collected.buffer.compress(with: coding.algorithm)
        } catch {
            platform.sent(bodyBytes: response.body.contentLength ?? 0, compressed: false)
            return response
        }
        var encoded = response
        encoded.headers[.contentEncoding] = coding.rawValue
        encoded.headers[.vary] = "Accept-Encoding"
        platform.sent(bodyBytes: compressed.readableBytes, compressed: true)
        encoded.body = ResponseBody(byteBuffer: compressed)
        return encoded
    }
}

/// 65 MiB of zeros, gzipped once (about 64 KiB).
enum GzipBomb {
    static let inflatedSize = 65 * 1024 * 1024
    static let bytes: [UInt8] = {
        // An array of zeros is one memset, even in a debug build.
        var zeros = ByteBuffer(bytes: [UInt8](repeating: 0, count: inflatedSize))
        return (try? zeros.compress(with: .gzip())).map { Array($0.readableBytesView) } ?? []
    }()
}
