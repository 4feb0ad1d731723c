import Foundation

/// The Prometheus text exposition format, version 0.0.4, written exactly: every family as
/// `# HELP`, `# TYPE`, then its samples, in the order given; label values and help texts escaped as
/// the format requires, never cut; every line ended by `\n`. No sample timestamps (node_exporter's
/// textfile collector refuses them).
///
/// A small writer rather than swift-prometheus: that library keeps its families and series in
/// dictionaries (the order of a file changes from one process to the next) and is built for a
/// registry that a long-running server updates and scrapes; a one-shot job writes a dozen lines once.
enum MetricsExposition {
    enum MetricType: String, Sendable {
        case gauge
    }

    /// A sample's value: a whole number, or seconds written with millisecond precision.
    enum Value: Sendable, Equatable {
        case int(Int64)
        case seconds(Double)

        var text: String {
            switch self {
            case .int(let value):
                return String(value)
            case .seconds(let value):
                guard value.isFinite else { return value.isNaN ? "NaN" : (value < 0 ? "-Inf" : "+Inf") }
                let milliseconds = (value * 1000).rounded()
                guard abs(milliseconds) < 9.0e15 else { return String(value) }
                let whole = Int64(milliseconds)
                let magnitude = whole.magnitude
                var fraction = String(magnitude % 1000)
                fraction = String(repeating: "0", count: 3 - fraction.count) + fraction
                return (whole < 0 ? "-" : "") + String(magnitude / 1000) + "." + fraction
            }
        }
    }

    struct Sample: Sendable, Equatable {
        /// Label names and values, in the order written.
        var labels: [(name: String, value: String)]
        var value: Value

        init(_ labels: [(name: String, value: String)], _ value: Value) {
            self.labels = labels
            self.value = value
        }

        /// A sample with no label.
        init(_ value: Value) {
            self.init([], value)
        }

        static func == (a: Sample, b: Sample) -> Bool {
            a.value == b.value && a.labels.map(\.name) == b.labels.map(\.name)
                && a.labels.map(\.value) == b.labels.map(\.value)
        }
    }

    struct Family: Sendable, Equatable {
        var name: String
        var help: String
        var type: MetricType = .gauge
        var samples: [Sample]
    }

    /// The whole text.
    static func render(_ families: [Family]) -> String {
        var text = ""
        for family in families {
            text += "# HELP \(family.name) \(escapeHelp(family.help))\n"
            text += "# TYPE \(family.name) \(family.type.rawValue)\n"
            for sample in family.samples {
                text += family.name
                if !sample.labels.isEmpty {
                    text += "{"
                    text += sample.labels.map { "\($0.name)=\"\(escapeLabelValue($0.value))\"" }.joined(separator: ",")
                    text += "}"
                }
                text += " \(sample.value.text)\n"
            }
        }
        return text
    }

    /// A label value inside its double quotes: `\` → `\\`, `"` → `\"`, line feed → `\n`; every
    /// other character (CJK, a carriage return, a tab) as it is, in UTF-8.
    static func escapeLabelValue(_ value: String) -> String { escape(value, quote: true) }

    /// A help text: `\` → `\\`, line feed → `\n` (a quote stays as it is).
    static func escapeHelp(_ help: String) -> String { escape(help, quote: false) }

    private static func escape(_ text: String, quote: Bool) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"" where quote: out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
