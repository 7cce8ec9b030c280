"""THREATS rule 20: every parser and the validator are fuzzed. Runs `tests/fuzz/run --smoke`:
builds the libFuzzer targets with clang, ASan and UBSan in build-fuzz (the first time about a
minute on two cores), then runs each target a fixed number of times over its seed corpus. Any
crash, leak, sanitizer report or stalled input fails the test."""
import os
import subprocess
import unittest

from harness import ROOT

RUN = os.path.join(ROOT, "tests", "fuzz", "run")
TARGETS = ["client_query", "tcp_frames", "upstream_reply", "validator", "trust_anchors", "config"]


class FuzzSmokeTest(unittest.TestCase):
    def test_every_fuzz_target_runs_its_corpus_and_mutations_without_a_crash(self):
        result = subprocess.run([RUN, "--smoke"], capture_output=True, text=True, timeout=900,
                                stdin=subprocess.DEVNULL, check=False)
        print(result.stdout, end="")  # the one-line figure of each target
        self.assertEqual(result.returncode, 0, result.stdout[-6000:] + result.stderr[-3000:])
        for target in TARGETS:
            self.assertRegex(result.stdout, rf"(?m)^{target} +[1-9]\d* runs ",
                             f"no figure for {target}")
        self.assertIn("6 of 6 targets clean", result.stdout)


if __name__ == "__main__":
    unittest.main()
