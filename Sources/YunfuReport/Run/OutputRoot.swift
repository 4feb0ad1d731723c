import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `output_root/latest` and `keep_runs` (cli-and-config.md, "Output root and `latest`").
enum OutputRoot {
    /// A run directory under `output_root`, as its manifest describes it.
    struct Run: Sendable, Equatable {
        var url: URL
        var asOf: Date
        var interrupted: Bool
    }

    /// What lies directly under `output_root`: the run directories, and the names of the other
    /// entries that look like neither a run nor what a run leaves behind (a user's `notes/`).
    struct Listing: Sendable, Equatable {
        var runs: [Run]
        var notRuns: [String]
    }

    /// The one definition of a run directory: a real directory directly under the root (not a
    /// symbolic link such as `latest`), whose name can be a run's (not hidden or temporary, see
    /// `RunDirectoryName.canBeRun`) and starts with its date, holding a
    /// `manifest.json` that this tool wrote (`"tool": "yunfu-report"`, an `as_of` instant).
    /// Anything else is never removed, never the target of `latest`.
    static func list(_ root: URL) -> Listing {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: root.path) else { return Listing(runs: [], notRuns: []) }
        var listing = Listing(runs: [], notRuns: [])
        for name in names.sortedByScalars() where !name.hasPrefix(".") && name != "latest" {
            let url = root.appendingPathComponent(name, isDirectory: true)
            // attributesOfItem does not follow a symbolic link: a link is never a run.
            let type = (try? fm.attributesOfItem(atPath: url.path))?[.type] as? FileAttributeType
            guard type == .typeDirectory else { continue }
            if RunDirectoryName.canBeRun(name), RunDirectoryName.date(name) != nil,
                let head = manifestHead(url)
            {
                listing.runs.append(Run(url: url, asOf: head.asOf, interrupted: head.interrupted))
            } else {
                listing.notRuns.append(name)
            }
        }
        return listing
    }

    /// Logs, once per run, the entries under the root that are left alone because they are no runs.
    static func noteNotRuns(_ listing: Listing, in root: URL, logger: Logger) {
        guard !listing.notRuns.isEmpty else { return }
        logger.info(
            "left alone under output_root: not run directories",
            metadata: ["output_root": "\(root.path)", "names": "\(listing.notRuns.joined(separator: ", "))"])
    }

    /// Switches `root/latest` atomically (a new link renamed over the old one) to the newest run
    /// that was not interrupted, by its manifest's `as_of`: a backfilled night never takes
    /// `latest` from a later one. At a tie, the run just written.
    static func pointLatest(after written: URL, in root: URL, listing: Listing, logger: Logger) {
        let writtenPath = written.standardizedFileURL.path
        var newest: Run?
        for run in listing.runs where !run.interrupted {
            guard let best = newest else {
                newest = run
                continue
            }
            if run.asOf > best.asOf || (run.asOf == best.asOf && run.url.standardizedFileURL.path == writtenPath) {
                newest = run
            }
        }
        guard let newest else { return }
        if newest.url.standardizedFileURL.path != writtenPath {
            logger.info(
                "`latest` stays on a later night", metadata: ["latest": "\(newest.url.lastPathComponent)"])
        }
        let link = root.appendingPathComponent("latest")
        let temporary = root.appendingPathComponent(".latest.tmp-\(getpid())")
        unlink(temporary.path)
        guard symlink(newest.url.lastPathComponent, temporary.path) == 0 else {
            logger.warning("cannot create the `latest` link", metadata: ["reason": "\(String(cString: strerror(errno)))"])
            return
        }
        if rename(temporary.path, link.path) != 0 {
            logger.warning("cannot switch the `latest` link", metadata: ["reason": "\(String(cString: strerror(errno)))"])
            unlink(temporary.path)
        }
    }

    /// The run directories `keep_runs` removes: beyond the newest `keep` (by their manifest's
    /// `as_of`, then name), never the one just written. 0 keeps all. Only runs are ever counted
    /// or removed.
    static func beyondRetention(keep: Int, listing: Listing, justWritten: URL) -> [URL] {
        guard keep > 0 else { return [] }
        let newestFirst = listing.runs.sorted { a, b in
            a.asOf != b.asOf ? a.asOf > b.asOf : ScalarOrder.less(b.url.lastPathComponent, a.url.lastPathComponent)
        }
        let justWrittenPath = justWritten.standardizedFileURL.path
        var kept = newestFirst.contains { $0.url.standardizedFileURL.path == justWrittenPath } ? 1 : 0
        var removed: [URL] = []
        for run in newestFirst where run.url.standardizedFileURL.path != justWrittenPath {
            if kept < keep {
                kept += 1
            } else {
                removed.append(run.url)
            }
        }
        return removed
    }

    /// Removes the runs beyond `keep_runs`.
    static func applyRetention(keep: Int, listing: Listing, justWritten: URL, logger: Logger) {
        for url in beyondRetention(keep: keep, listing: listing, justWritten: justWritten) {
            do {
                try FileManager.default.removeItem(at: url)
                logger.info("removed an old run", metadata: ["run_dir": "\(url.path)"])
            } catch {
                logger.warning("cannot remove an old run", metadata: ["run_dir": "\(url.path)", "reason": "\(error)"])
            }
        }
    }

    /// The manifest's `as_of` and `interrupted`, when `dir/manifest.json` is this tool's.
    static func manifestHead(_ dir: URL) -> (asOf: Date, interrupted: Bool)? {
        guard let manifest = try? ManifestDocument.read(in: dir), manifest.isYunfuReport,
            !manifest.malformed.contains(.interrupted), let asOf = manifest.asOfDate
        else { return nil }
        return (asOf, manifest.interrupted ?? false)
    }
}
