import Foundation
import Testing
import YunfuSimulator

@testable import YunfuReport

/// A micro-measurement of the decoder's throughput, not a test: it is skipped unless
/// `YUNFU_DECODER_THROUGHPUT=1`, asserts nothing and prints MB/s. Run it by hand in release:
///
///     YUNFU_DECODER_THROUGHPUT=1 swift test -c release -Xswiftc -enable-testing \
///         --filter DecoderThroughput
///
/// It decodes 5,000 simulated answers (every drift planted, about 11.6 KB each) five times and
/// reports the best round.
@Suite("Decoder throughput (by hand)")
struct DecoderThroughputTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["YUNFU_DECODER_THROUGHPUT"] != nil))
    func measureThroughput() {
        let options = SimulatorOptions(
            fleet: FleetSpec(users: 1667, subsPerUser: 2, seed: 7), drifts: Set(Drift.allCases))
        let platform = SimulatedPlatform(options: options)
        let bodies = platform.accounts.prefix(5000).compactMap { platform.answer(for: $0) }
        let total = bodies.reduce(0) { $0 + $1.count }
        let decoder = AnswerDecoder(apiTimeZone: DecoderTestSupport.shanghai)
        let clock = ContinuousClock()
        var best = Duration.seconds(1_000)
        var warnings = 0
        for _ in 0..<5 {
            var count = 0
            let elapsed = clock.measure {
                for body in bodies {
                    if case .snapshot(_, let found) = decoder.decode(body) { count += found.count }
                }
            }
            best = min(best, elapsed)
            warnings = count
        }
        let seconds = Double(best.components.seconds) + Double(best.components.attoseconds) / 1e18
        print(
            "decoder: \(bodies.count) answers, \(total) bytes, \(warnings) warnings, best of 5: "
                + "\(String(format: "%.3f", seconds)) s = \(String(format: "%.0f", Double(total) / seconds / 1e6)) MB/s"
        )
    }
}
