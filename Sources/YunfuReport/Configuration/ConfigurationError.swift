import Foundation

/// What the configuration is read for: it decides which parts must be present and resolved.
package enum ConfigurationPurpose: Sendable {
    /// The nightly job: `base_url`, the token and the notify webhooks must all be usable.
    case run
    /// `check-config`: validated exactly like `run`, nothing fetched.
    case check
    /// `replay`: no network, so neither `base_url`, nor the token, nor the notify secrets are needed.
    case replay
}

/// A mistake in the configuration (or in a file it names), with the file and the line it is on.
///
/// It never carries a credential: messages name the variable or the file a secret comes from,
/// never its text.
package struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    /// The file as the user would recognise it (the configuration file, or the accounts file).
    let file: String
    /// 1-based line in `file`, when the mistake is on one.
    let line: Int?
    let message: String

    init(file: String, line: Int?, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// The mistakes after this one (later lines), when several were found in one reading.
    var others: [ConfigurationError] = []

    /// All of `mistakes` in one error, by line (a mistake without a line last); nil for none.
    init?(all mistakes: [ConfigurationError]) {
        let ordered = mistakes.enumerated().sorted { a, b in
            switch (a.element.line, b.element.line) {
            case let (x?, y?) where x != y: return x < y
            case (.some, .none): return true
            case (.none, .some): return false
            default: return a.offset < b.offset
            }
        }.map(\.element)
        guard var first = ordered.first else { return nil }
        var seen: Set<String> = [first.description]
        first.others = ordered.dropFirst().filter { seen.insert($0.description).inserted }
        self = first
    }

    /// `config.yaml:12: unknown key `foo` in `api``, one line per mistake.
    package var description: String {
        ([self.single] + others.map(\.single)).joined(separator: "\n")
    }

    private var single: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}

/// The mistakes of one reading of the configuration, gathered so that all are reported at once.
/// Used by one reading on one thread only.
final class ConfigurationProblems {
    var errors: [ConfigurationError] = []
}
