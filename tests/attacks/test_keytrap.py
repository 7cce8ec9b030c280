"""KeyTrap (CVE-2023-50387), THREATS rule 15: while an attacker keeps vigild validating the
KeyTrap zone of the DNS world (tools/world: 43 DNSKEYs, 41 of them sharing one key tag, 8 bogus
RRSIGs over www.keytrap.test. A), each such query ends in SERVFAIL within a bounded time and
other clients, asking cached and fresh names, keep being answered promptly."""
import threading
import time
import unittest

import attack_tools
from attack_tools import percentile
from world_fixture import WorldTestCase

import dns.message
import dns.rcode

ATTACK_SECONDS = 4.0
PROBE_RATE = 25.0  # queries a second from the other clients


class KeyTrapTest(WorldTestCase):
    @classmethod
    def vigild_args(cls, world):
        return ["--upstream", world.unbound_address, "--dnssec", "validate",
                "--trust-anchor", str(world.trust_anchor_file)]

    def test_other_clients_are_answered_while_keytrap_is_validated_again_and_again(self):
        vigild = self.vigild
        cached = ["www.example.test.", "mail.example.test.", "www.ed.test."]
        for name in cached:  # in the cache before the attack
            self.assertEqual(vigild.query(name, "A", want_dnssec=True).rcode(), dns.rcode.NOERROR)
        trap_times, trap_rcodes = [], []
        # Between two trap queries the trapped name is flushed (as if the attacker used a fresh
        # trapped name each time), so that every query is validated again, not answered from
        # the RFC 9520 bogus cache; the other names stay cached.
        def attacker():
            deadline = time.monotonic() + ATTACK_SECONDS
            while time.monotonic() < deadline and len(trap_times) < 200:
                reply, took = attack_tools.timed_query(vigild, "www.keytrap.test.", tcp=True,
                                                       timeout=10)
                trap_times.append(took)
                trap_rcodes.append(None if reply is None else dns.rcode.to_text(reply.rcode()))
                vigild.ctl("cache", "flush", "www.keytrap.test.")

        cached_probe = attack_tools.LatencyProbe(vigild, cached, rate=PROBE_RATE, timeout=2)
        fresh_probe = attack_tools.LatencyProbe(
            vigild, [f"fresh{i}.example.test." for i in range(1000)], rate=PROBE_RATE / 5,
            timeout=2)
        before = vigild.stats()
        thread = threading.Thread(target=attacker)
        thread.start()
        cached_probe.start()
        fresh_probe.start()
        thread.join(timeout=ATTACK_SECONDS + 30)
        cached_probe.stop()
        fresh_probe.stop()
        after = vigild.stats()
        validations = after["bogus"] - before["bogus"]
        reasons = {key[len("verdict_reason_"):]: after[key] - before.get(key, 0) for key in after
                   if key.startswith("verdict_reason_") and after[key] != before.get(key, 0)}
        print(f"\n  KeyTrap: {len(trap_times)} queries for www.keytrap.test in "
              f"{ATTACK_SECONDS:.0f} s ({validations} validations, verdicts {reasons}), each SERVFAIL after at most {max(trap_times) * 1000:.0f} ms (p50 "
              f"{percentile(trap_times, 0.5) * 1000:.0f} ms); the longest validation step held "
              f"the loop {after['validation_step_max_us']} us; meanwhile cached names: "
              f"{cached_probe.summary()}; fresh names: {fresh_probe.summary()}", flush=True)
        self.assertTrue(vigild.alive())
        self.assertGreaterEqual(len(trap_times), 5)
        self.assertEqual(set(trap_rcodes), {"SERVFAIL"})
        self.assertGreaterEqual(validations, len(trap_times) // 2)
        self.assertLess(max(trap_times), 2.0)
        self.assertEqual(cached_probe.answered_fraction(), 1.0)
        self.assertEqual(fresh_probe.answered_fraction(), 1.0)
        self.assertEqual(set(cached_probe.rcodes), {"NOERROR"})
        self.assertEqual(set(fresh_probe.rcodes), {"NXDOMAIN"})
        self.assertLess(cached_probe.p99_ms(), 200)
        self.assertLess(fresh_probe.p99_ms(), 200)


if __name__ == "__main__":
    unittest.main()
