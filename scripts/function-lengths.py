#!/usr/bin/env python3
"""Lists the Swift functions (func, init, deinit) longer than LIMIT lines, longest first.

    scripts/function-lengths.py [LIMIT] [DIR...]      # default: 80 lines, Sources/

Exits 1 when one is over the limit (scripts/tests/test_function_lengths.py runs it on Sources/).
A function's length runs from its declaration to the brace that closes its body; braces in
string literals and // comments are ignored.
"""
import pathlib
import re
import sys

DECLARATION = re.compile(
    r"^\s*(?:@\w+(?:\([^)]*\))?\s+)*"
    r"(?:(?:public|package|internal|private|fileprivate|static|class|final|override|mutating|nonisolated"
    r"|convenience|required|@inlinable|@discardableResult)\s+)*"
    r"(func\s+[^\s(<]+|init[?!]?|deinit)\b")


def code(line):
    """The line without its string literals and // comment."""
    line = re.sub(r'"(?:\\.|[^"\\])*"', '""', line)
    cut = line.find("//")
    return line[:cut] if cut >= 0 else line


def long_functions(roots, limit):
    found = []
    for root in roots:
        for path in sorted(pathlib.Path(root).rglob("*.swift")):
            lines = path.read_text(encoding="utf-8").splitlines()
            for start, line in enumerate(lines):
                match = DECLARATION.match(line)
                if not match:
                    continue
                depth, opened, end = 0, False, start
                while end < len(lines):
                    text = code(lines[end])
                    for character in text:
                        if character == "{":
                            depth, opened = depth + 1, True
                        elif character == "}":
                            depth -= 1
                    if opened and depth <= 0:
                        break
                    if not opened and end > start and not text.strip():
                        break  # a protocol requirement: no body
                    end += 1
                length = end - start + 1
                if opened and length > limit:
                    found.append((length, f"{path}:{start + 1}", match.group(1)))
    return sorted(found, reverse=True)


def main(argv):
    limit = int(argv[1]) if len(argv) > 1 else 80
    roots = argv[2:] or ["Sources"]
    found = long_functions(roots, limit)
    for length, where, name in found:
        print(f"{length:5d} {where} {name}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
