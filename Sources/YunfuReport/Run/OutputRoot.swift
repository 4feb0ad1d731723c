import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `output_root/latest` and `keep_runs` (cli-and-config.md, "Output root and `latest`").
enum OutputRoot {
    /// The run directories directly under `root`: real directories only (not `latest` or any
    /// other symbolic link, not hidden or temporary ones).
    static func runDirectories(in root: URL) -> [URL] {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: root.path) else { return [] }
        return names.sorted().compactMap { name in
            guard !name.hasPrefix(".") else { return nil }
            let url = root.appendingPathComponent(name)
            // attributesOfItem does not follow a symbolic link: `latest` is a link, not a run.
            let type = (try? fm.attributesOfItem(atPath: url.path))?[.type] as? FileAttributeType
            return type == .typeDirectory ? url : nil
        }
    }

    /// Switches `root/latest` atomically (a new link renamed over the old one) to `run`.
    static func pointLatest(at run: URL, in root: URL, logger: Logger) {
        let link = root.appendingPathComponent("latest")
        let temporary = root.appendingPathComponent(".latest.tmp-\(getpid())")
        unlink(temporary.path)
        guard symlink(run.lastPathComponent, temporary.path) == 0 else {
            logger.warning("cannot create the `latest` link", metadata: ["reason": "\(String(cString: strerror(errno)))"])
            return
        }
        if rename(temporary.path, link.path) != 0 {
            logger.warning("cannot switch the `latest` link", metadata: ["reason": "\(String(cString: strerror(errno)))"])
            unlink(temporary.path)
        }
    }

    /// Keeps the newest `keep` run directories (by their manifest's `as_of`, then name); never
    /// removes the one just written. 0 keeps all.
    static func applyRetention(keep: Int, in root: URL, justWritten: URL, logger: Logger) {
        guard keep > 0 else { return }
        let runs = runDirectories(in: root).map { url in (url: url, asOf: manifestAsOf(url)) }
        let newestFirst = runs.sorted { a, b in
            switch (a.asOf, b.asOf) {
            case let (x?, y?) where x != y: return x > y
            case (.some, .none): return true
            case (.none, .some): return false
            default: return a.url.lastPathComponent > b.url.lastPathComponent
            }
        }
        let justWrittenPath = justWritten.standardizedFileURL.path
        var kept = newestFirst.contains { $0.url.standardizedFileURL.path == justWrittenPath } ? 1 : 0
        for run in newestFirst where run.url.standardizedFileURL.path != justWrittenPath {
            if kept < keep {
                kept += 1
                continue
            }
            do {
                try FileManager.default.removeItem(at: run.url)
                logger.info("removed an old run", metadata: ["run_dir": "\(run.url.path)"])
            } catch {
                logger.warning("cannot remove an old run", metadata: ["run_dir": "\(run.url.path)", "reason": "\(error)"])
            }
        }
    }

    static func manifestAsOf(_ dir: URL) -> Date? {
        guard let data = FileManager.default.contents(atPath: dir.appendingPathComponent("manifest.json").path),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let text = object["as_of"] as? String
        else { return nil }
        return ISO8601Instant.parse(text)
    }
}
