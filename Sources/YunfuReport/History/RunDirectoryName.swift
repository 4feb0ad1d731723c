/// The one reading of a directory name under `output_root`: whether it can be a run's, and the
/// date it starts with. A run directory is also a real directory holding a manifest this tool
/// wrote (`OutputRoot.list`); a name alone never makes one.
enum RunDirectoryName {
    /// Whether a directory name can be a run: not hidden, not `latest`, not a temporary one.
    static func canBeRun(_ name: String) -> Bool {
        if name.isEmpty || name.hasPrefix(".") || name == "latest" { return false }
        if name.hasPrefix("tmp") || name.hasSuffix("~") { return false }
        for marker in [".tmp", "-tmp", "_tmp", ".partial", ".incomplete"] where name.contains(marker) {
            return false
        }
        return true
    }

    /// The `YYYY-MM-DD` a run directory name starts with (`2026-11-25`, `2026-11-25-interrupted`).
    static func date(_ name: String) -> String? {
        let bytes = Array(name.utf8.prefix(11))
        guard bytes.count >= 10 else { return nil }
        for (index, byte) in bytes.prefix(10).enumerated() {
            let isDigit = byte >= 0x30 && byte <= 0x39
            if (index == 4 || index == 7) ? byte != 0x2D : !isDigit { return nil }
        }
        if bytes.count == 11, bytes[10] >= 0x30, bytes[10] <= 0x39 { return nil }
        return String(decoding: bytes.prefix(10), as: UTF8.self)
    }
}
