/// Fail fast (cli-and-config.md, "A platform that cannot be reached"): once the first 16
/// finished accounts (or all, if fewer) failed for the same connection-level reason and none
/// succeeded, the platform is taken for unreachable and the run stops asking. A run with even one
/// success never stops early; an interrupt is no evidence either way.
struct Reachability: Sendable {
    /// How many finished accounts decide.
    static let sample = 16

    private let needed: Int
    private var seen = 0
    private var common: FailureReason?
    private var decided = false
    /// The reason the platform cannot be reached, once decided.
    private(set) var unreachable: FailureReason?

    init(accounts: Int) {
        needed = max(1, min(Self.sample, accounts))
    }

    /// Takes one finished account; true when it makes the platform unreachable.
    mutating func record(_ result: AccountResult) -> Bool {
        guard !decided, !result.notFetched else { return false }
        guard case .failed(let reason) = result.outcome, reason.isConnectionLevel,
            common.map({ $0 == reason }) ?? true
        else {
            decided = true  // a success, or another reason: this run never stops early
            return false
        }
        common = reason
        seen += 1
        guard seen >= needed else { return false }
        decided = true
        unreachable = reason
        return true
    }
}
