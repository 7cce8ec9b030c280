"""Runs every integration test (test_*.py in this folder) and writes "PASSED FAILED" to the file
named on the command line, if any, for tests/run to add to its total."""
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    sys.path.insert(0, HERE)
    suite = unittest.defaultTestLoader.discover(HERE, pattern="test_*.py", top_level_dir=HERE)
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    passed = result.testsRun - failed - len(result.skipped)
    if len(sys.argv) > 1:
        with open(sys.argv[1], "w") as out:
            out.write(f"{passed} {failed + len(result.skipped)}\n")
    return 0 if failed == 0 and not result.skipped else 1


if __name__ == "__main__":
    sys.exit(main())
