"""Rules on vigil's own sources that a compiler does not check (../shared/STYLE.md habit 6):
ldns's blocking helpers, which would stall the event loop or validate with ldns's policy instead
of vigil's, are never called; the validator stays pure (no libuv, no clock, no logging); and
clang-tidy, with the checks in ../../.clang-tidy, finds nothing (tools/tidy)."""
import os
import re
import subprocess
import unittest

from harness import ROOT

SOURCE_DIRS = ["dns", "validator", "cache", "trust-anchors", "daemon", "tools"]
# ldns functions that do network I/O or build a chain of trust their own way.
BLOCKING_LDNS = ["ldns_resolver_query", "ldns_resolver_search", "ldns_resolver_send",
                 "ldns_send", "ldns_tcp_send", "ldns_udp_send", "ldns_axfr_start",
                 "ldns_fetch_valid_domain_keys", "ldns_validate_domain_dnskey",
                 "ldns_validate_domain_ds", "ldns_verify_trusted", "ldns_dnssec_build_data_chain",
                 "ldns_getaddrinfo", "ldns_get_rr_list_addr_by_name",
                 "ldns_get_rr_list_name_by_addr", "ldns_resolver_new_frm_file"]


def sources(directories, extensions=(".cc", ".h", ".c")):
    for directory in directories:
        for base, _, files in os.walk(os.path.join(ROOT, directory)):
            for name in files:
                if name.endswith(extensions):
                    yield os.path.join(base, name)


class SourceRulesTest(unittest.TestCase):
    def test_ldns_blocking_helpers_are_never_called(self):
        pattern = re.compile(r"\b(" + "|".join(BLOCKING_LDNS) + r")\w*\s*\(")  # and variants
        offenders = []
        for path in sources(SOURCE_DIRS + ["tests"]):
            with open(path, errors="replace") as source:
                for number, line in enumerate(source, 1):
                    if pattern.search(line):
                        offenders.append(f"{os.path.relpath(path, ROOT)}:{number}: {line.strip()}")
        self.assertEqual(offenders, [])

    def test_the_validator_and_the_caches_do_no_io(self):
        forbidden = re.compile(r'#include\s*[<"](uv\.h|spdlog/[^>"]+|daemon/[^>"]+)[>"]|'
                               r"\b(time|clock_gettime|gettimeofday)\s*\(\s*(nullptr|NULL|0)?\s*\)")
        offenders = []
        for path in sources(["validator", "cache", "dns", "trust-anchors"]):
            with open(path, errors="replace") as source:
                for number, line in enumerate(source, 1):
                    if forbidden.search(line):
                        offenders.append(f"{os.path.relpath(path, ROOT)}:{number}: {line.strip()}")
        self.assertEqual(offenders, [])

    def test_clang_tidy_finds_nothing(self):
        # Over build/ (tests/run builds it first); files unchanged since a clean check come from
        # build/tidy-cache. Without the static analyzer: a fresh clone's cold cache would cost
        # the suite about 6 minutes on two cores with it, under 4 without (README, "Security").
        result = subprocess.run(["nice", os.path.join(ROOT, "tools", "tidy"), "--no-analyzer"],
                                capture_output=True,
                                text=True, timeout=900, stdin=subprocess.DEVNULL)
        print(result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)


if __name__ == "__main__":
    unittest.main()
