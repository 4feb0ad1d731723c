package import Foundation
import Synchronization

/// `--archive-raw`: each account's final answer exactly as received, streamed to
/// `raw/{hash}.json` as it arrives (never held in memory), and `raw/index.json` naming for each
/// file its account, the requests made and the outcome, so that `replay` rebuilds the same run.
/// File names are derived from a hash of the account key: an id from the network never becomes
/// a path.
final class RawArchiveWriter: RawAnswerSink {
    let directory: URL
    /// The file of each account stored so far (accounts are stored from their own child tasks).
    private let stored = Mutex<[AccountID: String]>([:])

    init(directory: URL) throws(RunDirectoryError) {
        self.directory = directory
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw RunDirectoryError(description: "cannot create \(directory.path): \(RunDirectory.reason(error))")
        }
    }

    static func fileName(for account: AccountID) -> String {
        String(Digest.sha256Hex(Array(account.key.utf8)).prefix(32)) + ".json"
    }

    func store(account: AccountRef, body: [UInt8]) async throws {
        let name = Self.fileName(for: account.id)
        try RunDirectory.writeFile(directory.appendingPathComponent(name), body)
        stored.withLock { $0[account.id] = name }
    }

    /// `raw/index.json`, in account order.
    func index(accounts: [AccountRow], asOf: Date, timeZone: TimeZone) -> [UInt8] {
        let files = stored.withLock { $0 }
        let entries: [JSONText] = accounts.map { result in
            var members: [(String, JSONText)] = [
                ("key", .string(result.account.key)),
                ("user_id", .string(result.account.userID)),
                ("sub_user_id", .optional(result.account.subUserID)),
                ("label", .string(result.account.label)),
                ("file", .optional(files[result.account.id])),
                ("attempts", .int(Int64(result.attempts))),
            ]
            if let error = result.error {
                members.append(("outcome", .string("failed")))
                members.append(("error", .string(error)))
            } else {
                members.append(("outcome", .string("ok")))
            }
            return .object(members)
        }
        let json = JSONText.object([
            ("tool", .string("yunfu-report")),
            ("version", .string(YunfuReportInfo.version)),
            ("as_of", .string(DateText.iso8601(asOf, in: timeZone))),
            ("accounts", .array(entries)),
        ])
        return Array(json.rendered().utf8)
    }
}

/// Reads an archive back for `replay`: the same answers, decoded again, no network.
package struct RawArchive: Sendable {
    package struct Entry: Sendable {
        package var account: AccountRef
        var file: String?
        var attempts: Int
        var error: String?
    }

    var directory: URL
    package var asOf: Date?
    package var entries: [Entry]

    package struct ReadError: Error, CustomStringConvertible {
        package var description: String
    }

    package static func open(_ directory: URL) throws(ReadError) -> RawArchive {
        let indexURL = directory.appendingPathComponent("index.json")
        guard let data = FileManager.default.contents(atPath: indexURL.path) else {
            throw ReadError(description: "\(indexURL.path): cannot read the archive's index")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let accounts = object["accounts"] as? [[String: Any]]
        else {
            throw ReadError(description: "\(indexURL.path): not an archive index (no `accounts` list)")
        }
        var entries: [Entry] = []
        var seen = Set<AccountID>()
        for (position, item) in accounts.enumerated() {
            guard let user = item["user_id"] as? String else {
                throw ReadError(description: "\(indexURL.path): entry \(position) has no user_id")
            }
            let id = AccountID(userID: user, subUserID: item["sub_user_id"] as? String)
            guard seen.insert(id).inserted else { continue }
            var file = item["file"] as? String
            // Only plain names that this tool writes: never a path out of the archive.
            if let name = file, name.contains("/") || name.hasPrefix(".") { file = nil }
            let ok = (item["outcome"] as? String) == "ok"
            entries.append(
                Entry(
                    account: AccountRef(id: id, label: item["label"] as? String ?? "", order: entries.count),
                    file: file,
                    attempts: (item["attempts"] as? NSNumber)?.intValue ?? 0,
                    error: ok ? nil : (item["error"] as? String ?? "failed")
                ))
        }
        let asOf = (object["as_of"] as? String).flatMap(ISO8601Instant.parse)
        return RawArchive(directory: directory, asOf: asOf, entries: entries)
    }
}

/// Replays an archive as if it were the platform: same attempts, same outcomes, decoded anew.
package struct ReplaySource: AnswerSource {
    var archive: RawArchive
    var decoder: AnswerDecoder

    package init(archive: RawArchive, decoder: AnswerDecoder) {
        self.archive = archive
        self.decoder = decoder
    }

    /// An archive decides nothing about the run: a recorded unreachable run is read back from
    /// its `not attempted` rows (`AccountFold`).
    package func fetchAll(
        _ accounts: [AccountRef], rawSink: (any RawAnswerSink)?, onResult: (AccountResult) async -> Void
    ) async -> FetchEnd {
        for entry in archive.entries {
            let outcome: AccountResult.Outcome
            if let error = entry.error {
                outcome = .failed(FailureReason(recorded: error))
            } else if let file = entry.file,
                let data = FileManager.default.contents(atPath: archive.directory.appendingPathComponent(file).path)
            {
                switch decoder.decode(Array(data)) {
                case .snapshot(let snapshot, let warnings): outcome = .ok(snapshot, warnings: warnings)
                case .failure(let message): outcome = .failed(FailureReason(.answer, message))
                }
            } else {
                outcome = .failed(FailureReason(.recorded, "the archive holds no answer for this account"))
            }
            await onResult(AccountResult(account: entry.account, attempts: entry.attempts, outcome: outcome))
        }
        return FetchEnd()
    }
}

