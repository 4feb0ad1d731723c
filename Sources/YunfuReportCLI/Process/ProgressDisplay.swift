import Foundation
import Synchronization
import YunfuReport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A live progress line on a terminal's standard error: accounts done/total, failed,
/// requests/s, elapsed, ETA. Redraws in place at most ten times a second; silent when standard
/// error is not a terminal (cron, systemd), where the log lines speak instead.
final class ProgressDisplay: Sendable {
    private struct State {
        var done = 0
        var failed = 0
        var requests = 0
        var lastDraw = ContinuousClock.now - .seconds(1)
        var drawn = false
        var finished = false
    }

    private let total: Int
    private let start = ContinuousClock.now
    private let state = Mutex(State())
    let enabled: Bool

    init(total: Int, enabled: Bool = isatty(STDERR_FILENO) == 1) {
        self.total = total
        self.enabled = enabled
    }

    func record(_ result: AccountResult) {
        guard enabled else { return }
        state.withLock { state in
            guard !state.finished else { return }
            state.done += 1
            state.requests += result.attempts
            if !result.isOK { state.failed += 1 }
            let now = ContinuousClock.now
            if now - state.lastDraw >= .milliseconds(100) || state.done == total {
                state.lastDraw = now
                draw(state, now: now)
                state.drawn = true
            }
            if state.done == total {
                // The last account is in: end the line now, so that the log lines of the writing
                // stage start on a fresh one instead of after the progress text.
                FileHandle.standardError.write(Data("\n".utf8))
                state.drawn = false
            }
        }
    }

    /// Ends the line so that what follows starts on a fresh one, and draws no more (an
    /// interrupt's note and the log lines of the writing stage follow).
    func finish() {
        guard enabled else { return }
        state.withLock { state in
            if state.drawn { FileHandle.standardError.write(Data("\n".utf8)) }
            state.drawn = false
            state.finished = true
        }
    }

    private func draw(_ state: State, now: ContinuousClock.Instant) {
        let elapsed = (now - start).inSeconds
        let rate = elapsed > 0 ? Double(state.requests) / elapsed : 0
        let remaining = total - state.done
        let eta = state.done > 0 && remaining > 0 ? elapsed / Double(state.done) * Double(remaining) : 0
        let width = 24
        let filled = total > 0 ? width * state.done / total : width
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let line =
            "\r\u{1B}[2K\(bar) \(state.done)/\(total) accounts  \(state.failed) failed  "
            + String(format: "%.0f req/s  ", rate) + "elapsed \(Self.clock(elapsed))  ETA \(Self.clock(eta))"
        FileHandle.standardError.write(Data(line.utf8))
    }

    static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        return String(format: "%02d:%02d", total / 60, total % 60)
    }
}
