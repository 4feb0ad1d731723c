import Dispatch
import Foundation
import YunfuReport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SIGINT / SIGTERM for a command that serves until it is stopped (`simulate`), unlike a run's
/// (`InterruptController`): a signal is the ordinary end. It says what stops, asks the server to
/// stop, and the process ends with exit 0 within `grace` even if connections are still open (there
/// is nothing to write); a second signal ends it at once with 128 + the signal.
final class StopSignals: @unchecked Sendable {
    // @unchecked: `received` is only touched under `lock`; the sources are set once in `install`.
    private let lock = NSLock()
    private var received = 0
    private var sources: [any DispatchSourceSignal] = []
    let grace: DispatchTimeInterval

    init(grace: DispatchTimeInterval = .milliseconds(200)) {
        self.grace = grace
    }

    /// `what` ends the sentence "SIGTERM received: …" (e.g. "stopping the simulated platform").
    func install(prefix: String, what: String, stop: @escaping @Sendable () -> Void) {
        var made: [any DispatchSourceSignal] = []
        for signo in [SIGINT, SIGTERM] {
            signal(signo, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signo, queue: .global())
            // A strong `self`: the sources and this object live as long as the process.
            source.setEventHandler { [self] in self.handle(signo, prefix: prefix, what: what, stop: stop) }
            source.resume()
            made.append(source)
        }
        lock.withLock { sources = made }
    }

    private func handle(_ signo: Int32, prefix: String, what: String, stop: @Sendable () -> Void) {
        let count = lock.withLock { () -> Int in
            received += 1
            return received
        }
        guard count == 1 else { _exit(128 + signo) }
        printError("\(prefix): \(signo == SIGINT ? "SIGINT" : "SIGTERM") received: \(what)")
        stop()
        DispatchQueue.global().asyncAfter(deadline: .now() + grace) {
            // The server did not finish closing its connections in time: nothing is lost by
            // ending now.
            fflush(nil)
            _exit(0)
        }
    }
}
