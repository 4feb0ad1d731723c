/// One scenario of `yunfu-report bench`: `ACCOUNTS:LATENCY_MS:CONCURRENCY`, optionally with the
/// platform's condition: `:limit=R` (the simulated platform throttles beyond R requests a second),
/// `:dead-port` (nothing listens at `base_url`), `:untrusted-cert` (HTTPS with a certificate the
/// job does not trust).
struct BenchScenario: Sendable, Equatable {
    enum Platform: Sendable, Equatable {
        /// Answers every request (after the latency).
        case answering
        /// A per-key limit of R requests a second (`simulate --rate-limit R`).
        case throttling(Double)
        /// A port nothing listens on: every connection is refused.
        case deadPort
        /// HTTPS with a self-signed certificate that is not in the job's trust.
        case untrustedCertificate
    }

    var accounts: Int
    var latencyMs: Int
    var concurrency: Int
    var platform: Platform = .answering

    /// The scenarios of docs/performance.md.
    static let defaults = [
        "5000:0:16", "5000:20:64", "20000:0:16",
        "1000:0:32:limit=100", "5000:0:64:limit=200",
        "1000:0:32:dead-port", "200:0:32:untrusted-cert",
    ]

    init(accounts: Int, latencyMs: Int, concurrency: Int, platform: Platform = .answering) {
        self.accounts = accounts
        self.latencyMs = latencyMs
        self.concurrency = concurrency
        self.platform = platform
    }

    /// nil when `text` is not a scenario.
    init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3 || parts.count == 4,
            let accounts = Int(parts[0]), let latency = Int(parts[1]), let concurrency = Int(parts[2]),
            accounts > 0, latency >= 0, concurrency > 0
        else { return nil }
        self.init(accounts: accounts, latencyMs: latency, concurrency: concurrency)
        guard parts.count == 4 else { return }
        let condition = parts[3]
        if condition == "dead-port" {
            platform = .deadPort
        } else if condition == "untrusted-cert" {
            platform = .untrustedCertificate
        } else if condition.hasPrefix("limit="), let rate = Double(condition.dropFirst("limit=".count)),
            rate.isFinite, rate > 0, rate <= 1_000_000
        {
            platform = .throttling(rate)
        } else {
            return nil
        }
    }

    /// The platform's limit, for the throttled scenarios.
    var rateLimit: Double? {
        if case .throttling(let rate) = platform { rate } else { nil }
    }

    /// Whether the platform cannot be reached: the run must fail fast (exit 1).
    var unreachable: Bool { platform == .deadPort || platform == .untrustedCertificate }

    var title: String {
        let base = "\(accounts) accounts, \(latencyMs) ms latency, \(concurrency) in flight"
        switch platform {
        case .answering: return base
        case .throttling(let rate): return base + ", platform limit \(Int(rate)) requests/s"
        case .deadPort: return "\(accounts) accounts, \(concurrency) in flight, a dead port (connection refused)"
        case .untrustedCertificate: return "\(accounts) accounts, \(concurrency) in flight, HTTPS with an untrusted certificate"
        }
    }
}
