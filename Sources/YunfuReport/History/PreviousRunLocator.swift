package import Foundation

/// `--compare-to`: what this run is compared with.
package enum CompareTarget: Sendable, Equatable {
    /// The latest run under `output_root` strictly before this one.
    case automatic
    /// `--compare-to none`.
    case none
    /// `--compare-to DIR`: a run directory, or a directory holding run directories.
    case directory(URL)
}

/// The previous run found and read, or why there is none.
struct LocatedPrevious: Sendable, Equatable {
    /// nil: compare with nothing.
    var previous: PreviousRunFiles?
    /// The manifest's `compare_warning` (also for standard error), whether or not a previous run
    /// was found: a sentence naming what was skipped or unusable; nil when nothing was.
    var warning: String?
}

/// Finds the previous run (`changes-and-suppressions.md`, "The previous run") and reads it.
enum PreviousRunLocator {
    /// - Parameters:
    ///   - currentAsOf: this run's `as_of`; an automatic previous run is strictly before it.
    ///   - currentRunDir: this run's directory, never taken as its own previous run when looking
    ///     through a directory of runs (a rerun of the night is compared with the night before).
    ///   - timeZone: the report time zone, for the dates in run directory names.
    static func locate(
        compareTo: CompareTarget, outputRoot: URL, currentAsOf: Date, currentRunDir: URL?, timeZone: TimeZone
    ) -> LocatedPrevious {
        switch compareTo {
        case .none:
            return LocatedPrevious(previous: nil, warning: nil)
        case .automatic:
            return scan(
                root: outputRoot, explicit: false, currentAsOf: currentAsOf, currentRunDir: currentRunDir,
                timeZone: timeZone)
        case .directory(let dir):
            let fileManager = FileManager.default
            var isDirectory: ObjCBool = false
            guard fileManager.fileExists(atPath: dir.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                return LocatedPrevious(
                    previous: nil,
                    warning: "--compare-to \(dir.path) is no directory; this run is compared with nothing.")
            }
            let looksLikeRun = ["manifest.json", "findings.csv", "lines.csv"].contains {
                fileManager.fileExists(atPath: dir.appendingPathComponent($0).path)
            }
            if looksLikeRun {
                do throws(PreviousRunProblem) {
                    return LocatedPrevious(previous: try PreviousRunReader.read(runDir: dir), warning: nil)
                } catch {
                    return LocatedPrevious(
                        previous: nil,
                        warning:
                            "The run given by --compare-to, \(dir.standardizedFileURL.path), was not used: \(error); this run is compared with nothing."
                    )
                }
            }
            return scan(
                root: dir, explicit: true, currentAsOf: currentAsOf, currentRunDir: currentRunDir,
                timeZone: timeZone)
        }
    }

    private struct Candidate {
        var name: String
        var url: URL
        var manifest: PreviousRunReader.Manifest
    }

    private struct Skipped {
        var name: String
        var problem: PreviousRunProblem
    }

    /// The previous run under `root`: the latest readable run before this one, unless a run
    /// directory that cannot be read lies between it and this one.
    private static func scan(
        root: URL, explicit: Bool, currentAsOf: Date, currentRunDir: URL?, timeZone: TimeZone
    ) -> LocatedPrevious {
        let fileManager = FileManager.default
        let rootPath = root.standardizedFileURL.path
        let names: [String]
        do {
            names = try fileManager.contentsOfDirectory(atPath: root.path)
        } catch {
            if !explicit && !fileManager.fileExists(atPath: root.path) {
                // The first run: output_root does not exist yet.
                return LocatedPrevious(previous: nil, warning: nil)
            }
            return LocatedPrevious(
                previous: nil, warning: "The runs under \(rootPath) cannot be listed; this run is compared with nothing.")
        }
        let (candidates, skipped) = survey(
            names, in: root, before: currentAsOf, excluding: currentRunDir.map(canonicalPath))
        let skippedText = skipped.map { "\($0.name) (\($0.problem))" }.joined(separator: "; ")
        guard let chosen = latest(of: candidates) else {
            if !skipped.isEmpty {
                return LocatedPrevious(
                    previous: nil,
                    warning:
                        "No earlier run could be read under \(rootPath): skipped \(skippedText); this run is compared with nothing."
                )
            }
            return LocatedPrevious(
                previous: nil,
                warning: explicit
                    ? "No run earlier than this one was found under \(rootPath) (--compare-to); this run is compared with nothing."
                    : nil)
        }
        // A date-named directory that could not be read and is dated between the run found and
        // this one may well be the previous run itself: comparing across it would report two
        // nights as one, so compare with nothing.
        let blocking = blockingSkips(
            skipped, from: CalendarDay(chosen.manifest.asOfDate, in: timeZone).description,
            to: CalendarDay(currentAsOf, in: timeZone).description)
        if !blocking.isEmpty {
            let text = blocking.map { "\($0.name) (\($0.problem))" }.joined(separator: "; ")
            return LocatedPrevious(
                previous: nil,
                warning:
                    "The run directory \(text) under \(rootPath) cannot be read and may be the previous run; this run is compared with nothing."
            )
        }
        return read(chosen, rootPath: rootPath, skippedText: skipped.isEmpty ? nil : skippedText)
    }

