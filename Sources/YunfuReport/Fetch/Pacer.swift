import Foundation
import Synchronization

/// The run-wide request rate: every request start, retries included, takes the next free slot.
///
/// - With `requests_per_second` > 0, slots are `1/rps` apart: the run's mean request rate never
///   exceeds it, whatever `max_concurrency` is.
/// - Whatever the setting, a throttled answer (429) slows the whole run, not only its own
///   request (cli-and-config.md, "A platform that throttles"): its `Retry-After` pauses every new
///   request until it passes, and the run's rate is cut multiplicatively (to 0.9 of the rate
///   the platform answered at over the last second, or of the current limit when that is lower);
///   while answers succeed it grows again additively (2 % of itself a second, at least 1 request/s),
///   never above a configured `requests_per_second`. A burst of 429s from the same moment is one
///   congestion: the rate is cut at most once a second. The AWS SDKs' "adaptive" retry mode and
///   TCP's AIMD are the models. `max_concurrency` still bounds the requests in flight.
///
/// Slots are handed out in call order; the wait happens outside the lock. A `Mutex`, not an
/// actor: every request takes a slot and every answer is counted, and a hop to an actor's
/// executor for each cost the fetch at 20 ms / 64 in flight a fifth of its speed (bench).
final class Pacer: Sendable {
    private struct State {
        /// The rate the run keeps to now: the ceiling until the first throttled answer, nil = none.
        var limit: Double?
        var nextSlot: ContinuousClock.Instant?
        var pausedUntil: ContinuousClock.Instant?
        var lastCut: ContinuousClock.Instant?
        var lastGrowth: ContinuousClock.Instant?
        /// The answers of the last second, for the rate the platform answered at.
        var recentAnswers: [ContinuousClock.Instant] = []
        var recentStart = 0
        /// How many throttled answers the run got.
        var throttledAnswers = 0
    }

    /// The configured ceiling, nil for none.
    private let ceiling: Double?
    private let state: Mutex<State>

    static let cutFactor = 0.9
    static let minimumRate = 1.0

    init(requestsPerSecond: Double) {
        ceiling = requestsPerSecond.isFinite && requestsPerSecond > 0 ? requestsPerSecond : nil
        state = Mutex(State(limit: ceiling))
    }

    /// The rate the run keeps to now (nil: none).
    var limit: Double? { state.withLock { $0.limit } }
    /// How many throttled answers the run got.
    var throttledAnswers: Int { state.withLock { $0.throttledAnswers } }
    /// Whether the run has had to adapt to the platform's limit.
    var adapted: Bool { throttledAnswers > 0 }

    /// Takes the next slot: now, or one interval after the previous slot, and never before a pause
    /// ends, whichever is latest.
    func reserve() -> ContinuousClock.Instant {
        let now = ContinuousClock.now
        return state.withLock { state in
            var slot = now
            if let pausedUntil = state.pausedUntil, pausedUntil > slot { slot = pausedUntil }
            guard let limit = state.limit else { return slot }
            if let nextSlot = state.nextSlot, nextSlot > slot { slot = nextSlot }
            state.nextSlot = slot + Duration.clampedSeconds(1 / limit)
            return slot
        }
    }

    /// Waits for the next slot, and then for a pause that a 429 began meanwhile (a slot taken
    /// before the pause does not go through it); throws `CancellationError` when the task is
    /// cancelled meanwhile.
    func waitForSlot() async throws {
        var until = reserve()
        while until > ContinuousClock.now {
            try await Task.sleep(until: until, clock: .continuous)
            until = state.withLock { $0.pausedUntil } ?? until
        }
        try Task.checkCancellation()
    }

    /// An answer that was not throttled: counts toward the rate the platform answers at and
    /// lets an adapted rate grow again.
    func answered() {
        let now = ContinuousClock.now
        let ceiling = ceiling
        state.withLock { state in
            state.recentAnswers.append(now)
            Self.trimRecent(&state, now: now)
            guard state.throttledAnswers > 0, let current = state.limit else { return }
            let since = state.lastGrowth ?? now
            guard now > since else { return }  // still inside a pause: no growth yet
            state.lastGrowth = now
            let seconds = (now - since).inSeconds
            var grown = current + max(Self.minimumRate, current * 0.02) * seconds
            if let ceiling { grown = min(grown, ceiling) }
            state.limit = grown
        }
    }

    /// A 429: pauses new requests for `retryAfter` seconds (when given) and cuts the rate, once per
    /// second at most. Returns true for the run's first throttled answer.
    func throttled(retryAfter: Double?) -> Bool {
        let now = ContinuousClock.now
        let ceiling = ceiling
        return state.withLock { state in
            state.throttledAnswers += 1
            let first = state.throttledAnswers == 1
            let measured = Self.answeringRate(&state, now: now)  // before this answer's own pause
            if let retryAfter, retryAfter > 0 {
                let until = now + Duration.clampedSeconds(retryAfter)
                if state.pausedUntil.map({ until > $0 }) ?? true { state.pausedUntil = until }
            }
            // No growth for the time paused, whether this answer cuts the rate or not.
            if let pausedUntil = state.pausedUntil, pausedUntil > now {
                state.lastGrowth = max(state.lastGrowth ?? pausedUntil, pausedUntil)
            }
            if let lastCut = state.lastCut, now - lastCut < .seconds(1) { return first }
            state.lastCut = now
            if state.lastGrowth.map({ $0 < now }) ?? true { state.lastGrowth = now }
            let floor = min(Self.minimumRate, ceiling ?? Self.minimumRate)
            var base = measured.map { measured in
                state.limit.map { min($0, max(measured, floor)) } ?? max(measured, floor)
            } ?? state.limit ?? floor
            if let ceiling { base = min(base, ceiling) }
            state.limit = max(floor, base * Self.cutFactor)
            state.nextSlot = nil
            return first
        }
    }

    /// The rate the platform answered at: the answers of the last second, or of the time since
    /// the last pause ended when that is shorter (a paused second holds no answers and says
    /// nothing about the platform's limit); nil while paused or when that time is under half a
    /// second.
    private static func answeringRate(_ state: inout State, now: ContinuousClock.Instant) -> Double? {
        trimRecent(&state, now: now)
        var since = now - .seconds(1)
        if let pausedUntil = state.pausedUntil, pausedUntil > since { since = pausedUntil }
        let window = (now - since).inSeconds
        guard window >= 0.5 else { return nil }
        let answers = state.recentAnswers[state.recentStart...].count { $0 >= since }
        return Double(answers) / window
    }

    private static func trimRecent(_ state: inout State, now: ContinuousClock.Instant) {
        while state.recentStart < state.recentAnswers.count, now - state.recentAnswers[state.recentStart] > .seconds(1) {
            state.recentStart += 1
        }
        if state.recentStart > 4_096 {
            state.recentAnswers.removeFirst(state.recentStart)
            state.recentStart = 0
        }
    }
}

extension Duration {
    /// `seconds` as a Duration, with nonsense (NaN, negative) as zero and absurd values cut to a year,
    /// so no setting from a configuration file can trap a conversion.
    static func clampedSeconds(_ seconds: Double) -> Duration {
        guard !seconds.isNaN, seconds > 0 else { return .zero }
        return .microseconds(Int64((min(seconds, 365 * 86_400) * 1_000_000).rounded()))
    }
}
