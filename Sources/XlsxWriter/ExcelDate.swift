public import Foundation

/// A date and time as Excel stores it: a serial number of days since 1899-12-30 (the 1900 date
/// system), the fraction being the time of day. It is a wall-clock time with no zone: build it from
/// an instant and the zone the reader should see it in.
public struct ExcelDate: Sendable, Equatable {
    public let serial: Double

    /// The first day the 1900 date system counts right (before it, Excel believes 1900 was a leap
    /// year), and the last day it can show.
    static let firstSerial = 61.0  // 1900-03-01
    static let lastSerial = 2_958_466.0  // 10000-01-01, exclusive

    /// `date` as the wall time in `zone`; nil when that falls outside 1900-03-01 … 9999-12-31,
    /// which an Excel date cell cannot show (write it as text instead).
    public init?(_ date: Date, in zone: TimeZone) {
        let offset = Double(zone.secondsFromGMT(for: date))
        let local = date.timeIntervalSince1970 + offset
        // 1970-01-01 is serial 25569.
        let serial = local / 86_400 + 25_569
        guard serial.isFinite, serial >= Self.firstSerial, serial < Self.lastSerial else { return nil }
        // Keep whole seconds: a fraction of a second is never shown and would only make the figure noisy.
        let seconds = (local).rounded(.down)
        self.serial = seconds / 86_400 + 25_569
    }

    public init(serial: Double) {
        self.serial = serial
    }
}
