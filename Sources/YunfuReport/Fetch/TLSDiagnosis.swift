import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL

/// Why a certificate was refused. BoringSSL reports every refused chain as the same
/// `CERTIFICATE_VERIFY_FAILED`; to tell an expired certificate from an unknown CA, this opens one
/// more connection (through the same proxy), takes the chain the server presents during the
/// handshake and aborts it there: nothing is sent over it and nothing in it is trusted.
enum TLSDiagnosis {
    /// The reason for `host:port`, given that the real request's verification failed.
    static func reason(host: String, port: Int, proxy: ProxyURL?, now: Date = Date()) async -> String {
        guard let chain = await presentedChain(host: host, port: port, proxy: proxy), !chain.isEmpty else {
            return NetworkFailure.untrusted
        }
        let seconds = Int(now.timeIntervalSince1970)
        if chain.contains(where: { Int($0.notValidAfter) < seconds }) { return NetworkFailure.expired }
        if chain.contains(where: { Int($0.notValidBefore) > seconds }) { return NetworkFailure.notYetValid }
        return NetworkFailure.untrusted
    }

    /// The certificates the server presents, nil when the handshake did not get that far.
    static func presentedChain(host: String, port: Int, proxy: ProxyURL?) async -> [NIOSSLCertificate]? {
        let captured = NIOLockedValueBox<[NIOSSLCertificate]?>(nil)
        let context: NIOSSLContext
        do {
            context = try NIOSSLContext(configuration: TLSConfiguration.makeClientConfiguration())
        } catch {
            return nil
        }
        let serverName = NoProxyList.addressBytes(host) == nil ? host : nil
        let tunnel = proxy.map { ProxyTunnel(target: host, port: port, proxy: $0) }
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(5))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let tls = try NIOSSLClientHandler(
                        context: context, serverHostname: serverName,
                        customVerificationCallback: { certificates, promise in
                            captured.withLockedValue { $0 = certificates }
                            promise.succeed(.failed)
                        })
                    if let tunnel {
                        try channel.pipeline.syncOperations.addHandler(ProxyTunnelHandler(tunnel: tunnel, then: tls))
                    } else {
                        try channel.pipeline.syncOperations.addHandler(tls)
                    }
                }
            }
        do {
            let channel = try await bootstrap.connect(host: proxy?.host ?? host, port: proxy?.port ?? port).get()
            let stop = channel.eventLoop.scheduleTask(in: .seconds(5)) { channel.close(promise: nil) }
            try? await channel.closeFuture.get()
            stop.cancel()
        } catch {
            return nil
        }
        return captured.withLockedValue { $0 }
    }
}

/// `CONNECT host:port` to the proxy, with its credentials.
struct ProxyTunnel: Sendable {
    let target: String
    let port: Int
    let proxy: ProxyURL

    var request: String {
        let authority = target.contains(":") ? "[\(target)]:\(port)" : "\(target):\(port)"
        var text = "CONNECT \(authority) HTTP/1.1\r\nHost: \(authority)\r\n"
        if let user = proxy.username {
            let credentials = Data("\(user):\(proxy.password?.reveal() ?? "")".utf8).base64EncodedString()
            text += "Proxy-Authorization: Basic \(credentials)\r\n"
        }
        return text + "\r\n"
    }
}

/// Opens the tunnel, then hands the channel to `then` (the TLS handler) and leaves.
final class ProxyTunnelHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private let tunnel: ProxyTunnel
    private var next: (any ChannelHandler)?
    private var answer: [UInt8] = []

    init(tunnel: ProxyTunnel, then next: any ChannelHandler) {
        self.tunnel = tunnel
        self.next = next
    }

    func channelActive(context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: tunnel.request)), promise: nil)
        context.fireChannelActive()
    }

    typealias OutboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        answer.append(contentsOf: buffer.readBytes(length: buffer.readableBytes) ?? [])
        guard let end = answer.firstRange(of: Array("\r\n\r\n".utf8)) else {
            if answer.count > 16 * 1024 { context.close(promise: nil) }
            return
        }
        let head = String(decoding: answer[..<end.lowerBound], as: UTF8.self)
        let statusLine = head.split(separator: "\r\n", maxSplits: 1).first.map(String.init) ?? ""
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, parts[1] == "200", let next else {
            context.close(promise: nil)
            return
        }
        self.next = nil
        do {
            try context.pipeline.syncOperations.addHandler(next, position: .after(self))
            context.pipeline.syncOperations.removeHandler(self, promise: nil)
        } catch {
            context.close(promise: nil)
        }
    }
}
