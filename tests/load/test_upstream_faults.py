"""Upstream faults: the only upstream goes down, answers garbage, answers too slowly, flaps, and
comes back. Throughout, pinned names are answered at once, cached names are answered (fresh, or
stale with EDE 3 once expired: RFC 8767, for data proven insecure through a negative trust
anchor, as tests/integration/test_cache.py does), names never seen get SERVFAIL rather than a
guess, vigild stays up, and when the upstream returns the answers are fresh again."""
import os
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "attacks"))
import attack_tools  # noqa: E402
from attack_tools import Vigild  # noqa: E402
from harness import ede_codes, rcode_of  # noqa: E402
from scripted_upstream import ScriptedUpstream, Send, reply_wire  # noqa: E402

import dns.message  # noqa: E402
import dns.rdatatype  # noqa: E402

GENUINE = "192.0.2.80"
PIN = "192.0.2.10"
NAMES = [f"n{i}.example.test." for i in range(8)]
TTL = 1  # seconds: every outage outlives the cached answers
FLAP_PERIOD = 0.3  # seconds up, then as long down
SEED = 5011


class FaultyUpstream:
    """A scripted upstream whose behaviour the test switches: up, down (silent), garbage (random
    octets, some with the query's ID), slow (answers after 2 s), flapping (up and down in turn
    every FLAP_PERIOD)."""

    def __init__(self):
        self.mode = "up"
        self.rng = attack_tools.seeded(SEED)
        self.answered = 0
        self.server = ScriptedUpstream("127.0.0.1", self.script)

    def script(self, request):
        mode = self.mode
        if mode == "flapping":
            mode = "up" if int(time.monotonic() / FLAP_PERIOD) % 2 == 0 else "down"
        genuine = reply_wire(request, [f"{request.qname_text} {TTL} IN A {GENUINE}"])
        if mode == "up":
            self.answered += 1
            return [Send(genuine)]
        if mode == "slow":
            return [Send(genuine, delay=2.0)]
        if mode == "garbage":
            txid = genuine[:2]
            return [Send(bytes(self.rng.randrange(256) for _ in range(self.rng.randint(1, 300)))),
                    Send(txid + bytes(self.rng.randrange(256)
                                      for _ in range(self.rng.randint(0, 100))))]
        return []  # down


# Queries carry EDNS (use_edns=0): Extended DNS Errors such as EDE 3 travel in the OPT record.


def addresses(reply):
    return sorted(rdata.to_text() for rrset in reply.answer for rdata in rrset
                  if rrset.rdtype == dns.rdatatype.A)


