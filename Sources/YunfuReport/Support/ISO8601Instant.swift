package import Foundation

/// Parses the ISO 8601 instants this tool writes (`2026-11-25T00:00:00+08:00`) and `--as-of`.
package enum ISO8601Instant {
    package static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
