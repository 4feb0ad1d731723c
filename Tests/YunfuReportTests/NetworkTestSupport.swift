import Foundation
import NIOSSL
import Testing
import YunfuSimulator

@testable import YunfuReport

#if canImport(Glibc)
import Glibc
#endif

/// A private CA and server certificates for 127.0.0.1, made by the `openssl` command in a
/// temporary folder.
struct TestPKI {
    let folder: URL
    var caFile: URL { folder.appendingPathComponent("ca.pem") }
    var keyFile: URL { folder.appendingPathComponent("server.key") }
    /// Valid for two days, for 127.0.0.1, ::1 and localhost.
    var serverCertificate: URL { folder.appendingPathComponent("server.pem") }
    /// Expired yesterday.
    var expiredCertificate: URL { folder.appendingPathComponent("expired.pem") }
    /// Valid, but for `other.example` only.
    var otherHostCertificate: URL { folder.appendingPathComponent("other-host.pem") }

    static let openssl: String? = ["/usr/bin/openssl", "/bin/openssl"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    init() throws {
        let openssl = try #require(Self.openssl, "openssl is missing: scripts/install-deps.sh --test installs it")
        folder = try JobHarness.temporaryDirectory("pki")
        func run(_ arguments: [String]) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: openssl)
            process.arguments = arguments
            process.currentDirectoryURL = folder
            process.standardOutput = FileHandle.nullDevice
            let errors = Pipe()
            process.standardError = errors
            try process.run()
            let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw ProcessSupport.Failure("openssl \(arguments.prefix(2).joined(separator: " ")) failed: \(text)")
            }
        }
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try run(
            ["req", "-x509"] + ec + [
                "-keyout", "ca.key", "-out", "ca.pem", "-days", "30", "-subj", "/CN=Yunfu Test CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ])
        try run(["req"] + ec + ["-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"])
        let serverAuth = "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
        try Data(("subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost\n" + serverAuth).utf8)
            .write(to: folder.appendingPathComponent("loopback.ext"))
        try Data(("subjectAltName=DNS:other.example\n" + serverAuth).utf8)
            .write(to: folder.appendingPathComponent("other.ext"))
        let sign = ["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key"]
        try run(sign + ["-set_serial", "2", "-days", "2", "-extfile", "loopback.ext", "-out", "server.pem"])
        try run(sign + ["-set_serial", "3", "-days", "-1", "-extfile", "loopback.ext", "-out", "expired.pem"])
        try run(sign + ["-set_serial", "4", "-days", "2", "-extfile", "other.ext", "-out", "other-host.pem"])
    }

    /// Made on a thread of its own: the `openssl` runs wait for their processes, which must not
    /// hold one of the few threads every async test shares.
    static func make() async throws -> TestPKI {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try TestPKI() })
            }
        }
    }

    func tls(_ certificate: URL) -> SimulatorTLS {
        SimulatorTLS(certificateChainFile: certificate.path, privateKeyFile: keyFile.path)
    }

    /// The CA as `ca_file` would give it.
    func trustingCA() throws -> NetworkSettings {
        var network = NetworkSettings()
        network.caFile = caFile.path
        network.extraTrustRoots = try NIOSSLCertificate.fromPEMFile(caFile.path)
        return network
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }
}

/// Debian's tinyproxy on a free loopback port, with its own configuration and log, for one test.
final class TinyProxy: @unchecked Sendable {
    // @unchecked: `process` is set once in `init`.
    static let binary: String? = ["/usr/bin/tinyproxy", "/usr/sbin/tinyproxy"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    let port: Int
    let folder: URL
    let process: Process
    var logFile: URL { folder.appendingPathComponent("tinyproxy.log") }

    /// Starts it; `credentials` as `user:password` turns on BasicAuth.
    init(credentials: (user: String, password: String)? = nil) async throws {
        let binary = try #require(
            Self.binary, "tinyproxy is missing: `make test` (scripts/install-deps.sh --test) installs it")
        folder = try JobHarness.temporaryDirectory("tinyproxy")
        port = try Self.freePort()
        var config = """
            Port \(port)
            Listen 127.0.0.1
            Timeout 30
            LogFile "\(folder.appendingPathComponent("tinyproxy.log").path)"
            LogLevel Connect
            MaxClients 64

            """
        if let credentials { config += "BasicAuth \(credentials.user) \(credentials.password)\n" }
        let configFile = folder.appendingPathComponent("tinyproxy.conf")
        try Data(config.utf8).write(to: configFile)
        process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["-d", "-c", configFile.path]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Up when it accepts a connection.
        let deadline = ContinuousClock.now + .seconds(10)
        while !Self.accepts(port: port) {
            guard process.isRunning, ContinuousClock.now < deadline else {
                stop()
                throw ProcessSupport.Failure("tinyproxy did not start on port \(port): \(log)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    var log: String {
        String(decoding: FileManager.default.contents(atPath: logFile.path) ?? Data(), as: UTF8.self)
    }

    /// The `CONNECT host:port` requests it logged.
    var connects: [String] {
        log.split(separator: "\n").compactMap { line in
            guard let range = line.range(of: "Request (file descriptor") else { return nil }
            let rest = line[range.upperBound...]
            guard let colon = rest.firstIndex(of: ":") else { return nil }
            let request = rest[rest.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            return request.hasPrefix("CONNECT ") ? request : nil
        }
    }

    /// SIGKILL by its own pid, whatever `Process.isRunning` says (it has been seen to say false
    /// while tinyproxy, which may linger after SIGTERM, still ran): nothing of it is needed
    /// afterwards but its log, already read. Never waits.
    func stop() {
        kill(process.processIdentifier, SIGKILL)
        try? FileManager.default.removeItem(at: folder)
    }

    /// A port nothing listens on right now (bound to 0, read back, closed).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ProcessSupport.Failure("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw ProcessSupport.Failure("bind() failed") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw ProcessSupport.Failure("getsockname() failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}

enum NetworkRuns {
    /// Every CSV file of a run directory, by name.
    static func csvFiles(_ dir: URL) throws -> [String: [UInt8]] {
        try ProcessSupport.snapshot(dir).filter { $0.key.hasSuffix(".csv") }
    }

    /// The `error` column of accounts.csv, one per account.
    static func errors(_ dir: URL) throws -> [String] {
        try JobHarness.table(dir, .accounts).map { $0["error"] ?? "?" }
    }
}
