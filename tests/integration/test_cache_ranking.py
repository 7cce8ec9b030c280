"""The hardened cache against injection (THREATS rules 9-13, RFC 2181 5.4.1): records injected
into one answer never replace what the cache holds for another name, a cached secure RRset is
never replaced by unsigned data, and popular answers are refreshed before they expire."""
import os
import tempfile
import time
import unittest

import dns.flags
import dns.message
import dns.query

from harness import Vigild, rcode_of
from scripted_upstream import ScriptedUpstream, Send, reply_wire
from world_fixture import free_port_pair, world_module

VICTIM = "www.victim.test."
TRUTH = "192.0.2.1"
INJECTED = "203.0.113.66"


def addresses(reply):
    return sorted(rr.to_text() for rrset in reply.answer if rrset.rdtype == 1 for rr in rrset)


class ChainInjectionTest(unittest.TestCase):
    """dnssec off: every answer is unchecked, so the ranking by source decides."""

    def setUp(self):
        def script(request):
            name = request.qname_text.lower()
            if name == VICTIM:
                return [Send(reply_wire(request, [f"{VICTIM} 300 IN A {TRUTH}"]))]
            # The attacker's own name, whose answer carries a CNAME into the victim's name and
            # an A record for it.
            return [Send(reply_wire(request, [f"{name} 300 IN CNAME {VICTIM}",
                                              f"{VICTIM} 300 IN A {INJECTED}"]))]

        self.upstream = ScriptedUpstream("127.0.0.1", script)
        self.upstream.__enter__()
        self.addCleanup(self.upstream.stop)
        self.vigild = Vigild("--upstream", self.upstream.endpoint)
        self.addCleanup(self.vigild.stop)

    def asked(self, name):
        return sum(1 for r in self.upstream.requests if r.qname_text.lower() == name)

    def test_chain_data_never_replaces_a_cached_exact_answer(self):
        self.assertEqual(addresses(self.vigild.query(VICTIM)), [TRUTH])
        # The attacker's answer is relayed to whoever asked for the attacker's name ...
        self.vigild.query("evil.attacker.test.")
        # ... but the victim's cached answer stands, and no later answer carries the injection.
        for _ in range(3):
            self.assertEqual(addresses(self.vigild.query(VICTIM)), [TRUTH])
        self.assertEqual(self.asked(VICTIM), 1, "the victim was answered from the cache")
        event = self.vigild.security_events("cache_conflict")[0]
        self.assertEqual(event["owner"], VICTIM)
        self.assertEqual(event["offered"], "unchecked/chain")
        self.assertEqual(event["cached"], "unchecked/answer")
        self.assertEqual(self.vigild.stats()["cache_conflicts"], 1)
        # The conflicting answer was not cached: the attacker's name is asked again, and the
        # injected address is nowhere in the cache.
        self.vigild.query("evil.attacker.test.")
        self.assertEqual(self.asked("evil.attacker.test."), 2)
        dump = self.vigild.ctl("cache", "dump")[1]
        self.assertIn(TRUTH, dump)
        self.assertNotIn(INJECTED, dump)

    def test_an_exact_answer_replaces_earlier_chain_data(self):
        self.vigild.query("evil.attacker.test.")  # chain data for the victim, learned first
        self.assertEqual(addresses(self.vigild.query(VICTIM)), [TRUTH])
        self.assertEqual(self.asked(VICTIM), 1, "chain data never answers the victim's question")
        self.assertEqual(addresses(self.vigild.query(VICTIM)), [TRUTH])
        self.assertEqual(self.asked(VICTIM), 1)
        # The attacker's cached answer was built on the replaced RRset: it is neither listed
        # nor answered any more, and is asked again.
        dump = self.vigild.ctl("cache", "dump")[1]
        self.assertIn(f"; rrset {VICTIM} A security=unchecked trust=answer", dump)
        self.assertNotIn(INJECTED, dump)
        self.vigild.query("evil.attacker.test.")
        self.assertEqual(self.asked("evil.attacker.test."), 2)