    /// The run directories among `names` dated before `currentAsOf` (never this run's own), and the
    /// date-named or manifest-holding ones that could not be read.
    private static func survey(
        _ names: [String], in root: URL, before currentAsOf: Date, excluding current: String?
    ) -> (candidates: [Candidate], skipped: [Skipped]) {
        let fileManager = FileManager.default
        var candidates: [Candidate] = []
        var skipped: [Skipped] = []
        for name in names.sortedByScalars() where RunDirectoryName.canBeRun(name) {
            let url = root.appendingPathComponent(name, isDirectory: true)
            // attributesOfItem does not follow a symbolic link: `latest` and its like are not runs.
            guard let type = try? fileManager.attributesOfItem(atPath: url.path)[.type] as? FileAttributeType,
                type == .typeDirectory
            else { continue }
            if let current, canonicalPath(url) == current { continue }
            do throws(PreviousRunProblem) {
                let manifest = try PreviousRunReader.readManifest(in: url)
                if manifest.asOfDate < currentAsOf {
                    candidates.append(Candidate(name: name, url: url, manifest: manifest))
                }
            } catch {
                let hasManifest = fileManager.fileExists(atPath: url.appendingPathComponent("manifest.json").path)
                if RunDirectoryName.date(name) != nil || hasManifest {
                    skipped.append(Skipped(name: name, problem: error))
                }
            }
        }
        return (candidates, skipped)
    }

    /// The latest `as_of`; at a tie a complete run, then the first name.
    private static func latest(of candidates: [Candidate]) -> Candidate? {
        var chosen: Candidate?
        for candidate in candidates {
            guard let best = chosen else {
                chosen = candidate
                continue
            }
            if candidate.manifest.asOfDate > best.manifest.asOfDate
                || (candidate.manifest.asOfDate == best.manifest.asOfDate && candidate.manifest.complete
                    && !best.manifest.complete)
            {
                chosen = candidate
            }
        }
        return chosen
    }

    /// The skipped directories whose name dates them between the chosen run's day and this one's.
    private static func blockingSkips(_ skipped: [Skipped], from chosenDay: String, to currentDay: String) -> [Skipped] {
        skipped.filter { skip in
            guard let day = RunDirectoryName.date(skip.name) else { return false }
            return !ScalarOrder.less(day, chosenDay) && !ScalarOrder.less(currentDay, day)
        }
    }

    /// Reads the chosen run's files; `skippedText` names what else was skipped.
    private static func read(_ chosen: Candidate, rootPath: String, skippedText: String?) -> LocatedPrevious {
        do throws(PreviousRunProblem) {
            let files = try PreviousRunReader.read(runDir: chosen.url, manifest: chosen.manifest)
            let warning = skippedText.map { "Run directories skipped under \(rootPath), not compared with: \($0)." }
            return LocatedPrevious(previous: files, warning: warning)
        } catch {
            let chosenPath = chosen.url.standardizedFileURL.path
            var warning = "The previous run \(chosenPath) was not used: \(error); this run is compared with nothing."
            if let skippedText { warning += " Also skipped: \(skippedText)." }
            return LocatedPrevious(previous: nil, warning: warning)
        }
    }

    private static func canonicalPath(_ url: URL) -> String {
        url.standardizedFileURL.resolvingSymlinksInPath().path
    }
}
