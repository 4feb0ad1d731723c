import Foundation
import Testing
import YunfuSimulator

@testable import YunfuReport

/// The decoder against the simulated platform's answers, every drift planted: each answer decodes,
/// and it owes warnings exactly when a drift that plants unusable values was planted in it.
@Suite("Decoder against the simulator")
struct DecoderSimulatorTests {
    @Test func everyDriftedAnswerDecodesAndWarnsOnlyWhereOwed() throws {
        let options = SimulatorOptions(
            fleet: FleetSpec(users: 30, subsPerUser: 2, seed: 11), drifts: Set(Drift.allCases))
        let platform = SimulatedPlatform(options: options)
        let decoder = AnswerDecoder(apiTimeZone: DecoderTestSupport.shanghai)
        var warned = 0
        for account in platform.accounts {
            let body = try #require(platform.answer(for: account))
            let drifts = platform.drifts(for: account)
            guard case .snapshot(let snapshot, let warnings) = decoder.decode(body) else {
                Issue.record("\(account): did not decode")
                continue
            }
            let owed = drifts.contains { $0.owesWarnings }
            #expect(
                warnings.isEmpty != owed, "\(account): drifts \(drifts.map(\.rawValue).sorted()), warnings \(warnings)")
            if !warnings.isEmpty { warned += 1 }
            #expect(Set(snapshot.lines.map { ScalarKey($0.lineID) }).count == snapshot.lines.count)
        }
        #expect(warned > 0)
    }
}
