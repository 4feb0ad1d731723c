import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL

/// Errors of the simulator's server.
public struct SimulatorError: Error, CustomStringConvertible, Sendable {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}

extension SimulatedPlatform {
    /// Serves the platform on `host:port` (0 = any free port) until the task is cancelled, over
    /// HTTPS when `tls` is given. `onRunning` is called once with the bound port.
    public func run(
        host: String = "127.0.0.1",
        port: Int = 0,
        tls: SimulatorTLS? = nil,
        onRunning: @escaping @Sendable (Int) async -> Void
    ) async throws {
        let logger = Logger(label: "yunfu-simulator", factory: { _ in SwiftLogNoOpLogHandler() })
        let server: HTTPServerBuilder = try tls.map { try .tls(.http1(), tlsConfiguration: $0.configuration()) } ?? .http1()
        let app = Application(
            responder: SimulatorResponder(platform: self),
            server: server,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "yunfu-simulator"),
            onServerRunning: { channel in
                await onRunning(channel.localAddress?.port ?? port)
            },
            logger: logger
        )
        do {
            try await app.run()
        } catch is CancellationError {
            // Cancelled: the server is down, which is what was asked.
        }
    }

    /// Starts the server on `host` (a free port; HTTPS with `tls`), runs `body` with its base URL
    /// (`http://127.0.0.1:PORT`, `https://…`, `http://[::1]:PORT`) and shuts the server down on
    /// every path.
    public func withRunning<T: Sendable>(
        host: String = "127.0.0.1",
        tls: SimulatorTLS? = nil,
        _ body: (_ baseURL: String) async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self, returning: T.self) { group in
            let (ports, continuation) = AsyncStream<Int>.makeStream()
            group.addTask {
                defer { continuation.finish() }
                try await self.run(host: host, port: 0, tls: tls) { port in
                    continuation.yield(port)
                }
            }
            var bound: Int?
            for await port in ports {
                bound = port
                break
            }
            guard let port = bound else {
                // The server stopped before it was up: surface its error.
                try await group.waitForAll()
                throw SimulatorError("the simulated platform did not start")
            }
            do {
                let scheme = tls == nil ? "http" : "https"
                let authority = host.contains(":") ? "[\(host)]" : host
                let result = try await body("\(scheme)://\(authority):\(port)")
                group.cancelAll()
                try await group.waitForAll()
                return result
            } catch {
                group.cancelAll()
                try? await group.waitForAll()
                throw error
            }
        }
    }
}

/// Routes requests by the raw request target, so ids are decoded exactly as the platform would.
struct SimulatorResponder: HTTPResponder {
    typealias Context = BasicRequestContext
    let platform: SimulatedPlatform

