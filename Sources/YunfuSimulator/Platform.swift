import Foundation

/// The simulated 云蝠 platform: a generated fleet of accounts, their answers, planned faults and
/// what the server saw. Thread-safe; one instance may serve several servers at once.
public final class SimulatedPlatform: Sendable {
    public let options: SimulatorOptions
    let fleet: Fleet
    private let state: Locked<State>

    struct State {
        var overrides: [SimAccount: [UInt8]] = [:]
        var removed: Set<SimAccount> = []
        var plans: [SimAccount: ArraySlice<Fault>] = [:]
        var seededFaultServed: Set<SimAccount> = []
        var gzipBombs: Set<SimAccount> = []
        var stats = StatsRecorder()
        var bucket: TokenBucket?
    }

    public init(options: SimulatorOptions = SimulatorOptions()) {
        self.options = options
        self.fleet = Fleet(spec: options.fleet, drifts: options.drifts)
        var state = State()
        state.bucket = options.rateLimit.map { TokenBucket(rate: $0, now: ContinuousClock.now) }
        self.state = Locked(state)
    }

    /// Takes a token of the rate limit; false (and counted as throttled) when there is none.
    func admit() -> Bool {
        let now = ContinuousClock.now
        return state.withLock { state in
            guard var bucket = state.bucket else { return true }
            let admitted = bucket.take(now: now)
            state.bucket = bucket
            if !admitted { state.stats.throttled += 1 }
            return admitted
        }
    }

    /// The generated fleet in order: each user's main view, then its subs.
    public var accounts: [SimAccount] { fleet.accounts }

    /// The drifts planted in this account's generated answer (empty for accounts not generated).
    public func drifts(for account: SimAccount) -> Set<Drift> {
        guard let index = fleet.index[account] else { return [] }
        return fleet.drifts(forAccountAt: index)
    }

    /// The normal JSON body served for this account, nil when it is unknown (HTTP 404).
    public func answer(for account: SimAccount) -> [UInt8]? {
        let known: [UInt8]?? = state.withLock { state in
            if state.removed.contains(account) { return .some(nil) }
            if let body = state.overrides[account] { return .some(body) }
            return nil
        }
        if let known { return known }
        guard let index = fleet.index[account] else { return nil }
        return fleet.render(accountAt: index)
    }

    /// Serve this body for the account from now on (also for accounts outside the generated fleet).
    public func setAnswer(_ body: [UInt8], for account: SimAccount) {
        state.withLock { state in
            state.removed.remove(account)
            state.overrides[account] = body
        }
    }

    /// Forget the account: it answers HTTP 404 from now on.
    public func removeAnswer(for account: SimAccount) {
        state.withLock { state in
            state.overrides[account] = nil
            state.removed.insert(account)
        }
    }

    /// Queue faults: the account's next request gets `faults[0]`, the one after `faults[1]`…,
    /// then normal answers again. Appends to faults already planned.
    public func plan(_ faults: [Fault], for account: SimAccount) {
        state.withLock { state in
            state.plans[account, default: []].append(contentsOf: faults)
        }
    }

    /// The fault the seeded `faultRate` gives this account's first request, if any.
    public func seededFault(for account: SimAccount) -> Fault? {
        let kinds = options.faultKinds
        guard options.faultRate > 0, !kinds.isEmpty else { return nil }
        var hasher = FNV1a()
        hasher.combine(options.fleet.seed)
        hasher.combine(account.userID.utf8)
        if let sub = account.subUserID {
            hasher.combine(UInt8(1))
            hasher.combine(sub.utf8)
        }
        var rng = SplitMix64(seed: hasher.value)
        guard rng.unit() < options.faultRate else { return nil }
        return kinds[Int(rng.next() % UInt64(kinds.count))]
    }

    public func stats() -> SimulatorStats {
        let now = Date().timeIntervalSince1970
        return state.withLock { $0.stats.snapshot(now: now) }
    }

    public func resetStats() {
        state.withLock { $0.stats = StatsRecorder() }
    }

    // MARK: Serving

    func arrive(_ account: SimAccount, host: String = "") {
        let now = Date().timeIntervalSince1970
        let key = account.key
        state.withLock { $0.stats.arrive(key: key, host: host, now: now) }
    }

