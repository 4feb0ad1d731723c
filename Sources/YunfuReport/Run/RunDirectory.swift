import CSystemShims
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failure to write the run directory itself (exit 4), or to prepare it (exit 2).
struct RunDirectoryError: Error, CustomStringConvertible, Sendable {
    var description: String
}

/// The run directory, written atomically: every file goes to a staging directory beside the
/// target (`.{name}.tmp-{pid}`), which is swapped into place at the end (`renameat2` with
/// `RENAME_EXCHANGE` when the target exists). A run that dies leaves the previous run as it was;
/// its staging leftovers are removed by the next run, which holds a lock on the parent meanwhile.
final class RunDirectory {
    let target: URL
    let staging: URL
    private let lockFD: Int32
    private(set) var written: [FileRecord] = []

    /// A file of the run and its sha256 (lowercase hex), as the manifest lists them.
    struct FileRecord: Sendable, Equatable {
        var name: String
        var sha256: String
    }

    private static let stagingMarker = ".tmp-"
    private static let oldMarker = ".old-"

    /// Creates the parent, takes its lock, removes stale leftovers and creates the staging
    /// directory. Errors here come before the first request (exit 2).
    init(target: URL) throws(RunDirectoryError) {
        self.target = target.standardizedFileURL
        let parent = self.target.deletingLastPathComponent()
        let fm = FileManager.default
        do {
            try fm.createDirectory(at: parent, withIntermediateDirectories: true)
        } catch {
            throw RunDirectoryError(description: "cannot create \(parent.path): \(Self.reason(error))")
        }
        // The lock is on the parent directory itself: nothing is left beside the run.
        let fd = open(parent.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            throw RunDirectoryError(description: "cannot write in \(parent.path): \(String(cString: strerror(errno)))")
        }
        guard access(parent.path, W_OK) == 0 else {
            close(fd)
            throw RunDirectoryError(description: "cannot write in \(parent.path): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw RunDirectoryError(description: "another yunfu-report run is writing in \(parent.path)")
        }
        lockFD = fd
        Self.removeLeftovers(in: parent)
        staging = parent.appendingPathComponent(
            "." + self.target.lastPathComponent + Self.stagingMarker + String(getpid()))
        do {
            try fm.createDirectory(at: staging, withIntermediateDirectories: false)
        } catch {
            flock(fd, LOCK_UN)
            close(fd)
            throw RunDirectoryError(description: "cannot create a directory in \(parent.path): \(Self.reason(error))")
        }
    }

    deinit {
        flock(lockFD, LOCK_UN)
        close(lockFD)
    }

    /// Removes staging and swapped-out directories that an earlier run left behind. A swapped-out
    /// run whose place is empty (a run killed between the two renames of the fallback swap) is
    /// the previous run: it is put back, not removed.
    static func removeLeftovers(in parent: URL) {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: parent.path) else { return }
        for name in names where name.hasPrefix(".") && (name.contains(stagingMarker) || name.contains(oldMarker)) {
            let url = parent.appendingPathComponent(name)
            if let marker = name.range(of: oldMarker, options: .backwards) {
                let original = String(name[name.index(after: name.startIndex)..<marker.lowerBound])
                let place = parent.appendingPathComponent(original)
                if !original.isEmpty, (try? fm.destinationOfSymbolicLink(atPath: place.path)) == nil,
                    !fm.fileExists(atPath: place.path), rename(url.path, place.path) == 0
                {
                    continue
                }
            }
            try? fm.removeItem(at: url)
        }
    }

    /// Writes one file into the staging directory (synced to disk) and records its sha256.
    func write(_ name: String, _ bytes: [UInt8]) throws(RunDirectoryError) {
        try write(name) { (emit: ([UInt8]) throws(RunDirectoryError) -> Void) throws(RunDirectoryError) in
            try emit(bytes)
        }
    }

    /// Writes one file into the staging directory chunk by chunk, as `produce` hands the chunks to
    /// its `emit` (so a large table is never whole in memory), hashing them on the way; the file is
    /// synced to disk and its sha256 recorded.
    func write(
        _ name: String,
        _ produce: (_ emit: ([UInt8]) throws(RunDirectoryError) -> Void) throws(RunDirectoryError) -> Void
    ) throws(RunDirectoryError) {
        let file = try stream(name)
        try produce { (chunk: [UInt8]) throws(RunDirectoryError) in try file.append(chunk) }
        try finish(file)
    }

    /// A file written piece by piece over time (a table streamed while the accounts come in),
    /// hashed on the way unless told not to. `finish(_:)` syncs it and records its sha256 at that
    /// point of `written`; a file never finished is closed and left to the staging cleanup.
    final class StreamingFile {
        let name: String
        let url: URL
        private var fd: Int32
        private var hasher: Digest.SHA256Stream?

        init(name: String, url: URL, hashed: Bool = true) throws(RunDirectoryError) {
            self.name = name
            self.url = url
            hasher = hashed ? Digest.SHA256Stream() : nil
            fd = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else {
                throw RunDirectoryError(description: "cannot write \(url.path): \(String(cString: strerror(errno)))")
            }
        }

