#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// `mkdir` and `rmdir`, with the system's own words (`strerror`) when they fail: Foundation's
/// errors for these say "The operation could not be completed" on Linux.
enum POSIXDirectory {
    /// Makes the directory `path` (not its parents); nil when done, else why not.
    static func make(_ path: String) -> String? {
        guard mkdir(path, 0o755) != 0 else { return nil }
        return String(cString: strerror(errno))
    }

    /// Removes the empty directory `path`; nil when done, else why not.
    static func remove(_ path: String) -> String? {
        guard rmdir(path) != 0 else { return nil }
        return String(cString: strerror(errno))
    }
}
