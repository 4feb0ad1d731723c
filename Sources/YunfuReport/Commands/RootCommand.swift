public import ArgumentParser
import Foundation

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
