/// Writes compact JSON into bytes, quickly. Keys and commas are the caller's job via
/// ``key(_:)``; ``beginObject()`` / ``endObject()`` track whether a comma is due.
struct JSONWriter {
    var bytes: [UInt8]
    /// PHP's `json_encode` default: non-ASCII as `\uXXXX` and `/` as `\/`.
    var phpEscapes: Bool
    private var needsComma: [Bool] = []

    init(capacity: Int = 16_384, phpEscapes: Bool = false) {
        bytes = []
        bytes.reserveCapacity(capacity)
        self.phpEscapes = phpEscapes
        needsComma.reserveCapacity(16)
    }

    private mutating func separator() {
        if let last = needsComma.last {
            if last { bytes.append(UInt8(ascii: ",")) }
            needsComma[needsComma.count - 1] = true
        }
    }

    mutating func beginObject() {
        valueSeparator()
        bytes.append(UInt8(ascii: "{"))
        needsComma.append(false)
    }

    mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        _ = needsComma.popLast()
    }

    mutating func beginArray() {
        valueSeparator()
        bytes.append(UInt8(ascii: "["))
        needsComma.append(false)
    }

    mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        _ = needsComma.popLast()
    }

    /// Writes `"key":`; the value that follows must not add a separator.
    mutating func key(_ name: StaticString) {
        separator()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        pendingValueAfterKey = true
    }

    /// Writes `"key":` for a key built at run time.
    mutating func key(dynamic name: String) {
        separator()
        writeEscaped(name)
        bytes.append(UInt8(ascii: ":"))
        pendingValueAfterKey = true
    }

    private var pendingValueAfterKey = false

    /// Before a value: after a key nothing, inside an array a comma when due.
    private mutating func valueSeparator() {
        if pendingValueAfterKey {
            pendingValueAfterKey = false
        } else {
            separator()
        }
    }

    mutating func null() {
        valueSeparator()
        bytes.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
    }

    mutating func bool(_ value: Bool) {
        valueSeparator()
        if value {
            bytes.append(contentsOf: [0x74, 0x72, 0x75, 0x65])
        } else {
            bytes.append(contentsOf: [0x66, 0x61, 0x6C, 0x73, 0x65])
        }
    }

    mutating func int(_ value: Int) {
        valueSeparator()
        appendDigits(value)
    }

    /// A number written exactly as given (e.g. `1.5`, `50.0`).
    mutating func rawNumber(_ text: StaticString) {
        valueSeparator()
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func string(_ value: String) {
        valueSeparator()
        writeEscaped(value)
    }

    mutating func string(_ value: StaticString) {
        valueSeparator()
        bytes.append(UInt8(ascii: "\""))
        value.withUTF8Buffer { buffer in
            if phpEscapes || buffer.contains(where: { $0 == 0x22 || $0 == 0x5C || $0 < 0x20 }) {
                bytes.removeLast()
                writeEscaped(String(decoding: UnsafeRawBufferPointer(buffer), as: UTF8.self))
            } else {
                bytes.append(contentsOf: buffer)
                bytes.append(UInt8(ascii: "\""))
            }
        }
    }

    /// A string whose content is a decimal integer (`"50"`), optionally padded (`" 50"`).
    mutating func intString(_ value: Int, padded: Bool = false) {
        valueSeparator()
        bytes.append(UInt8(ascii: "\""))
        if padded { bytes.append(UInt8(ascii: " ")) }
        appendDigits(value)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends raw, already valid JSON text as one value.
    mutating func raw(_ json: [UInt8]) {
        valueSeparator()
        bytes.append(contentsOf: json)
    }

    /// Appends ASCII digits of `value` (no separator): for building dates and ids in place.
    mutating func appendDigits(_ value: Int, width: Int = 0) {
        var v = value
        if v < 0 {
            bytes.append(UInt8(ascii: "-"))
            v = -v
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buf in
            repeat {
                buf[count] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
                count += 1
            } while v > 0
            while count < width && count < 20 {
                buf[count] = UInt8(ascii: "0")
                count += 1
            }
            for i in stride(from: count - 1, through: 0, by: -1) {
                bytes.append(buf[i])
            }
        }
    }

    /// A date string `YYYY-MM-DD HH:MM:SS` (or with `T` and a suffix such as `+08:00`).
    mutating func dateString(_ f: CivilTime.Fields, iso: Bool = false, suffix: StaticString = "") {
        valueSeparator()
        bytes.append(UInt8(ascii: "\""))
        appendDigits(f.year, width: 4)
        bytes.append(UInt8(ascii: "-"))
        appendDigits(f.month, width: 2)
        bytes.append(UInt8(ascii: "-"))
        appendDigits(f.day, width: 2)
        bytes.append(iso ? UInt8(ascii: "T") : UInt8(ascii: " "))
        appendDigits(f.hour, width: 2)
        bytes.append(UInt8(ascii: ":"))
        appendDigits(f.minute, width: 2)
        bytes.append(UInt8(ascii: ":"))
        appendDigits(f.second, width: 2)
        suffix.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    private mutating func appendUnicodeEscape(_ unit: UInt16) {
        bytes.append(UInt8(ascii: "\\"))
        bytes.append(UInt8(ascii: "u"))
        bytes.append(Self.hex[Int(unit >> 12) & 0xF])
        bytes.append(Self.hex[Int(unit >> 8) & 0xF])
        bytes.append(Self.hex[Int(unit >> 4) & 0xF])
        bytes.append(Self.hex[Int(unit) & 0xF])
    }

    private mutating func writeEscaped(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        if phpEscapes {
            for unit in value.utf16 {
                switch unit {
                case 0x22: bytes.append(0x5C); bytes.append(0x22)
                case 0x5C: bytes.append(0x5C); bytes.append(0x5C)
                case 0x2F: bytes.append(0x5C); bytes.append(0x2F)
                case 0x0A: bytes.append(0x5C); bytes.append(UInt8(ascii: "n"))
                case 0x0D: bytes.append(0x5C); bytes.append(UInt8(ascii: "r"))
                case 0x09: bytes.append(0x5C); bytes.append(UInt8(ascii: "t"))
                case 0..<0x20, 0x7F...: appendUnicodeEscape(unit)
                default: bytes.append(UInt8(truncatingIfNeeded: unit))
                }
            }
        } else {
            for byte in value.utf8 {
                switch byte {
                case 0x22: bytes.append(0x5C); bytes.append(0x22)
                case 0x5C: bytes.append(0x5C); bytes.append(0x5C)
                case 0x0A: bytes.append(0x5C); bytes.append(UInt8(ascii: "n"))
                case 0x0D: bytes.append(0x5C); bytes.append(UInt8(ascii: "r"))
                case 0x09: bytes.append(0x5C); bytes.append(UInt8(ascii: "t"))
                case 0..<0x20: appendUnicodeEscape(UInt16(byte))
                default: bytes.append(byte)
                }
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
