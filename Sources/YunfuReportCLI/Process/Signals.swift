import Foundation
import Synchronization
import UnixSignals

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SIGINT / SIGTERM during a run: the first one stops the fetch (the run then writes what it has,
/// marked incomplete); one that arrives after every answer is in changes nothing; a second one
/// ends the process at once with 130 / 143, writing nothing (the staging directory is left for the
/// next run to remove). The signals arrive as swift-service-lifecycle's `UnixSignalsSequence`.
final class RunInterrupts: Sendable {
    private let fetchDone = Mutex(false)
    private let signals: UnixSignalsSequence

    /// Starts trapping SIGINT and SIGTERM (they no longer end the process on their own).
    init() async {
        signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
    }

    /// Every answer is in: a first signal from now on does not make the run incomplete.
    func markFetchDone() {
        fetchDone.withLock { $0 = true }
    }

    /// Handles the signals until the calling task is cancelled. `beforeNote` runs before the note
    /// about a signal is printed (it ends the progress line); `interrupt` stops the fetch.
    func watch(beforeNote: @Sendable () -> Void, interrupt: @Sendable () -> Void) async {
        var received = 0
        for await signal in signals {
            received += 1
            if received >= 2 { _exit(128 + signal.rawValue) }
            beforeNote()
            let name = signal == .sigint ? "SIGINT" : "SIGTERM"
            if fetchDone.withLock({ $0 }) {
                printError("yunfu-report: \(name) received after every answer was in; finishing the run (send it again to stop at once)")
            } else {
                printError("yunfu-report: \(name) received: stopping the fetch and writing what is in, marked incomplete (send it again to stop at once)")
                interrupt()
            }
        }
    }
}

/// SIGINT / SIGTERM for a command that serves until it is stopped (`simulate`), unlike a run's
/// (`RunInterrupts`): a signal is the ordinary end. It says what stops, asks the server to stop,
/// and the process ends with exit 0 within `grace` even if connections are still open (there is
/// nothing to write); a second signal ends it at once with 128 + the signal.
enum StopSignals {
    /// Handles the signals until the calling task is cancelled. `what` ends the sentence
    /// "SIGTERM received: …" (e.g. "stopping the simulated platform").
    static func watch(
        _ signals: UnixSignalsSequence, prefix: String, what: String, grace: Duration = .milliseconds(200),
        stop: @Sendable () -> Void
    ) async {
        var received = 0
        for await signal in signals {
            received += 1
            guard received == 1 else { _exit(128 + signal.rawValue) }
            printError("\(prefix): \(signal == .sigint ? "SIGINT" : "SIGTERM") received: \(what)")
            stop()
            Task.detached {
                // The server did not finish closing its connections in time: nothing is lost by
                // ending now.
                try? await Task.sleep(for: grace)
                fflush(nil)
                _exit(0)
            }
        }
    }
}
