/// The run-wide rate limit (`requests_per_second` > 0): every request start, retries included,
/// takes the next free slot, slots `1/rps` apart, so the run's mean request rate never exceeds the
/// limit whatever `max_concurrency` is. Slots are handed out in call order; the wait happens
/// outside the actor.
actor Pacer {
    private let interval: Duration
    private var nextSlot: ContinuousClock.Instant?

    /// nil when `requestsPerSecond` is 0, negative or not a number: no limit.
    init?(requestsPerSecond: Double) {
        guard requestsPerSecond.isFinite, requestsPerSecond > 0 else { return nil }
        interval = Duration.clampedSeconds(1 / requestsPerSecond)
    }

    /// Takes the next slot: now, or `interval` after the previous slot, whichever is later.
    func reserve() -> ContinuousClock.Instant {
        let now = ContinuousClock.now
        let slot = nextSlot.map { max($0, now) } ?? now
        nextSlot = slot + interval
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
}

extension Duration {
    /// `seconds` as a Duration, with nonsense (NaN, negative) as zero and absurd values cut to a year,
    /// so no setting from a configuration file can trap a conversion.
    static func clampedSeconds(_ seconds: Double) -> Duration {
        guard !seconds.isNaN, seconds > 0 else { return .zero }
        return .microseconds(Int64((min(seconds, 365 * 86_400) * 1_000_000).rounded()))
    }
}