    func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
        let target = request.head.path ?? "/"
        switch Route(target: target) {
        case .stats:
            switch request.method {
            case .get, .head:
                return Self.response(status: .ok, contentType: "application/json", body: platform.stats().jsonBytes())
            case .delete:
                platform.resetStats()
                return Self.response(status: .ok, contentType: "application/json", body: platform.stats().jsonBytes())
            default:
                return Self.response(status: .methodNotAllowed, contentType: "text/plain", body: Array("method not allowed\n".utf8))
            }
        case .taskCreate(let account):
            platform.arrive(account, host: request.head.authority ?? "")
            defer { platform.depart() }
            return await encoded(await answer(account: account, request: request), account: account, request: request)
        case .badRequest(let why):
            return Self.response(status: .badRequest, contentType: "text/plain; charset=utf-8", body: Array("\(why)\n".utf8))
        case .unknown:
            return Self.envelope(status: .notFound, code: 404, message: "Not Found")
        }
    }

    private func answer(account: SimAccount, request: Request) async -> Response {
        guard platform.admit() else {
            var response = Self.envelope(status: .tooManyRequests, code: 429, message: "请求过于频繁，请稍后再试")
            response.headers[.retryAfter] = "1"
            return response
        }
        let latency = platform.options.latency
        if latency > .zero {
            try? await Task.sleep(for: latency)
        }
        if let fault = platform.takeFault(for: account) {
            if case .slow(let seconds) = fault {
                if seconds > 0 { try? await Task.sleep(for: .milliseconds(Int64(min(seconds, 86_400) * 1000))) }
            } else {
                return faultResponse(fault, account: account)
            }
        }
        if let (header, value) = platform.options.expectedAuth {
            let sent = HTTPField.Name(header).flatMap { request.headers[$0] }
            if sent != value {
                return Self.envelope(status: .ok, code: 401, message: "未授权：令牌无效或已过期")
            }
        }
        guard let body = platform.answer(for: account) else {
            return Self.envelope(status: .notFound, code: 404, message: "用户不存在")
        }
        return Self.response(status: .ok, contentType: "application/json; charset=utf-8", body: body)
    }

    private func faultResponse(_ fault: Fault, account: SimAccount) -> Response {
        switch fault {
        case .status(let requested):
            // A code HTTP cannot carry is served as 500 rather than trapping in the HTTP layer.
            let code = (100...599).contains(requested) ? requested : 500
            let reasons = [500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"]
            return Self.envelope(status: HTTPResponse.Status(code: code), code: code, message: reasons[code] ?? "HTTP \(code)")
        case .tooManyRequests(let retryAfter):
            var response = Self.envelope(status: .tooManyRequests, code: 429, message: "请求过于频繁，请稍后再试")
            switch retryAfter {
            case .seconds(let seconds)?: response.headers[.retryAfter] = String(seconds)
            case .httpDate(let date)?: response.headers[.retryAfter] = CivilTime.httpDate(date)
            case nil: break
            }
            return response
        case .slow:
            // Not reached: `answer(account:request:)` serves a slow fault as a late normal answer.
            return Self.envelope(status: .ok, code: 200, message: "")
        case .closeConnection:
            let full = platform.answer(for: account) ?? Self.envelopeBytes(code: 200, message: "返回任务初始化信息成功")
            let half = Array(full.prefix(max(1, full.count / 2)))
            var headers = HTTPFields()
            headers[.contentType] = "application/json; charset=utf-8"
            return Response(
                status: .ok,
                headers: headers,
                body: ResponseBody(contentLength: full.count) { writer in
                    try await writer.write(ByteBuffer(bytes: half))
                    throw SimulatorError("connection closed mid-answer (planned fault)")
                }
            )
        case .html502:
            return Self.response(status: .badGateway, contentType: "text/html", body: Array(Self.gateway502.utf8))
        case .truncatedJSON:
            let full = platform.answer(for: account) ?? Self.envelopeBytes(code: 200, message: "返回任务初始化信息成功")
            return Self.response(status: .ok, contentType: "application/json; charset=utf-8", body: Array(full.prefix(max(1, full.count / 2))))
        case .htmlPage:
            return Self.response(status: .ok, contentType: "text/html; charset=utf-8", body: Array(Self.maintenancePage.utf8))
        case .envelopeError(let code, let message):
            return Self.envelope(status: .ok, code: code, message: message)
        case .notFound:
            return Self.envelope(status: .notFound, code: 404, message: "Not Found")
        }
    }

    static func response(status: HTTPResponse.Status, contentType: String, body: [UInt8]) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    static func envelope(status: HTTPResponse.Status, code: Int, message: String) -> Response {
        response(status: status, contentType: "application/json; charset=utf-8", body: envelopeBytes(code: code, message: message))
    }

    static func envelopeBytes(code: Int, message: String) -> [UInt8] {
        var writer = JSONWriter(capacity: 128)
        writer.beginObject()
        writer.key("code")
        writer.int(code)
        writer.key("status")
        writer.string(code == 200 ? "success" : "error")
        writer.key("message")
        writer.string(message)
        writer.key("data")
        writer.null()
        writer.endObject()
        return writer.bytes
    }

    static let gateway502 = """
        <html>\r
        <head><title>502 Bad Gateway</title></head>\r
        <body>\r
        <center><h1>502 Bad Gateway</h1></center>\r
        <hr><center>nginx</center>\r
        </body>\r
        </html>\r

        """

    static let maintenancePage = """
        <!DOCTYPE html>
        <html lang="zh-CN"><head><meta charset="utf-8"><title>系统维护中</title></head>
        <body><h1>系统维护中</h1><p>云蝠智能平台正在升级，请稍后再试。</p></body></html>

        """
}

