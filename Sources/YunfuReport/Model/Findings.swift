import Foundation

enum Severity: String, Sendable, CaseIterable, Comparable, Codable {
    case critical, high, medium, low, info

    /// 0 for critical … 4 for info: the contract's sort order.
    var rank: Int {
        switch self {
        case .critical: 0
        case .high: 1
        case .medium: 2
        case .low: 3
        case .info: 4
        }
    }
    static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

enum CheckID: String, Sendable, CaseIterable, Codable {
    case fetchFailed = "FETCH_FAILED"
    case lineExpired = "LINE_EXPIRED"
    case lineExpiresSoon = "LINE_EXPIRES_SOON"
    case lineExpiresUpcoming = "LINE_EXPIRES_UPCOMING"
    case lineExpiryUnknown = "LINE_EXPIRY_UNKNOWN"
    case lineSaturated = "LINE_SATURATED"
    case lineCapacityInvalid = "LINE_CAPACITY_INVALID"
    case accountNoLines = "ACCOUNT_NO_LINES"
    case accountNoRecycle = "ACCOUNT_NO_RECYCLE"
    case recycleStatusUncovered = "RECYCLE_STATUS_UNCOVERED"
    case scriptGroupDebug = "SCRIPT_GROUP_DEBUG"
    case scriptGroupEngineUnset = "SCRIPT_GROUP_ENGINE_UNSET"

    var severity: Severity {
        switch self {
        case .fetchFailed, .lineExpired: .critical
        case .lineExpiresSoon, .accountNoLines: .high
        case .lineExpiresUpcoming, .lineSaturated, .accountNoRecycle: .medium
        case .lineExpiryUnknown, .lineCapacityInvalid, .recycleStatusUncovered, .scriptGroupDebug: .low
        case .scriptGroupEngineUnset: .info
        }
    }

    var objectType: ObjectType {
        switch self {
        case .fetchFailed, .accountNoLines, .accountNoRecycle: .account
        case .lineExpired, .lineExpiresSoon, .lineExpiresUpcoming, .lineExpiryUnknown, .lineSaturated,
            .lineCapacityInvalid:
            .line
        case .recycleStatusUncovered: .recycleStatus
        case .scriptGroupDebug, .scriptGroupEngineUnset: .scriptGroup
        }
    }
}

enum ObjectType: String, Sendable, Codable {
    case account
    case line
    case recycleStatus = "recycle_status"
    case scriptGroup = "script_group"

    /// Findings of these types name one account, and that account is part of their key.
    var namesOneAccount: Bool { self != .line }
}

struct Finding: Sendable, Equatable {
    var checkID: CheckID
    var severity: Severity
    var objectType: ObjectType
    var objectID: String
    var objectName: String
    /// Every account the finding names, in account order.
    var accounts: [AccountRef]
    var message: String
    /// The reason of the first matching suppression, when suppressed.
    var suppressedBy: String?

    var suppressed: Bool { suppressedBy != nil }
    /// `message` with ` [suppressed: REASON]` appended when suppressed: what `findings.csv` holds.
    var fullMessage: String {
        guard let suppressedBy else { return message }
        return message + " [suppressed: " + suppressedBy + "]"
    }
    /// Account keys sorted by Unicode scalars, as the `accounts` column lists them.
    var accountKeys: [String] { accounts.map(\.key).sortedByScalars() }
}
