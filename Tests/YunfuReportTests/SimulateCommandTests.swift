import Foundation
import Testing

@testable import YunfuReport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `yunfu-report simulate` as a child process: a signal is its ordinary end. It says it stops the
/// simulated platform (not the job's "stopping the fetch…") and is gone within a second, exit 0,
/// even with a kept-alive and an idle connection open.
@Suite("simulate: SIGINT / SIGTERM", .serialized)
struct SimulateCommandTests {
    /// A TCP connection to 127.0.0.1:`port` (the descriptor), or nil.
    static func connect(port: Int) -> Int32? {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(fd)
            return nil
        }
        return fd
    }

    /// Sends one keep-alive request on `fd` and reads until the end of the answer's headers.
    static func request(_ fd: Int32, _ path: String) -> String {
        let text = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n"
        _ = text.utf8CString.withUnsafeBufferPointer { send(fd, $0.baseAddress, $0.count - 1, 0) }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !String(decoding: received, as: UTF8.self).contains("\r\n\r\n") {
            let count = recv(fd, &buffer, buffer.count, 0)
            guard count > 0 else { break }
            received += buffer[0..<count]
        }
        return String(decoding: received, as: UTF8.self)
    }

    @Test("A signal stops simulate promptly with its own message and exit 0", arguments: [SIGINT, SIGTERM])
    func aSignalStopsItPromptly(signo: Int32) async throws {
        let binary = try #require(ProcessSupport.binary, "build the executable first: swift build --build-tests")
        let dir = try JobHarness.temporaryDirectory("simulate-signal")
        defer { try? FileManager.default.removeItem(at: dir) }
        let child = try Child.start(
            executable: binary, arguments: ["simulate", "--port", "0", "--users", "3"],
            environment: ProcessInfo.processInfo.environment, in: dir, tag: "simulate")
        defer { child.stop() }
        // Standard output (a file: buffered) is flushed just after the line on standard error.
        try await ProcessSupport.waitUntil("simulate serves", child: child) {
            child.stderrText.contains("serving") && child.stdoutText.contains("report:\n  output_root:")
        }
        let stderr = child.stderrText
        let port = try #require(
            stderr.components(separatedBy: "http://127.0.0.1:").dropFirst().first
                .flatMap { Int($0.prefix { $0.isNumber }) }, "\(stderr)")
        #expect(child.stdoutText.contains("base_url: http://127.0.0.1:\(port)"))

        // A connection kept alive after an answer, and one that never sent anything.
        let kept = try #require(Self.connect(port: port))
        let idle = try #require(Self.connect(port: port))
        defer {
            close(kept)
            close(idle)
        }
        #expect(Self.request(kept, "/__stats").hasPrefix("HTTP/1.1 200"))

        // The end is seen by a thread of its own: the tasks of a loaded test process can wait
        // seconds for a turn, which would be counted against simulate.
        let watch = ExitWatch(child)
        let sent = ContinuousClock.now
        child.send(signo)
        let end = try await child.wait(timeout: .seconds(20))
        try await ProcessSupport.waitUntil("the watch saw the end", timeout: .seconds(5)) { watch.endedAt != nil }
        let took = try #require(watch.endedAt) - sent
        #expect(end == .exit(0), "\(child.stderrText)")
        #expect(took < .seconds(1), "simulate took \(took) to stop")
        let name = signo == SIGINT ? "SIGINT" : "SIGTERM"
        let said = child.stderrText
        #expect(said.contains("yunfu-report simulate: \(name) received: stopping the simulated platform"), "\(said)")
        #expect(!said.contains("fetch"), "\(said)")
    }
}

/// Notes when a child ends, polling every 2 ms on a thread of its own (started at once).
final class ExitWatch: @unchecked Sendable {
    // @unchecked: `ended` is only touched under `lock`.
    private let lock = NSLock()
    private var ended: ContinuousClock.Instant?
    private let started = DispatchSemaphore(value: 0)

    init(_ child: Child) {
        let thread = Thread { [self] in
            started.signal()
            while child.isRunning { usleep(2_000) }
            let now = ContinuousClock.now
            lock.withLock { ended = now }
        }
        thread.start()
        started.wait()
    }

    var endedAt: ContinuousClock.Instant? { lock.withLock { ended } }
}
