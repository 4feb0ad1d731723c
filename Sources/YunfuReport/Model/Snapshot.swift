import Foundation

/// What the tolerant decoder keeps of one account's task-init answer: only the fields the reports
/// use, already read through the contract's value grammar. Unknown values are `nil` (or "" for text).
struct AccountSnapshot: Sendable, Equatable {
    /// Lines of this view in payload order; a `line_id` listed twice keeps its first entry.
    var lines: [LineRecord] = []
    var scriptGroups: [ScriptGroupRecord] = []
    var recycleRules: [RecycleRuleRecord] = []
    var maxRecycleLimit: Int64?
}

struct LineRecord: Sendable, Equatable {
    var lineID: String
    var name: String = ""  // `new_line.name`
    var remark: String = ""
    var belongUser: String = ""
    var lineType: String = ""  // `new_line.type_str`
    var bindType: String = ""  // `new_line.bind_type_str`
    var node: String = ""  // `new_line.node.name`
    var concurrency: Int64?
    var residue: Int64?
    var availableAt: Date?
}

struct ScriptGroupRecord: Sendable, Equatable {
    var id: Int64?
    var name: String = ""
    /// Engines as received; "" (after trimming) is unset, the platform default.
    var asr: String = ""
    var tts: String = ""
    var llm: String = ""
    /// `is_active` read as a flag; nil when missing, null or unusable.
    var activeFlag: Bool?
    /// `deleted_at` holds a present, non-empty, non-zero date.
    var deleted: Bool = false
    var debug: Bool?
    var speed: Int64?
    var volume: Int64?

    /// The contract's **active**: a valid true flag and not deleted.
    var isActive: Bool { activeFlag == true && !deleted }
}

struct RecycleRuleRecord: Sendable, Equatable {
    var id: Int64?
    var name: String = ""
    /// `status`: nil when missing, null or unusable (not enabled).
    var status: Bool?
    var isDefault: Bool?
    var details: [RecycleDetail] = []

    var isEnabled: Bool { status == true }
}

struct RecycleDetail: Sendable, Equatable {
    var ruleID: Int64?
    var numberStatus: Int64?
    var time: Int64?
    var statusName: String = ""  // `number_status_str`
}

/// A value the decoder could not take as it is (one row of `warnings.csv`, without its account).
struct DecodeWarning: Sendable, Equatable {
    /// Relative to `data`, array indexes 0-based: `caller_line_list[3].available_at`.
    var path: String
    /// The value as JSON text (a string without its quotes), cut to 200 Unicode scalars.
    var value: String
    /// A short English sentence.
    var problem: String
}

/// What fetching one account came to.
package struct AccountResult: Sendable {
    enum Outcome: Sendable {
        case ok(AccountSnapshot, warnings: [DecodeWarning])
        /// Why: its kind, and the text naming the HTTP status (`HTTP 503`), the envelope code
        /// and message (`code 401: …`), `interrupted`, …
        case failed(FailureReason)
    }

    var account: AccountRef
    /// HTTP requests actually sent for this account.
    package var attempts: Int
    var outcome: Outcome

    var snapshot: AccountSnapshot? {
        if case .ok(let snapshot, _) = outcome { return snapshot }
        return nil
    }
    package var isOK: Bool { snapshot != nil }

    /// Stopped by an interrupt before its answer was in (never started, or cut off).
    var notFetched: Bool {
        if case .failed(let reason) = outcome { return reason.kind == .interrupted }
        return false
    }

    /// An account the interrupted run did not fetch, after `attempts` requests.
    static func notFetched(_ account: AccountRef, attempts: Int = 0) -> AccountResult {
        AccountResult(account: account, attempts: attempts, outcome: .failed(.interrupted))
    }
}