class UpstreamFaultTest(unittest.TestCase):
    def setUp(self):
        self.upstream = FaultyUpstream()
        self.upstream.server.__enter__()
        self.addCleanup(self.upstream.server.stop)
        self.vigild = Vigild("--upstream", self.upstream.server.endpoint,
                             "--dnssec", "validate", "--insecure", "example.test",
                             "--upstream-timeout", "300ms", "--query-timeout", "1s",
                             "--pin", f"api.pay.test A {PIN}")
        self.addCleanup(self.vigild.stop)

    def ask_all(self, names, timeout=3):
        """Asks every name at once; {name: (rcode, addresses, EDE codes, seconds)}."""
        results = {}

        def ask(name):
            reply, took = attack_tools.timed_query(self.vigild, name, timeout=timeout, use_edns=0)
            results[name] = (None, [], [], took) if reply is None else (
                rcode_of(reply), addresses(reply), ede_codes(reply), took)

        threads = [threading.Thread(target=ask, args=(name,)) for name in names]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=timeout + 2)
        return results

    def assert_pin_answered(self, phase):
        reply, took = attack_tools.timed_query(self.vigild, "api.pay.test.", timeout=1)
        self.assertIsNotNone(reply, f"pin unanswered ({phase})")
        self.assertEqual(addresses(reply), [PIN], phase)
        self.assertLess(took, 0.1, f"pin took {took * 1000:.0f} ms ({phase})")
        return took

    def outage(self, mode):
        """Switches the upstream to `mode` once the cached answers expired; checks that cached
        names come stale, the pin at once, a new name as SERVFAIL. Returns figures."""
        self.upstream.mode = mode
        time.sleep(TTL + 0.2)
        results = self.ask_all(NAMES + [f"never-{mode}.example.test."])
        never = results.pop(f"never-{mode}.example.test.")
        for name, (rcode, found, ede, took) in results.items():
            self.assertEqual((rcode, found, ede), ("NOERROR", [GENUINE], [3]),
                             f"{name} while the upstream is {mode}")
        self.assertEqual(never[0], "SERVFAIL", f"a name never cached, upstream {mode}")
        pin = self.assert_pin_answered(mode)
        self.assertTrue(self.vigild.alive(), self.vigild.log())
        worst = max(took for *_, took in results.values())
        return f"{mode}: {len(results)} cached names stale (EDE 3) in {worst * 1000:.0f} ms, " \
               f"pin {pin * 1000:.1f} ms, new name SERVFAIL EDE {[int(code) for code in never[2]]}"

    def test_down_garbage_slow_flapping_then_back(self):
        started = time.monotonic()
        fresh = self.ask_all(NAMES)
        for name, (rcode, found, ede, _) in fresh.items():
            self.assertEqual((rcode, found, ede), ("NOERROR", [GENUINE], []), name)
        report = [self.outage(mode) for mode in ("down", "garbage", "slow")]

        # Flapping: a client asks a cached name 20 times a second; every answer is the genuine
        # address, fresh or stale, none SERVFAIL.
        self.upstream.mode = "flapping"
        outcomes = []
        flap_started = time.monotonic()
        for index in range(60):
            reply, took = attack_tools.timed_query(self.vigild, NAMES[index % len(NAMES)],
                                                   timeout=3, use_edns=0)
            self.assertIsNotNone(reply)
            outcomes.append((rcode_of(reply), addresses(reply), 3 in ede_codes(reply), took))
            time.sleep(max(0.0, flap_started + (index + 1) / 20 - time.monotonic()))
        self.assertEqual({(rcode, tuple(found)) for rcode, found, _, _ in outcomes},
                         {("NOERROR", (GENUINE,))})
        stale = sum(1 for *_, was_stale, _ in outcomes if was_stale)
        report.append(f"flapping every {FLAP_PERIOD * 1000:.0f} ms: {len(outcomes)} queries, "
                      f"all answered ({len(outcomes) - stale} fresh, {stale} stale), p99 "
                      f"{attack_tools.percentile([o[3] for o in outcomes], 0.99) * 1000:.0f} ms")
        self.assert_pin_answered("flapping")

        # Back: the first query after the upstream returns may still wait out an attempt that
        # began before; within 2 s every answer is fresh again.
        self.upstream.mode = "up"
        back_at = time.monotonic()
        recovered = None
        while time.monotonic() - back_at < 5:
            results = self.ask_all(NAMES)
            if all(r[:3] == ("NOERROR", [GENUINE], []) for r in results.values()):
                recovered = time.monotonic() - back_at
                break
            time.sleep(0.1)
        stats = self.vigild.stats()
        report.append(f"back: every name fresh again after "
                      f"{'never' if recovered is None else f'{recovered * 1000:.0f} ms'}")
        print("\n  upstream faults (" + f"{time.monotonic() - started:.1f} s): " +
              "; ".join(report) + f"; stale_answers {stats['stale_answers']}, unwanted "
              f"{stats['unwanted_replies']}, upstream_down events "
              f"{len(self.vigild.security_events('upstream_down'))}", flush=True)
        self.assertIsNotNone(recovered, "vigild did not go back to fresh answers")
        self.assertLess(recovered, 2.0)
        self.assertGreater(stats["unwanted_replies"], 0, "the garbage was seen and dropped")
        self.assertTrue(self.vigild.alive())


if __name__ == "__main__":
    unittest.main()