    /// Counts an answer's body as sent (`bytes` on the wire, after any compression).
    func sent(bodyBytes bytes: Int, compressed: Bool) {
        state.withLock { state in
            state.stats.bodyBytes += bytes
            if compressed { state.stats.compressedAnswers += 1 }
        }
    }

    /// From now on this account's answers are a gzip bomb: ~64 KiB that inflate past 64 MiB.
    public func plantGzipBomb(for account: SimAccount) {
        // Made now (once per process), not while a request waits for it.
        _ = GzipBomb.bytes
        _ = state.withLock { $0.gzipBombs.insert(account) }
    }

    func isGzipBomb(_ account: SimAccount) -> Bool {
        state.withLock { $0.gzipBombs.contains(account) }
    }

    func depart() {
        let now = Date().timeIntervalSince1970
        state.withLock { $0.stats.depart(now: now) }
    }

    /// The fault due for this request, consuming it: a planned one first, else the seeded one
    /// (on the account's first request only).
    func takeFault(for account: SimAccount) -> Fault? {
        let seeded = seededFault(for: account)
        return state.withLock { state in
            if var queue = state.plans[account], let fault = queue.popFirst() {
                state.plans[account] = queue.isEmpty ? nil : queue
                return fault
            }
            if let seeded, !state.seededFaultServed.contains(account) {
                state.seededFaultServed.insert(account)
                return seeded
            }
            return nil
        }
    }
}

/// `rate` tokens a second, `rate` at most (at least 1): one second's burst.
struct TokenBucket {
    let rate: Double
    let capacity: Double
    private var tokens: Double
    private var updated: ContinuousClock.Instant

    init(rate: Double, now: ContinuousClock.Instant) {
        self.rate = rate
        capacity = max(1, rate)
        tokens = capacity
        updated = now
    }

    mutating func take(now: ContinuousClock.Instant) -> Bool {
        let elapsed = now - updated
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        tokens = min(capacity, tokens + max(0, seconds) * rate)
        updated = now
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}

/// Counts what the server saw.
struct StatsRecorder {
    var throttled = 0
    var requests = 0
    var inFlight = 0
    var maxInFlight = 0
    var perAccount: [String: Int] = [:]
    var hosts: [String: Int] = [:]
    var compressedAnswers = 0
    var bodyBytes = 0
    var firstRequestAt: Double?
    var lastResponseAt: Double?
    /// ∫ inFlight dt from the first request to `lastChange`.
    var area = 0.0
    var areaAtLastResponse = 0.0
    var lastChange = 0.0

    private mutating func advance(to now: Double) {
        if firstRequestAt != nil {
            area += Double(inFlight) * max(0, now - lastChange)
        }
        lastChange = now
    }

    mutating func arrive(key: String, host: String = "", now: Double) {
        advance(to: now)
        hosts[host, default: 0] += 1
        if firstRequestAt == nil { firstRequestAt = now }
        requests += 1
        inFlight += 1
        maxInFlight = max(maxInFlight, inFlight)
        perAccount[key, default: 0] += 1
    }

    mutating func depart(now: Double) {
        advance(to: now)
        inFlight = max(0, inFlight - 1)
        lastResponseAt = now
        areaAtLastResponse = area
    }

    func snapshot(now: Double) -> SimulatorStats {
        var mean = 0.0
        if let first = firstRequestAt, let last = lastResponseAt, last > first {
            mean = areaAtLastResponse / (last - first)
        }
        return SimulatorStats(
            requests: requests,
            inFlight: inFlight,
            maxInFlight: maxInFlight,
            perAccount: perAccount,
            firstRequestAt: firstRequestAt,
            lastResponseAt: lastResponseAt,
            meanInFlight: mean,
            compressedAnswers: compressedAnswers,
            bodyBytes: bodyBytes,
            hosts: hosts,
            throttled: throttled
        )
    }
}

/// FNV-1a, for stable per-account choices (Swift's `Hasher` is seeded per process).
struct FNV1a {
    private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325

    mutating func combine(_ byte: UInt8) {
        value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
    }

    mutating func combine(_ bytes: some Sequence<UInt8>) {
        for byte in bytes { combine(byte) }
    }

    mutating func combine(_ number: UInt64) {
        var v = number
        for _ in 0..<8 {
            combine(UInt8(truncatingIfNeeded: v))
            v >>= 8
        }
    }
}
