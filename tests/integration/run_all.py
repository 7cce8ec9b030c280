"""Runs every Python test: test_*.py in this folder (integration), in ../attacks (the attack suite)
and in ../load (load and faults), and writes "PASSED FAILED" to the file named on the command
line, if any, for tests/run to add to its total.

  run_all.py [RESULTS_FILE] [--suite integration|attacks|load]...

With --suite, only those folders run (e.g. `--suite attacks --suite load` in CI's security job).
"""
import argparse
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
SUITES = {"integration": HERE, "attacks": os.path.join(TESTS, "attacks"),
          "load": os.path.join(TESTS, "load")}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("results", nargs="?")
    parser.add_argument("--suite", action="append", choices=sorted(SUITES))
    args = parser.parse_args()
    # Every folder on the path first: the attack and load tests import harness.py from here,
    # and the load tests attack_tools.py from ../attacks.
    for folder in reversed(list(SUITES.values())):
        sys.path.insert(0, folder)
    suite = unittest.TestSuite()
    for name in args.suite or SUITES:
        # A loader per folder: each folder is its own top-level directory.
        suite.addTests(unittest.TestLoader().discover(SUITES[name], pattern="test_*.py",
                                                      top_level_dir=SUITES[name]))
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    passed = result.testsRun - failed - len(result.skipped)
    if args.results:
        with open(args.results, "w") as out:
            out.write(f"{passed} {failed + len(result.skipped)}\n")
    return 0 if failed == 0 and not result.skipped else 1


if __name__ == "__main__":
    sys.exit(main())