        deinit {
            if fd >= 0 { close(fd) }
        }

        func append(_ bytes: [UInt8]) throws(RunDirectoryError) {
            guard fd >= 0 else { throw RunDirectoryError(description: "cannot write \(url.path): already closed") }
            var offset = 0
            while offset < bytes.count {
                let count = bytes.withUnsafeBytes { buffer in
                    Glibc.write(fd, buffer.baseAddress.map { $0 + offset }, bytes.count - offset)
                }
                if count < 0 {
                    if errno == EINTR { continue }
                    throw RunDirectoryError(description: "cannot write \(url.path): \(String(cString: strerror(errno)))")
                }
                offset += count
            }
            hasher?.update(bytes)
        }

        /// Syncs and closes the file; its digest (empty when not hashed).
        fileprivate func finish() throws(RunDirectoryError) -> [UInt8] {
            guard fd >= 0 else { throw RunDirectoryError(description: "cannot write \(url.path): already closed") }
            defer {
                close(fd)
                fd = -1
            }
            guard fsync(fd) == 0 else {
                throw RunDirectoryError(description: "cannot sync \(url.path): \(String(cString: strerror(errno)))")
            }
            return hasher?.finalize() ?? []
        }

        /// Syncs and closes the file; its name and sha256, for the run directory's record.
        func complete() throws(RunDirectoryError) -> FileRecord {
            FileRecord(name: name, sha256: Digest.hex(try finish()))
        }
    }

    /// Starts a file to be written piece by piece (`StreamingFile.append`).
    func stream(_ name: String) throws(RunDirectoryError) -> StreamingFile {
        try StreamingFile(name: name, url: staging.appendingPathComponent(name))
    }

    /// Syncs a streamed file and records it.
    func finish(_ file: StreamingFile) throws(RunDirectoryError) {
        written.append(try file.complete())
    }

    /// Records a file closed elsewhere (`StreamingFile.complete`), at this point of `written`.
    func record(_ file: FileRecord) {
        written.append(file)
    }

    /// Records a file that something else wrote into the staging directory (the workbook),
    /// hashing it as it is read back in blocks (the file is never whole in memory).
    func recordWritten(_ name: String) throws(RunDirectoryError) {
        let url = staging.appendingPathComponent(name)
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw RunDirectoryError(description: "cannot read back \(url.path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var hasher = Digest.SHA256Stream()
        var block = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = block.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                throw RunDirectoryError(description: "cannot read back \(url.path): \(String(cString: strerror(errno)))")
            }
            hasher.update(block[..<count])
        }
        written.append(FileRecord(name: name, sha256: Digest.hex(hasher.finalize())))
    }

    /// Writes a whole file anywhere (synced to disk), not recorded: the raw archive's answers.
    static func writeFile(_ url: URL, _ bytes: [UInt8]) throws(RunDirectoryError) {
        let file = try StreamingFile(name: url.lastPathComponent, url: url, hashed: false)
        try file.append(bytes)
        _ = try file.finish()
    }

    /// Does `dir` hold a complete run (its manifest says `complete: true`)?
    static func holdsCompleteRun(_ dir: URL) -> Bool {
        (try? ManifestDocument.read(in: dir))?.complete == true
    }

    /// Swaps the staging directory into place at `final` and removes what was there.
    func commit(to final: URL) throws(RunDirectoryError) {
        Self.syncDirectory(staging)
        let fm = FileManager.default
        let parent = final.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: final.path, isDirectory: &isDirectory) {
            if yunfu_rename_exchange(staging.path, final.path) == 0 {
                // `staging` now holds the previous run.
                try? fm.removeItem(at: staging)
            } else {
                // No RENAME_EXCHANGE here: move the old one aside, then the new one in.
                let old = parent.appendingPathComponent(
                    "." + final.lastPathComponent + Self.oldMarker + String(getpid()))
                guard rename(final.path, old.path) == 0 else {
                    throw RunDirectoryError(
                        description: "cannot replace \(final.path): \(String(cString: strerror(errno)))")
                }
                guard rename(staging.path, final.path) == 0 else {
                    let reason = String(cString: strerror(errno))
                    _ = rename(old.path, final.path)
                    throw RunDirectoryError(description: "cannot move the new run into \(final.path): \(reason)")
                }
                try? fm.removeItem(at: old)
            }
        } else {
            guard rename(staging.path, final.path) == 0 else {
                throw RunDirectoryError(
                    description: "cannot move the new run into \(final.path): \(String(cString: strerror(errno)))")
            }
        }
        Self.syncDirectory(parent)
    }

    /// Removes the staging directory (a run that writes nothing).
    func discard() {
        try? FileManager.default.removeItem(at: staging)
    }

    /// Syncs a directory's entries to disk (after a rename in it).
    static func syncDirectory(_ url: URL) {
        let fd = open(url.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }

    static func reason(_ error: any Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError,
            let posix = POSIXErrorCode(rawValue: Int32(underlying.code))
        {
            return String(cString: strerror(posix.rawValue))
        }
        return ns.localizedDescription
    }
}
