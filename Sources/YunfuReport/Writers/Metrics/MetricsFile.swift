import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `report.metrics_file`: the run's metrics at a path of the user's (node_exporter's textfile
/// collector folder), replaced atomically: the text goes to a temporary file in the same folder
/// (`.{name}.tmp-{pid}`: hidden, and not ending in `.prom`, so the collector never reads it half
/// written), synced, then renamed over the file. A reader sees the previous file or the new one.
enum MetricsFile {
    static func write(_ text: String, to url: URL) throws(RunDirectoryError) {
        let folder = url.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
        do throws(RunDirectoryError) {
            try RunDirectory.writeFile(temporary, Array(text.utf8))
            // Readable by the collector's own user whatever the job's umask (UMask=0027 in the unit):
            // the figures are no secret.
            guard chmod(temporary.path, 0o644) == 0 else {
                throw RunDirectoryError(
                    description: "cannot set the mode of \(temporary.path): \(String(cString: strerror(errno)))")
            }
            guard rename(temporary.path, url.path) == 0 else {
                throw RunDirectoryError(
                    description: "cannot rename \(temporary.path) to \(url.path): \(String(cString: strerror(errno)))")
            }
        } catch {
            unlink(temporary.path)
            throw error
        }
        RunDirectory.syncDirectory(folder)
    }
}
