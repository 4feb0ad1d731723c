import Foundation
import Logging

/// Stage 2's value: the report of every account, before suppressions and comparison.
struct CollectedRun: Sendable {
    var report: Report
    /// When the last answer was in (the time after it is what the writers cost).
    var lastAnswer: ContinuousClock.Instant
}

extension ReportJob {
    /// Stage 2: fetches every account and folds each answer into the report in account order as it
    /// arrives (the decoded snapshot is dropped there): only the accounts that finished before an
    /// earlier one wait, as contributions. Their script-group rows go to the writer meanwhile.
    /// Every account is delivered, interrupted ones too; any the source never gave counts as
    /// interrupted all the same.
    func collect(
        from source: some AnswerSource,
        accounts: [AccountRef],
        into prepared: PreparedRun,
        onResult: @Sendable (AccountResult) -> Void,
        onFetchDone: @Sendable () -> Void
    ) async -> CollectedRun {
        let (batches, continuation) = AsyncStream.makeStream(of: [ScriptGroupRow].self)
        let writer = prepared.scriptGroups
        async let drained: Void = writer.drain(batches)
        var fold = AccountFold(settings: settings, asOf: options.asOf, accounts: accounts, feed: ScriptGroupFeed(continuation))
        let end = await source.fetchAll(accounts, rawSink: prepared.rawArchive) { result in
            onResult(result)
            fold.add(result)
        }
        onFetchDone()
        let lastAnswer = ContinuousClock.now
        let report = fold.finish(unreachable: end.unreachable)
        await drained
        return CollectedRun(report: report, lastAnswer: lastAnswer)
    }
}

/// The fold of stage 2: results in completion order in, contributions in account order to the
/// accumulator and the script-group feed.
private struct AccountFold {
    private let accounts: [AccountRef]
    private var accumulator: ReportAccumulator
    private var inOrder = InOrderRelease<AccountContribution>()
    private var feed: ScriptGroupFeed
    private var interrupted = false
    private var unreachable: String?

    init(settings: ReportSettings, asOf: Date, accounts: [AccountRef], feed: ScriptGroupFeed) {
        self.accounts = accounts
        self.feed = feed
        accumulator = ReportAccumulator(settings: settings, asOf: asOf, expectedAccounts: accounts.count)
    }

    mutating func add(_ result: AccountResult) {
        if result.notFetched { interrupted = true }
        if case .failed(let reason) = result.outcome, reason.kind == .notAttempted, unreachable == nil {
            unreachable = String(reason.text.dropFirst(FailureReason.notAttemptedPrefix.count))
        }
        let position = result.account.order
        guard position >= 0, position < accounts.count else { return }
        for contribution in inOrder.take(AccountContribution(result), at: position) {
            fold(contribution)
        }
    }

    /// The accounts the source never delivered count as interrupted; the feed is ended. The
    /// platform is unreachable when the source decided so (the fetch; all accounts may have
    /// failed with none left to be "not attempted"), or when not-attempted rows say so (a replay).
    mutating func finish(unreachable decided: FailureReason?) -> Report {
        let accounts = self.accounts
        var missing = false
        for contribution in inOrder.drain(
            upTo: accounts.count,
            missing: { position in
                missing = true
                return AccountContribution(AccountResult.notFetched(accounts[position]))
            })
        {
            fold(contribution)
        }
        feed.finish()
        return accumulator.finish(
            run: RunStatus(interrupted: interrupted || missing, unreachable: decided?.text ?? unreachable))
    }

    private mutating func fold(_ contribution: AccountContribution) {
        feed.append(contribution.scriptGroups)
        accumulator.add(contribution)
    }
}
