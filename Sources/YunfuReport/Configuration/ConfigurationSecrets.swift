import Foundation
import Yams

/// Paths, environment variables and secret files, as the loader resolves them.
extension ConfigurationYAML {
    /// `$VAR` and `${VAR}` in `text` replaced from `environment`. A variable that is unset or
    /// empty is an error (an empty `${CREDENTIALS_DIRECTORY}` would silently point at `/token`).
    /// A `$` followed by neither a name nor `{` stays as it is.
    func expandVariables(
        _ text: String, node: Node, path: String, environment: [String: String]
    ) throws(ConfigurationError) -> String {
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            guard scalar == "$", index + 1 < scalars.count else {
                out.append(scalar)
                index += 1
                continue
            }
            var name = String.UnicodeScalarView()
            var next = index + 1
            if scalars[next] == "{" {
                next += 1
                while next < scalars.count, scalars[next] != "}" {
                    name.append(scalars[next])
                    next += 1
                }
                guard next < scalars.count else {
                    throw failure(node.mark?.line, "`\(path)`: `${` is not closed by `}`")
                }
                next += 1  // past "}"
                guard Self.isVariableName(String(name)) else {
                    throw failure(node.mark?.line, "`\(path)`: `${\(String(name))}` is not a variable name")
                }
            } else {
                while next < scalars.count, Self.isNameScalar(scalars[next], first: name.isEmpty) {
                    name.append(scalars[next])
                    next += 1
                }
                if name.isEmpty {
                    out.append(scalar)
                    index += 1
                    continue
                }
            }
            let variable = String(name)
            guard let value = environment[variable], !value.isEmpty else {
                throw failure(node.mark?.line, "`\(path)` uses the variable `\(variable)`, which is not set or empty")
            }
            out.append(contentsOf: value.unicodeScalars)
            index = next
        }
        return String(out)
    }

    /// An environment variable's name: letters, digits and `_`, not starting with a digit.
    static func isVariableName(_ name: String) -> Bool {
        guard !name.isEmpty else { return false }
        var first = true
        for scalar in name.unicodeScalars {
            guard isNameScalar(scalar, first: first) else { return false }
            first = false
        }
        return true
    }

    private static func isNameScalar(_ scalar: Unicode.Scalar, first: Bool) -> Bool {
        switch scalar {
        case "A"..."Z", "a"..."z", "_": true
        case "0"..."9": !first
        default: false
        }
    }

    /// A variable name read from `node` (`token_env`, `webhook_env`, …).
    func variableName(_ node: Node, path: String) throws(ConfigurationError) -> String {
        let name = try text(node, path: path).trimmedForEmptiness
        guard Self.isVariableName(name) else {
            // The value is not echoed: a token pasted here by mistake must not reach a log.
            throw failure(
                node.mark?.line,
                "`\(path)` must be the NAME of an environment variable (letters, digits and `_`), not a value")
        }
        return name
    }

    /// `path` as written, made absolute: a relative path is relative to `folder` (the
    /// configuration file's folder).
    static func resolve(_ path: String, against folder: URL) -> URL {
        let url =
            path.hasPrefix("/")
            ? URL(fileURLWithPath: path)
            : folder.appendingPathComponent(path)
        return url.standardizedFileURL
    }

    /// A secret read from the variable `name`: unset or empty is an error naming the variable.
    /// A trailing line break is dropped.
    func secret(
        variable name: String, what: String, line: Int?, environment: [String: String]
    ) throws(ConfigurationError) -> Secret {
        // A token pasted where the variable's name goes can still be a valid name (letters and
        // digits only): one that looks like a token is not repeated in the message.
        let shown = Self.looksLikeSecret(name) ? "named there (not repeated: it looks like a token, not a name)" : "`\(name)`"
        guard let raw = environment[name] else {
            throw failure(line, "the \(what) variable \(shown) is not set")
        }
        let value = Self.droppingTrailingLineBreaks(raw)
        guard !value.isEmpty else {
            throw failure(line, "the \(what) variable \(shown) is empty")
        }
        guard !Self.hasControlCharacter(value) else {
            throw failure(line, "the \(what) in the variable \(shown) holds a line break or control character")
        }
        return Secret(value)
    }

    /// Whether a variable name looks like a secret value rather than a name: 32 scalars or more,
    /// or 16 or more mixing lower-case letters, upper-case letters and digits (a random token),
    /// where names are words in one case (`YUNFU_API_TOKEN`, `http_proxy`).
    static func looksLikeSecret(_ name: String) -> Bool {
        let count = name.unicodeScalars.count
        if count >= 32 { return true }
        guard count >= 16 else { return false }
        let scalars = name.unicodeScalars
        let lower = scalars.contains { ("a"..."z").contains($0) }
        let upper = scalars.contains { ("A"..."Z").contains($0) }
        let digit = scalars.contains { ("0"..."9").contains($0) }
        return lower && upper && digit
    }

    /// A secret read from a file: a file that cannot be read or is empty is an error naming the
    /// file (never its content). A trailing line break is dropped.
    func secret(file url: URL, what: String, line: Int?) throws(ConfigurationError) -> Secret {
        let data: Data
        do {
            data = try Self.readFile(url)
        } catch {
            throw failure(line, "cannot read the \(what) file `\(url.path)`: \(error.message)")
        }
        guard let raw = String(data: data, encoding: .utf8) else {
            throw failure(line, "the \(what) file `\(url.path)` is not UTF-8 text")
        }
        let value = Self.droppingTrailingLineBreaks(raw)
        guard !value.isEmpty else {
            throw failure(line, "the \(what) file `\(url.path)` is empty")
        }
        guard !Self.hasControlCharacter(value) else {
            throw failure(line, "the \(what) in the file `\(url.path)` holds a line break or control character")
        }
        return Secret(value)
    }

    static func droppingTrailingLineBreaks(_ text: String) -> String {
        var scalars = Substring(text).unicodeScalars
        while let last = scalars.last, last == "\n" || last == "\r" {
            scalars.removeLast()
        }
        return String(scalars)
    }

    static func hasControlCharacter(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    /// Why a file could not be read, in a few words ("No such file or directory", "Is a directory").
    struct FileProblem: Error {
        var message: String
    }

    /// The bytes of a regular file, or a `FileProblem` saying why not.
    static func readFile(_ url: URL) throws(FileProblem) -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw FileProblem(message: "No such file or directory")
        }
        guard !isDirectory.boolValue else {
            throw FileProblem(message: "Is a directory")
        }
        do {
            return try Data(contentsOf: url)
        } catch {
            throw FileProblem(message: reason(error))
        }
    }

    /// The system's own words for a Foundation file error (its POSIX cause when there is one).
    static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError,
            underlying.domain == NSPOSIXErrorDomain
        {
            return underlying.localizedDescription
        }
        return nsError.localizedDescription
    }
}
