import Dispatch
import Foundation
import YunfuReport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SIGINT / SIGTERM during a run: the first one stops the fetch (the run then writes what it has,
/// marked incomplete); one that arrives after every answer is in changes nothing; a second one
/// ends the process at once with 130 / 143, writing nothing.
final class InterruptController: @unchecked Sendable {
    // @unchecked: all mutable state is touched under `lock`.
    private let lock = NSLock()
    private var sources: [any DispatchSourceSignal] = []
    private var signals = 0
    private var fetchDone = false
    private var onInterrupt: (@Sendable (Int32) -> Void)?
    private var beforeNote: (@Sendable () -> Void)?

    /// `beforeNote` runs before the note about a signal is printed (it ends the progress line).
    func install(
        beforeNote: @escaping @Sendable () -> Void = {}, onInterrupt: @escaping @Sendable (Int32) -> Void
    ) {
        lock.withLock {
            self.onInterrupt = onInterrupt
            self.beforeNote = beforeNote
        }
        for signo in [SIGINT, SIGTERM] {
            signal(signo, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signo, queue: .global())
            source.setEventHandler { [weak self] in self?.received(signo) }
            source.resume()
            lock.withLock { sources.append(source) }
        }
    }

    /// Every answer is in: a first signal from now on does not make the run incomplete.
    func markFetchDone() {
        lock.withLock { fetchDone = true }
    }

    private func received(_ signo: Int32) {
        let (count, done, handler, prepare) = lock.withLock {
            () -> (Int, Bool, (@Sendable (Int32) -> Void)?, (@Sendable () -> Void)?) in
            signals += 1
            return (signals, fetchDone, onInterrupt, beforeNote)
        }
        if count >= 2 {
            // Stopped at once: the staging directory is left for the next run to remove.
            _exit(128 + signo)
        }
        prepare?()
        let name = signo == SIGINT ? "SIGINT" : "SIGTERM"
        if done {
            printError("yunfu-report: \(name) received after every answer was in; finishing the run (send it again to stop at once)")
        } else {
            printError("yunfu-report: \(name) received: stopping the fetch and writing what is in, marked incomplete (send it again to stop at once)")
            handler?(signo)
        }
    }
}
