import Foundation
import YunfuReport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A live progress line on a terminal's standard error: accounts done/total, failed,
/// requests/s, elapsed, ETA. Redraws in place at most ten times a second; silent when standard
/// error is not a terminal (cron, systemd), where the log lines speak instead.
final class ProgressDisplay: @unchecked Sendable {
    // @unchecked: mutable state is touched under `lock`.
    private let lock = NSLock()
    private let total: Int
    private let start = ContinuousClock.now
    private var done = 0
    private var failed = 0
    private var requests = 0
    private var lastDraw = ContinuousClock.now - .seconds(1)
    private var drawn = false
    private var finished = false
    let enabled: Bool

    init(total: Int, enabled: Bool = isatty(STDERR_FILENO) == 1) {
        self.total = total
        self.enabled = enabled
    }

    func record(_ result: AccountResult) {
        guard enabled else { return }
        lock.withLock {
            guard !finished else { return }
            done += 1
            requests += result.attempts
            if !result.isOK { failed += 1 }
            let now = ContinuousClock.now
            if now - lastDraw >= .milliseconds(100) || done == total {
                lastDraw = now
                draw(now: now)
            }
            if done == total {
                // The last account is in: end the line now, so that the log lines of the writing
                // stage start on a fresh one instead of after the progress text.
                FileHandle.standardError.write(Data("\n".utf8))
                drawn = false
            }
        }
    }

    /// Ends the line so that what follows starts on a fresh one, and draws no more (an
    /// interrupt's note and the log lines of the writing stage follow).
    func finish() {
        guard enabled else { return }
        lock.withLock {
            if drawn { FileHandle.standardError.write(Data("\n".utf8)) }
            drawn = false
            finished = true
        }
    }

    private func draw(now: ContinuousClock.Instant) {
        let elapsed = (now - start).inSeconds
        let rate = elapsed > 0 ? Double(requests) / elapsed : 0
        let remaining = total - done
        let eta = done > 0 && remaining > 0 ? elapsed / Double(done) * Double(remaining) : 0
        let width = 24
        let filled = total > 0 ? width * done / total : width
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let line =
            "\r\u{1B}[2K\(bar) \(done)/\(total) accounts  \(failed) failed  "
            + String(format: "%.0f req/s  ", rate) + "elapsed \(Self.clock(elapsed))  ETA \(Self.clock(eta))"
        FileHandle.standardError.write(Data(line.utf8))
        drawn = true
    }

    static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        return String(format: "%02d:%02d", total / 60, total % 60)
    }
}
