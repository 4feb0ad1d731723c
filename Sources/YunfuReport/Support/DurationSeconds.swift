import Foundation

extension Duration {
    /// The duration in seconds, as a floating-point number.
    package var inSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// Seconds with three decimals, for a log line: "0.125".
    var secondsText: String { String(format: "%.3f", inSeconds) }
}
