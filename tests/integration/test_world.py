"""vigild in front of real servers: NSD (authoritative) and Unbound (non-validating recursive) from
Debian, on loopback, checked with dig as an operator would. Also runs the demo's own check."""
import os
import subprocess
import unittest

from harness import ROOT
from scripted_upstream import free_port
from world_fixture import WorldTestCase, free_port_pair

import world_zones  # noqa: E402


class RealWorldTest(WorldTestCase):
    @classmethod
    def vigild_args(cls, world):
        return ["--upstream", world.unbound_address, "--dnssec", "off",
                "--forward", f"corp.test={world.nsd_address}"]

    def dig(self, *arguments):
        command = ["dig", "@127.0.0.1", "-p", str(self.vigild.port), "+time=5",
                   *arguments]
        result = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        return result.stdout

    def short(self, *arguments):
        return sorted(self.dig("+short", *arguments).split())

    def test_every_fact_of_the_world_over_udp_and_tcp(self):
        for (name, rrtype), rdatas in world_zones.FACTS.items():
            for transport in ("+notcp", "+tcp"):
                with self.subTest(name=name, rrtype=rrtype, transport=transport):
                    answer = self.dig("+noall", "+answer", transport, name, rrtype)
                    for rdata in rdatas:
                        self.assertIn(rdata, answer)

    def test_nxdomain(self):
        self.assertIn("status: NXDOMAIN", self.dig(world_zones.NXDOMAIN_NAME, "A"))

    def test_big_answer_is_truncated_for_udp_and_whole_over_tcp(self):
        truncated = self.dig("+ignore", "+bufsize=1232", world_zones.BIG_TXT_NAME, "TXT")
        self.assertIn("flags: qr tc", truncated)
        whole = self.dig("+tcp", world_zones.BIG_TXT_NAME, "TXT")
        self.assertIn("ANSWER: 10", whole)

    def test_split_dns_zone_goes_straight_to_nsd_and_is_cached(self):
        self.assertEqual(self.short("intranet.corp.test", "A"), ["10.0.0.80"])
        before = self.vigild.stats()
        self.assertIn("status: NXDOMAIN", self.dig("fresh-name.corp.test", "A"))
        self.assertIn("status: NXDOMAIN", self.dig("+tcp", "fresh-name.corp.test", "A"))
        after = self.vigild.stats()
        # One upstream query: the second (over TCP) came from the cache, negative answers too.
        self.assertEqual(after["upstream_queries"] - before["upstream_queries"], 1)
        self.assertEqual(after["cache_hits"] - before["cache_hits"], 1)
        self.assertIn("flags: qr rd ra;", self.dig("db.corp.test"), "no AA from a forwarder")

class DemoTest(unittest.TestCase):
    def test_demo_check_passes(self):
        # Ports of its own: the fixed demo ports may be held by a human's demo, or by the
        # TIME_WAIT of the last run.
        result = subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "tools", "world",
                                                                  "demo.py"), "--check",
                                 "--base-port", str(free_port_pair()),
                                 "--port", str(free_port("127.0.0.1"))],
                                capture_output=True, text=True, timeout=120, check=False)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("demo check: 13 ok, 0 failed", result.stdout)


if __name__ == "__main__":
    unittest.main()
