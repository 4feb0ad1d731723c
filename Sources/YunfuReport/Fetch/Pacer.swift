import Foundation

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
/// Slots are handed out in call order; the wait happens outside the actor.
actor Pacer {
    /// The configured ceiling, nil for none.
    private let ceiling: Double?
    /// The rate the run keeps to now: the ceiling until the first throttled answer, nil = none.
    private(set) var limit: Double?
    private var nextSlot: ContinuousClock.Instant?
    private var pausedUntil: ContinuousClock.Instant?
    private var lastCut: ContinuousClock.Instant?
    private var lastGrowth: ContinuousClock.Instant?
    /// The answers of the last second, for the rate the platform answered at.
    private var recentAnswers: [ContinuousClock.Instant] = []
    private var recentStart = 0
    /// How many throttled answers the run got.
    private(set) var throttledAnswers = 0

    static let cutFactor = 0.9
    static let minimumRate = 1.0

    init(requestsPerSecond: Double) {
        ceiling = requestsPerSecond.isFinite && requestsPerSecond > 0 ? requestsPerSecond : nil
        limit = ceiling
    }

    /// Whether the run has had to adapt to the platform's limit.
    var adapted: Bool { throttledAnswers > 0 }

    /// Takes the next slot: now, or one interval after the previous slot, and never before a pause
    /// ends, whichever is latest.
    func reserve() -> ContinuousClock.Instant {
        let now = ContinuousClock.now
        var slot = now
        if let pausedUntil, pausedUntil > slot { slot = pausedUntil }
        guard let limit else { return slot }
        if let nextSlot, nextSlot > slot { slot = nextSlot }
        nextSlot = slot + Duration.clampedSeconds(1 / limit)
        return slot
    }

    /// Waits for the next slot; throws `CancellationError` when the task is cancelled meanwhile.
    nonisolated func waitForSlot() async throws {
        let slot = await reserve()
        if slot > ContinuousClock.now {
            try await Task.sleep(until: slot, clock: .continuous)
        }
        try Task.checkCancellation()
    }

    /// An answer that was not throttled: counts toward the rate the platform answers at and
    /// lets an adapted rate grow again.
    func answered() {
        let now = ContinuousClock.now
        recentAnswers.append(now)
        trimRecent(now: now)
        guard adapted, let current = limit else { return }
        let since = lastGrowth ?? now
        guard now > since else { return }  // still inside a pause: no growth yet
        lastGrowth = now
        let seconds = (now - since).inSeconds
        var grown = current + max(Self.minimumRate, current * 0.02) * seconds
        if let ceiling { grown = min(grown, ceiling) }
        limit = grown
    }

    /// A 429: pauses new requests for `retryAfter` seconds (when given) and cuts the rate, once per
    /// second at most. Returns true for the run's first throttled answer.
    func throttled(retryAfter: Double?) -> Bool {
        let now = ContinuousClock.now
        throttledAnswers += 1
        if let retryAfter, retryAfter > 0 {
            let until = now + Duration.clampedSeconds(retryAfter)
            if pausedUntil.map({ until > $0 }) ?? true { pausedUntil = until }
        }
        if let lastCut, now - lastCut < .seconds(1) { return throttledAnswers == 1 }
        lastCut = now
        lastGrowth = (pausedUntil ?? now) > now ? pausedUntil : now
        trimRecent(now: now)
        let answering = Double(recentAnswers.count - recentStart)
        var base = limit.map { min($0, max(answering, Self.minimumRate)) } ?? max(answering, Self.minimumRate)
        if let ceiling { base = min(base, ceiling) }
        limit = max(Self.minimumRate, base * Self.cutFactor)
        nextSlot = nil
        return throttledAnswers == 1
    }

    private func trimRecent(now: ContinuousClock.Instant) {
        while recentStart < recentAnswers.count, now - recentAnswers[recentStart] > .seconds(1) {
            recentStart += 1
        }
        if recentStart > 4_096 {
            recentAnswers.removeFirst(recentStart)
            recentStart = 0
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
