public import ArgumentParser
import Foundation
import YunfuReport

/// `yunfu-report`: the nightly fleet report of the 云蝠智能 outbound-calling platform.
public struct YunfuReportCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "yunfu-report",
        abstract: "Fleet report of 云蝠智能 accounts: line expiry, capacity, engines and redial-rule coverage.",
        discussion: """
            Examples:
              yunfu-report run --config /etc/yunfu-report/config.yaml
              yunfu-report demo
              yunfu-report check-config config.yaml
            """,
        version: YunfuReportInfo.version,
        subcommands: [Run.self, Demo.self, Replay.self, Simulate.self, CheckConfig.self, Bench.self]
    )

    public init() {}

    /// Parses the command line, runs the command and exits with the contract's status: usage
    /// errors exit 2 (argument-parser's own default would be 64).
    public static func runMain() async -> Never {
        if let message = unknownCommandMessage(Array(CommandLine.arguments.dropFirst())) {
            printError(message)
            Foundation.exit(ExitStatus.usage.rawValue)
        }
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            Foundation.exit(0)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                exit(withError: error)
            }
            if let exit = error as? ExitCode {
                Foundation.exit(exit.rawValue)
            }
            let message = fullMessage(for: error)
            if !message.isEmpty {
                FileHandle.standardError.write(Data((message + "\n").utf8))
            }
            Foundation.exit(code == .validationFailure || code.rawValue == 64 ? ExitStatus.usage.rawValue : code.rawValue)
        }
    }
}

extension YunfuReportCommand {
    /// The command names `yunfu-report` knows (and `help`).
    static var commandNames: [String] {
        configuration.subcommands.map { $0._commandName } + ["help"]
    }

    /// When the first argument is a word that names no command (`runn`), what to say instead of
    /// argument-parser's complaint about the options after it: the unknown name, the nearest
    /// command when one is close, and the list. nil when the first argument is a command or an
    /// option (`--version`, `-h`), or absent.
    static func unknownCommandMessage(_ arguments: [String]) -> String? {
        guard let first = arguments.first, !first.hasPrefix("-"), !commandNames.contains(first) else { return nil }
        let names = commandNames.filter { $0 != "help" }
        let nearest = names.map { (name: $0, distance: editDistance(first.lowercased(), $0)) }
            .min { $0.distance < $1.distance }
        var message = "yunfu-report: unknown command `\(first)`."
        if let nearest, nearest.distance <= max(2, nearest.name.count / 3) {
            message += " Did you mean `\(nearest.name)`?"
        }
        message += "\nCommands: \(names.joined(separator: ", ")). See `yunfu-report --help`."
        return message
    }

    /// Levenshtein distance over characters.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a)
        let y = Array(b)
        guard !x.isEmpty else { return y.count }
        guard !y.isEmpty else { return x.count }
        var previous = Array(0...y.count)
        for i in 1...x.count {
            var current = [i] + Array(repeating: 0, count: y.count)
            for j in 1...y.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[y.count]
    }
}

/// Options every job-running command shares.
struct LoggingOptions: ParsableArguments {
    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    @Flag(name: .long, help: "Only warnings and errors (same as --log-level warning), no progress line.")
    var quiet = false

    func validate() throws {
        guard LogSetup.level(named: logLevel) != nil else {
            throw ValidationError("unknown --log-level `\(logLevel)` (trace, debug, info, notice, warning, error, critical)")
        }
    }
}

/// Prints a line to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
