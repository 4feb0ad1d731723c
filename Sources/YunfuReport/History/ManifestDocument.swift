import Foundation

/// A `manifest.json` read back: the one reading of what earlier runs wrote (`latest` and
/// retention, the previous run for the changes, the trend, the run beside an interrupted one).
/// `Manifest` writes it; the field names are the contract's.
///
/// Tolerant field by field: a field that is missing or of the wrong type is nil here (and, when
/// of the wrong type, listed in `malformed`), so that a manifest of an older version, or one a
/// person edited, loses only what is wrong in it. Each reader says which fields it needs.
struct ManifestDocument: Sendable, Decodable {
    struct Accounts: Sendable, Decodable {
        var total: Int
        var failed: Int
    }

    /// The `fleet` figures a trend row needs.
    struct Fleet: Sendable, Decodable {
        var lines: Int
        var linesExpired: Int
        var linesSoon: Int
        var linesUpcoming: Int
        var linesSaturated: Int
        var totalConcurrency: Int64
        var totalInUse: Int64
        var utilization: Double?

        enum CodingKeys: String, CodingKey {
            case lines, utilization
            case linesExpired = "lines_expired", linesSoon = "lines_soon", linesUpcoming = "lines_upcoming"
            case linesSaturated = "lines_saturated", totalConcurrency = "total_concurrency"
            case totalInUse = "total_in_use"
        }
    }

    enum Field: String, CodingKey, Sendable {
        case tool, complete, interrupted, accounts, findings, fleet
        case asOf = "as_of", timeZone = "time_zone"
    }

    var tool: String?
    var asOf: String?
    var timeZone: String?
    var complete: Bool?
    var interrupted: Bool?
    var accounts: Accounts?
    var findings: [String: Int]?
    var fleet: Fleet?
    /// The fields present with a value of the wrong type.
    private(set) var malformed: Set<Field> = []

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Field.self)
        func field<T: Decodable>(_ type: T.Type, _ key: Field) -> T? {
            do {
                return try container.decodeIfPresent(type, forKey: key)
            } catch {
                malformed.insert(key)
                return nil
            }
        }
        tool = field(String.self, .tool)
        asOf = field(String.self, .asOf)
        timeZone = field(String.self, .timeZone)
        complete = field(Bool.self, .complete)
        interrupted = field(Bool.self, .interrupted)
        accounts = field(Accounts.self, .accounts)
        findings = field([String: Int].self, .findings)
        fleet = field(Fleet.self, .fleet)
    }

    /// Why a manifest gives nothing at all.
    enum Unreadable: Error, Sendable {
        /// No `manifest.json`, or it cannot be read.
        case missing
        /// Not JSON.
        case notJSON
        /// JSON, but not an object.
        case notAnObject
    }

    /// Reads `dir/manifest.json`.
    static func read(in dir: URL) throws(Unreadable) -> ManifestDocument {
        guard let data = FileManager.default.contents(atPath: dir.appendingPathComponent("manifest.json").path) else {
            throw .missing
        }
        return try parse(data)
    }

    static func parse(_ data: Data) throws(Unreadable) -> ManifestDocument {
        guard (try? JSONSerialization.jsonObject(with: data)) != nil else {
            throw .notJSON
        }
        guard let document = try? JSONDecoder().decode(ManifestDocument.self, from: data) else {
            throw .notAnObject
        }
        return document
    }

    /// Written by this tool (`"tool": "yunfu-report"`).
    var isYunfuReport: Bool { tool == "yunfu-report" }

    /// `as_of` as an instant (an ISO 8601 instant with an offset or `Z`).
    var asOfDate: Date? { asOf.flatMap(ISO8601Instant.parse) }
}