class SecureRRsetTest(unittest.TestCase):
    """A validating vigild in front of a proxy to the DNS world's Unbound; the proxy injects an
    unsigned A record for a signed name when asked for a name of the unsigned zone."""

    @classmethod
    def setUpClass(cls):
        cls.directory = tempfile.mkdtemp(prefix="vigil-ranking-test-")
        cls.world = world_module.World(cls.directory, base_port=free_port_pair())
        cls.world.start()
        cls.addClassCleanup(cls.world.stop)

    def setUp(self):
        unbound = ("127.0.0.1", self.world.unbound_port)

        def proxy(request):
            name = request.qname_text.lower()
            if name == "evil.insecure.test.":
                return [Send(reply_wire(request, ["evil.insecure.test. 300 IN CNAME "
                                                  "www.example.test.",
                                                  f"www.example.test. 300 IN A {INJECTED}"]))]
            query = dns.message.from_wire(request.wire)
            reply = dns.query.tcp(query, unbound[0], port=unbound[1], timeout=5)
            reply.id = request.message.id
            return [Send(reply.to_wire(max_size=65535))]

        self.upstream = ScriptedUpstream("127.0.0.1", proxy)
        self.upstream.__enter__()
        self.addCleanup(self.upstream.stop)
        self.vigild = Vigild("--upstream", self.upstream.endpoint, "--dnssec", "validate",
                             "--trust-anchor", str(self.world.trust_anchor_file))
        self.addCleanup(self.vigild.stop)

    def secure_query(self):
        return self.vigild.query("www.example.test.", want_dnssec=True)

    def test_a_cached_secure_rrset_is_not_replaced_by_an_unsigned_injection(self):
        first = self.secure_query()
        self.assertEqual(addresses(first), ["192.0.2.80"])
        self.assertTrue(first.flags & dns.flags.AD)
        asked_before = len(self.upstream.requests)
        # Validated: the unsigned tail in a signed zone is bogus, refused and not cached.
        self.assertEqual(rcode_of(self.vigild.query("evil.insecure.test.")), "SERVFAIL")
        # A CD=1 client gets the data unchecked, as it asked; that is never cached either.
        unchecked = dns.message.make_query("evil.insecure.test.", "A", want_dnssec=True)
        unchecked.flags |= dns.flags.CD
        self.assertIn(INJECTED, addresses(self.vigild.send(unchecked)))
        for _ in range(2):
            again = self.secure_query()
            self.assertEqual(addresses(again), ["192.0.2.80"])
            self.assertTrue(again.flags & dns.flags.AD)
        asked = [(r.qname_text.lower(), r.message.question[0].rdtype)
                 for r in self.upstream.requests[asked_before:]]
        # (The validator may ask for DS records along the way; the A record itself is not asked.)
        self.assertNotIn(("www.example.test.", 1), asked, "the secure answer came from the cache")
        self.assertGreaterEqual(len(self.vigild.security_events("bogus")), 1)
        dump = self.vigild.ctl("cache", "dump")[1]
        self.assertIn("; rrset www.example.test. A security=secure trust=answer", dump)
        self.assertNotIn(INJECTED, dump)


class PrefetchAndStaleBoundTest(unittest.TestCase):
    def setUp(self):
        self.alive = True
        self.serial = 0

        def script(request):
            if not self.alive:
                return []
            self.serial += 1
            return [Send(reply_wire(request, [f"{request.qname_text} 5 IN A 192.0.2.{self.serial}"]))]

        self.upstream = ScriptedUpstream("127.0.0.1", script)
        self.upstream.__enter__()
        self.addCleanup(self.upstream.stop)

    def test_a_popular_answer_is_refreshed_before_it_expires(self):
        vigild = Vigild("--upstream", self.upstream.endpoint)
        self.addCleanup(vigild.stop)
        self.assertEqual(addresses(vigild.query("hot.example.test.")), ["192.0.2.1"])
        time.sleep(4.6)  # into the last tenth of the 5 s TTL
        self.assertEqual(addresses(vigild.query("hot.example.test.")), ["192.0.2.1"])
        deadline = time.monotonic() + 2
        while len(self.upstream.requests) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        self.assertEqual(len(self.upstream.requests), 2, "refreshed in the background")
        time.sleep(0.6)  # the first answer has expired now; the refreshed one has not
        reply = vigild.query("hot.example.test.")
        self.assertEqual(addresses(reply), ["192.0.2.2"])
        self.assertEqual(len(self.upstream.requests), 2, "answered from the refreshed entry")
        self.assertEqual(vigild.stats()["prefetches"], 1)

    def test_prefetch_can_be_turned_off(self):
        vigild = Vigild("--upstream", self.upstream.endpoint, "--prefetch", "no")
        self.addCleanup(vigild.stop)
        vigild.query("hot.example.test.")
        time.sleep(4.6)
        vigild.query("hot.example.test.")
        time.sleep(0.3)
        self.assertEqual(len(self.upstream.requests), 1)
        self.assertEqual(vigild.stats()["prefetches"], 0)

    def test_serve_stale_stops_after_its_bound(self):
        vigild = Vigild("--upstream", self.upstream.endpoint, "--dnssec", "validate",
                        "--insecure", "example.test", "--serve-stale", "2",
                        "--serve-stale-ttl", "7", "--upstream-timeout", "200ms",
                        "--query-timeout", "600ms", "--cache-max-ttl", "1")
        self.addCleanup(vigild.stop)
        self.assertEqual(rcode_of(vigild.query("s.example.test.")), "NOERROR")
        self.alive = False
        time.sleep(1.2)  # expired (kept 1 s), within the 2 s bound
        stale = vigild.query("s.example.test.")
        self.assertEqual(rcode_of(stale), "NOERROR")
        self.assertEqual(stale.answer[0].ttl, 7)
        time.sleep(2.2)  # now more than 2 s past expiry
        self.assertEqual(rcode_of(vigild.query("s.example.test.")), "SERVFAIL")


if __name__ == "__main__":
    unittest.main()