/// The routes, read from the raw request target.
enum Route: Equatable {
    case taskCreate(SimAccount)
    case stats
    case badRequest(String)
    case unknown

    static let prefix = Array("/agent-api/new/user/".utf8)
    static let suffix = Array("/task/create".utf8)

    init(target: String) {
        let bytes = Array(target.utf8)
        let queryStart = bytes.firstIndex(of: UInt8(ascii: "?"))
        let path = bytes[..<(queryStart ?? bytes.endIndex)]
        let query = queryStart.map { bytes[($0 + 1)...] }
        if path.elementsEqual("/__stats".utf8) {
            self = .stats
            return
        }
        guard path.count > Self.prefix.count + Self.suffix.count,
              path.starts(with: Self.prefix),
              path.suffix(Self.suffix.count).elementsEqual(Self.suffix)
        else {
            self = .unknown
            return
        }
        let segment = path.dropFirst(Self.prefix.count).dropLast(Self.suffix.count)
        if segment.contains(UInt8(ascii: "/")) {
            self = .unknown
            return
        }
        guard let userID = PercentDecoding.decode(segment, plusAsSpace: false) else {
            self = .badRequest("malformed percent-encoding in user_id")
            return
        }
        var subUserID: String?
        if let query {
            for pair in query.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
                let eq = pair.firstIndex(of: UInt8(ascii: "="))
                let rawName = pair[..<(eq ?? pair.endIndex)]
                guard PercentDecoding.decode(rawName, plusAsSpace: true) == "sub_user_id" else { continue }
                let rawValue = eq.map { pair[($0 + 1)...] } ?? pair[pair.endIndex...]
                guard let value = PercentDecoding.decode(rawValue, plusAsSpace: true) else {
                    self = .badRequest("malformed percent-encoding in sub_user_id")
                    return
                }
                // PHP keeps the last value of a repeated parameter; an empty one is the main view.
                subUserID = value.isEmpty ? nil : value
            }
        }
        self = .taskCreate(SimAccount(userID: userID, subUserID: subUserID))
    }
}

enum PercentDecoding {
    /// Strict percent-decoding of a URI component to UTF-8 text; nil on a bad escape or invalid UTF-8.
    static func decode(_ bytes: some Collection<UInt8>, plusAsSpace: Bool) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var iterator = bytes.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    return nil
                }
                out.append(high << 4 | low)
            case UInt8(ascii: "+") where plusAsSpace:
                out.append(UInt8(ascii: " "))
            default:
                out.append(byte)
            }
        }
        return String(validating: out, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// Strict percent-encoding: everything but RFC 3986 unreserved characters.
    static func encode(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        let hex = Array("0123456789ABCDEF".unicodeScalars)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(hex[Int(byte >> 4)])
                out.unicodeScalars.append(hex[Int(byte & 0xF)])
            }
        }
        return out
    }
}

extension SimAccount {
    /// The request path and query for this account, ids percent-encoded strictly
    /// (everything but RFC 3986 unreserved characters): `/agent-api/new/user/{id}/task/create[?sub_user_id=…]`.
    public var requestPath: String {
        var path = "/agent-api/new/user/" + PercentDecoding.encode(userID) + "/task/create"
        if let subUserID {
            path += "?sub_user_id=" + PercentDecoding.encode(subUserID)
        }
        return path
    }
}
