import Foundation

/// What the configuration is read for: it decides which parts must be present and resolved.
enum ConfigurationPurpose: Sendable {
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
struct ConfigurationError: Error, CustomStringConvertible, Sendable {
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

    /// `config.yaml:12: unknown key `foo` in `api``.
    var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}
