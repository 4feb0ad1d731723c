import Foundation
import YunfuSimulator

/// The figures of one measured run, as `yunfu-report bench` prints them.
struct BenchMeasurement: CustomStringConvertible {
    var scenario: BenchScenario
    var wall: Double
    var exitStatus: Int32
    var usage: ChildProcess.Usage
    var stats: SimulatorStats
    /// Whether the job asked for compressed answers.
    var compression: Bool = true
    /// Bytes of every answer the job asked for, rendered by the same generator.
    var answerBytes: Int
    /// Unix seconds (this machine's clock, as the server's) when the job was started and reaped.
    var spawnedAt: Double, reapedAt: Double
    /// CPU time of the simulated platform while the job ran (nil when /proc cannot say).
    var serverCPU: Double?
    /// The end of the job's standard error, when the measurement is not valid.
    var errorTail = ""
    /// For an unreachable platform: what the run wrote.
    var unreachable: Unreachable?

    /// The accounts of an unreachable platform's run, from its `accounts.csv`.
    struct Unreachable {
        var rows = 0
        var failed = 0
        /// Failed with the connection-level reason itself (the accounts that decided).
        var failedWithReason = 0
        var notAttempted = 0
        /// The one reason every not-attempted account names (nil when none, or several).
        var reason: String?
        /// Lines of the job's standard error that say "platform unreachable".
        var errorLines = 0
    }

    var accounts: Int { scenario.accounts }
    var ideal: Double { Double(accounts) * Double(scenario.latencyMs) / 1000 / Double(scenario.concurrency) }
    /// N ÷ R: the shortest a run can take at the platform's limit.
    var idealAtLimit: Double? { scenario.rateLimit.map { Double(accounts) / $0 } }
    var fetchPhase: Double {
        guard let first = stats.firstRequestAt, let last = stats.lastResponseAt else { return 0 }
        return last - first
    }
    /// The share of the requests the platform answered 429.
    var throttledShare: Double { stats.requests > 0 ? Double(stats.throttled) / Double(stats.requests) : 0 }

    /// Whether the figures describe the run asked for: exit 0 and every account asked (once,
    /// unless it was throttled); for an unreachable platform, exit 1 and every account failed with
    /// the one reason named.
    var valid: Bool {
        if let unreachable {
            return exitStatus == 1 && unreachable.rows == accounts && unreachable.failed == accounts
                && unreachable.reason != nil
                && unreachable.failedWithReason + unreachable.notAttempted == accounts
        }
        return exitStatus == 0 && stats.requests == accounts + stats.throttled && stats.perAccount.count == accounts
    }

    private func f(_ x: Double, _ digits: Int = 3) -> String { String(format: "%.\(digits)f", x) }

    var description: String {
        var text = "\n\nscenario: \(scenario.title) (exit \(exitStatus))\n"
        if let unreachable {
            text += unreachableLines(unreachable)
        } else {
            text += answeringLines()
        }
        if !valid {
            text += scenario.unreachable
                ? "\n  NOT A VALID MEASUREMENT: the job must exit 1 with every account failed for the one reason"
                : "\n  NOT A VALID MEASUREMENT: the job must exit 0 and each account be asked (once, unless throttled)"
            if !errorTail.isEmpty { text += "\n  the job's standard error ended with:\n" + errorTail }
        }
        return text
    }

    private func answeringLines() -> String {
        func ratio(_ x: Double) -> String { ideal > 0 ? f(x / ideal) : "n/a (ideal 0)" }
        let startup = stats.firstRequestAt.map { f($0 - spawnedAt) } ?? "?"
        let after = stats.lastResponseAt.map { f(reapedAt - $0) } ?? "?"
        var text = """
              answers served:      \(stats.requests) requests for \(stats.perAccount.count) accounts, mean answer \(answerBytes / max(1, accounts)) bytes (\(f(Double(answerBytes) / 1_048_576, 1)) MiB in all)
              on the wire:         \(stats.bodyBytes) body bytes, \(stats.compressedAnswers) answers compressed (compression: \(compression))
              wall time:           \(f(wall)) s   (\(f(Double(accounts) / wall, 0)) accounts/s)
                start → 1st request: \(startup) s (process start, configuration, accounts file)
                fetch phase:       \(f(fetchPhase)) s (first request to last answer, server clock)
                last answer → exit: \(after) s (aggregate, writers, manifest, commit)
              in flight (server):  mean \(f(stats.meanInFlight, 1)), max \(stats.maxInFlight)
              job CPU (user+sys):  \(f(usage.cpu)) s (user \(f(usage.user)), sys \(f(usage.system)))
              job peak RSS:        \(f(Double(usage.maxRSSKiB) / 1024, 1)) MiB
              server CPU:          \(serverCPU.map { f($0) + " s (the simulated platform, same 2 cores)" } ?? "unknown")
            """
        if let idealAtLimit, let limit = scenario.rateLimit {
            text += """

                  answered 429:        \(stats.throttled) of \(stats.requests) requests (\(f(100 * throttledShare, 1)) %)
                  N ÷ R:               \(f(idealAtLimit)) s (\(accounts) accounts at \(Int(limit)) requests/s)
                  fetch / (N ÷ R):     \(f(fetchPhase / idealAtLimit))
                  wall / (N ÷ R):      \(f(wall / idealAtLimit))
                """
        } else {
            text += """

                  ideal N×lat/conc:    \(f(ideal)) s
                  fetch / ideal:       \(ratio(fetchPhase))
                  wall / ideal:        \(ratio(wall))
                """
        }
        return text
    }

    private func unreachableLines(_ figures: Unreachable) -> String {
        """
          wall time:           \(f(wall)) s
          accounts failed:     \(figures.failed) of \(accounts) (accounts.csv: \(figures.rows) rows)
            with the reason:   \(figures.failedWithReason) (the accounts that decided)
            not attempted:     \(figures.notAttempted)
          the reason:          \(figures.reason ?? "none, or not one")
          error lines:         \(figures.errorLines) saying "platform unreachable" on standard error
          job CPU (user+sys):  \(f(usage.cpu)) s, peak RSS \(f(Double(usage.maxRSSKiB) / 1024, 1)) MiB
        """
    }
}
