"""No function in Sources/ is longer than 80 lines (issue 14): scripts/function-lengths.py.

Run by `make test` (python3 -m unittest discover -s scripts/tests).
"""

import importlib.util
import os
import tempfile
import unittest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SPEC = importlib.util.spec_from_file_location("function_lengths", os.path.join(REPO, "scripts", "function-lengths.py"))
lengths = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(lengths)


class FunctionLengths(unittest.TestCase):
    def test_sources_have_no_function_over_80_lines(self):
        found = lengths.long_functions([os.path.join(REPO, "Sources")], 80)
        self.assertEqual(found, [], "\n".join(f"{n} lines: {where} {name}" for n, where, name in found))

    def test_a_long_function_is_found_and_braces_in_strings_do_not_count(self):
        body = "\n".join(f'        let x{i} = "{{"' for i in range(90))
        source = "struct S {\n    func long() {\n" + body + "\n    }\n    func short() { }\n}\n"
        with tempfile.TemporaryDirectory() as folder:
            with open(os.path.join(folder, "S.swift"), "w", encoding="utf-8") as file:
                file.write(source)
            found = lengths.long_functions([folder], 80)
        self.assertEqual([(n, name) for n, _, name in found], [(92, "func long")])


if __name__ == "__main__":
    unittest.main()
