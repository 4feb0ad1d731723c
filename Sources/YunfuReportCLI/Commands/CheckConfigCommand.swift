import ArgumentParser
import Foundation
import YunfuReport

extension YunfuReportCommand {
    struct CheckConfig: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check-config",
            abstract: "Read and validate a configuration (and its templates); fetch nothing.",
            discussion: """
                Exit 0 when the configuration is usable, 2 with the file and line of every mistake found.

                Example:
                  YUNFU_API_TOKEN=… yunfu-report check-config /etc/yunfu-report/config.yaml
                """
        )

        @Argument(help: "The configuration file (YAML).")
        var file: String

        func run() async throws {
            let configuration = try loadConfiguration(file, purpose: .check)
            _ = try markdownWriter(for: configuration)
            do {
                try ConfigurationLoader.checkOutputRoot(configuration.report.outputRoot)
                if let metricsFile = configuration.report.metricsFile {
                    try ConfigurationLoader.checkMetricsFolder(metricsFile)
                }
            } catch {
                throw usage(error.description)
            }
            let subs = configuration.accounts.count(where: { $0.subUserID != nil })
            print("\(file): OK")
            print("  accounts: \(configuration.accounts.count) (\(Self.counted(configuration.accounts.count - subs, "main view", "main views")), \(Self.counted(subs, "sub-account", "sub-accounts")))")
            print("  base_url: \(configuration.api.baseURL ?? "-")")
            print("  output_root: \(configuration.report.outputRoot.path)")
            if let metricsFile = configuration.report.metricsFile {
                // node_exporter's textfile collector reads only `*.prom` files.
                let note = metricsFile.pathExtension == "prom" ? "" : " (node_exporter's textfile collector reads only *.prom files)"
                print("  metrics_file: \(metricsFile.path)\(note)")
            }
            print("  formats: \(configuration.report.formats.sorted().map(\.rawValue).joined(separator: ", "))")
            print("  suppressions: \(configuration.suppressions.count), notices: \(configuration.notify.count)")
        }

        /// "1 main view", "3 main views".
        static func counted(_ count: Int, _ one: String, _ many: String) -> String {
            "\(count) \(count == 1 ? one : many)"
        }
    }
}
