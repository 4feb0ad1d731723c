import Foundation

package enum Severity: String, Sendable, CaseIterable, Comparable, Codable {
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
    package static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
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
    /// Beyond the contract's twelve: one finding for a run stopped by SIGINT/SIGTERM, naming the
    /// accounts it did not fetch (instead of a FETCH_FAILED for each: they did not fail).
    case runInterrupted = "RUN_INTERRUPTED"

    var severity: Severity {
        switch self {
        case .fetchFailed, .lineExpired, .runInterrupted: .critical
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
        case .runInterrupted: .run
        }
    }
}

/// The part of a finding's message that its check, object and first account do not give.
enum FindingDetail: Sendable, Equatable {
    /// The message, given whole (rare findings, and findings made by hand).
    case message(String)
    /// FETCH_FAILED: the account's error.
    case fetchFailed(error: String)
    /// ACCOUNT_NO_LINES.
    case accountNoLines
    /// ACCOUNT_NO_RECYCLE.
    case accountNoRecycle
    /// LINE_EXPIRED: whole days since it expired, floor((as of − available_at) / 86 400 s): 0 for
    /// a line that expired less than a day ago (whose `days_to_expiry`, floored, is −1).
    case lineExpired(daysAgo: Int64)
    /// LINE_EXPIRES_SOON and LINE_EXPIRES_UPCOMING: days to expiry, and when.
    case lineExpires(days: Int64, at: Date?)
    /// LINE_CAPACITY_INVALID: what is wrong with the figures.
    case lineCapacityInvalid(CapacityProblem)
    /// LINE_EXPIRY_UNKNOWN.
    case lineExpiryUnknown
    /// LINE_SATURATED: the line's residue and concurrency.
    case lineSaturated(residue: Int64, concurrency: Int64)
    /// RECYCLE_STATUS_UNCOVERED: the object is the status, its name the status name.
    case recycleStatusUncovered
    /// SCRIPT_GROUP_DEBUG.
    case scriptGroupDebug
    /// SCRIPT_GROUP_ENGINE_UNSET: which engines fall back to the platform default.
    case scriptGroupEngineUnset(asr: Bool, tts: Bool)
    /// RUN_INTERRUPTED: how many accounts were not fetched, of how many.
    case runInterrupted(notFetched: Int, of: Int)

    func message(objectID id: String, objectName: String, account: String) -> String {
        switch self {
        case .message(let text):
            return text
        case .fetchFailed(let error):
            return "Account \(account) could not be fetched: \(error)."
        case .accountNoLines:
            return "Account \(account) has no call line."
        case .accountNoRecycle:
            return "Account \(account) has no enabled recycle rule."
        case .lineExpired(let daysAgo):
            return "Line \(id) expired \(Self.dayCount(daysAgo)) ago."
        case .lineExpires(let days, _):
            return "Line \(id) expires in \(Self.dayCount(days))."
        case .lineCapacityInvalid(let problem):
            return "Line \(id): \(problem.english)."
        case .lineExpiryUnknown:
            return "Line \(id) has no valid expiry date."
        case .lineSaturated(let residue, let concurrency):
            return "Line \(id) has no concurrency left (\(residue) of \(concurrency))."
        case .recycleStatusUncovered:
            return "Account \(account) has no enabled recycle rule for number status \(id)"
                + (objectName.isEmpty ? "." : " (\(objectName)).")
        case .scriptGroupDebug:
            return "Script group \(id) of account \(account) is active in debug mode."
        case .scriptGroupEngineUnset(let asr, let tts):
            let unset = asr && tts ? "ASR and TTS" : asr ? "ASR" : "TTS"
            return "Script group \(id) of account \(account) uses the platform default \(unset)."
        case .runInterrupted(let notFetched, let total):
            return
                "The run was interrupted (SIGINT or SIGTERM): \(notFetched) of \(total) accounts were not fetched; they are not failures of those accounts."
        }
    }

    /// "1 day", "3 days", "less than a day".
    static func dayCount(_ days: Int64) -> String {
        days == 0 ? "less than a day" : days == 1 ? "1 day" : "\(days) days"
    }
}

/// Why a line's capacity figures are invalid (LINE_CAPACITY_INVALID).
enum CapacityProblem: Sendable, Equatable {
    case concurrencyUnknown
    case residueUnknown
    case concurrencyNegative(Int64)
    case residueNegative(Int64)
    case residueExceeds(residue: Int64, concurrency: Int64)

    /// As `findings.csv`'s message says it.
    var english: String {
        switch self {
        case .concurrencyUnknown: "line_concurrency is unknown"
        case .residueUnknown: "residue is unknown"
        case .concurrencyNegative(let value): "line_concurrency is negative (\(value))"
        case .residueNegative(let value): "residue is negative (\(value))"
        case .residueExceeds(let residue, let concurrency): "residue \(residue) exceeds line_concurrency \(concurrency)"
        }
    }
}

enum ObjectType: String, Sendable, Codable {
    case account
    case line
    case recycleStatus = "recycle_status"
    case scriptGroup = "script_group"
    /// The run itself (RUN_INTERRUPTED).
    case run

    /// Findings of these types name one account, and that account is part of their key.
    var namesOneAccount: Bool { self != .line && self != .run }
}

struct Finding: Sendable, Equatable {
    var checkID: CheckID
    var severity: Severity
    var objectType: ObjectType
    var objectID: String
    var objectName: String
    /// Every account the finding names, in account order.
    var accounts: [AccountRef]
    /// What the message says beyond the check, the object and the account; the message itself is
    /// composed when read (a large fleet has tens of thousands of findings, most of them
    /// one of a few sentences: holding each as text was the largest part of the findings).
    var detail: FindingDetail
    /// The reason of the first matching suppression, when suppressed.
    var suppressedBy: String?

    init(
        checkID: CheckID, severity: Severity, objectType: ObjectType, objectID: String, objectName: String,
        accounts: [AccountRef], detail: FindingDetail, suppressedBy: String? = nil
    ) {
        self.checkID = checkID
        self.severity = severity
        self.objectType = objectType
        self.objectID = objectID
        self.objectName = objectName
        self.accounts = accounts
        self.detail = detail
        self.suppressedBy = suppressedBy
    }

    /// A finding whose message is given outright.
    init(
        checkID: CheckID, severity: Severity, objectType: ObjectType, objectID: String, objectName: String,
        accounts: [AccountRef], message: String, suppressedBy: String? = nil
    ) {
        self.init(
            checkID: checkID, severity: severity, objectType: objectType, objectID: objectID, objectName: objectName,
            accounts: accounts, detail: .message(message), suppressedBy: suppressedBy)
    }

    /// The `message` column (English, as the contract's messages are); set, it is given whole.
    var message: String {
        get { detail.message(objectID: objectID, objectName: objectName, account: accounts.first?.key ?? "") }
        set { detail = .message(newValue) }
    }

    static func == (a: Finding, b: Finding) -> Bool {
        a.checkID == b.checkID && a.severity == b.severity && a.objectType == b.objectType
            && a.objectID == b.objectID && a.objectName == b.objectName && a.accounts == b.accounts
            && a.suppressedBy == b.suppressedBy && a.message == b.message
    }

    var suppressed: Bool { suppressedBy != nil }
    /// `message` with ` [suppressed: REASON]` appended when suppressed: what `findings.csv` holds.
    var fullMessage: String {
        guard let suppressedBy else { return message }
        return message + " [suppressed: " + suppressedBy + "]"
    }
    /// Account keys sorted by Unicode scalars, as the `accounts` column lists them.
    var accountKeys: [String] { accounts.map(\.key).sortedByScalars() }
}
