/// Why an account has no answer: a kind, for the rules that depend on it (fail fast, not
/// fetched, the summaries), and the text `accounts.csv` and the reports print, kept apart so that
/// no rule compares sentences.
package struct FailureReason: Sendable, Equatable, CustomStringConvertible {
    package enum Kind: Sendable, Equatable {
        /// The connection could not be made or broke (refused, DNS, reset, unreachable).
        case connection
        /// No whole answer within `timeout_seconds`.
        case timeout
        /// The certificate was refused or the handshake failed.
        case tls
        /// The proxy could not be reached or refused the tunnel.
        case proxy
        /// An HTTP status that ends the account (4xx, or 429/5xx once the retries ran out).
        case http(Int)
        /// A 2xx answer that the decoder refused (envelope code, not JSON, …).
        case answer
        /// The request could not be sent, or its answer was too large or corrupt.
        case request
        /// Stopped by SIGINT/SIGTERM before its answer was in.
        case interrupted
        /// Never asked: the platform was found unreachable first (fail fast).
        case notAttempted
        /// As recorded in a raw archive's index (`replay`).
        case recorded
    }

    package var kind: Kind
    /// The sentence the reports print.
    package var text: String

    package init(_ kind: Kind, _ text: String) {
        self.kind = kind
        self.text = text
    }

    package var description: String { text }

    /// A failure of the platform's reachability rather than of one account: the kinds that, met
    /// by the first accounts with none succeeding, stop the run from asking (fail fast).
    var isConnectionLevel: Bool {
        switch kind {
        case .connection, .timeout, .tls, .proxy: true
        default: false
        }
    }

    static let interrupted = FailureReason(.interrupted, "interrupted")

    /// `not attempted: platform unreachable: {reason}`.
    static func notAttempted(unreachable reason: FailureReason) -> FailureReason {
        FailureReason(.notAttempted, notAttemptedPrefix + reason.text)
    }

    package static let notAttemptedPrefix = "not attempted: platform unreachable: "

    /// A failure as written in `accounts.csv` or a raw archive's index, its kind read back from
    /// the forms this tool writes.
    init(recorded text: String) {
        if text == Self.interrupted.text {
            self = .interrupted
        } else if text.hasPrefix(Self.notAttemptedPrefix) {
            self.init(.notAttempted, text)
        } else {
            self.init(.recorded, text)
        }
    }
}
