"""Serve-stale (RFC 8767) from the answer cache: when no upstream answers, an expired answer that
was validated or proven insecure is served with EDE 3 (Stale Answer) and a short TTL; unchecked
data never is (THREATS rule 13)."""
import time
import unittest

import dns.message

from harness import Vigild, ede_codes, rcode_of
from scripted_upstream import ScriptedUpstream, Send, reply_wire


class ServeStaleTest(unittest.TestCase):
    def setUp(self):
        self.alive = True

        def script(request):
            if not self.alive:
                return []
            return [Send(reply_wire(request, [f"{request.qname_text} 1 IN A 192.0.2.80"]))]

        self.upstream = ScriptedUpstream("127.0.0.1", script)
        self.upstream.__enter__()
        self.addCleanup(self.upstream.stop)

    def ask(self, vigild):
        return vigild.send(dns.message.make_query("www.example.test.", "A", use_edns=0),
                           timeout=5)

    def test_an_insecure_answer_is_served_stale_when_the_upstream_is_down(self):
        # A negative trust anchor makes the answer provably insecure, hence eligible.
        vigild = Vigild("--upstream", self.upstream.endpoint, "--dnssec", "validate",
                        "--insecure", "example.test", "--upstream-timeout", "200ms",
                        "--query-timeout", "800ms")
        self.addCleanup(vigild.stop)
        fresh = self.ask(vigild)
        self.assertEqual(rcode_of(fresh), "NOERROR")
        self.assertEqual(ede_codes(fresh), [])
        self.alive = False
        time.sleep(1.2)  # the 1 s TTL runs out
        stale = self.ask(vigild)
        self.assertEqual(rcode_of(stale), "NOERROR")
        self.assertEqual([r.to_text() for r in stale.answer[0]], ["192.0.2.80"])
        self.assertEqual(stale.answer[0].ttl, 30)  # RFC 8767 4: a short TTL
        self.assertEqual(ede_codes(stale), [3])   # Stale Answer
        self.assertEqual(vigild.stats()["stale_answers"], 1)

    def test_unchecked_data_is_never_served_stale(self):
        vigild = Vigild("--upstream", self.upstream.endpoint, "--upstream-timeout", "200ms",
                        "--query-timeout", "800ms")  # dnssec off: nothing is validated
        self.addCleanup(vigild.stop)
        self.assertEqual(rcode_of(self.ask(vigild)), "NOERROR")
        self.alive = False
        time.sleep(1.2)
        self.assertEqual(rcode_of(self.ask(vigild)), "SERVFAIL")
        self.assertEqual(vigild.stats()["stale_answers"], 0)


class CacheKnobTest(unittest.TestCase):
    def test_cache_size_0_and_max_ttl(self):
        def script(request):
            return [Send(reply_wire(request, [f"{request.qname_text} 3600 IN A 192.0.2.80"]))]

        with ScriptedUpstream("127.0.0.1", script) as upstream:
            with Vigild("--upstream", upstream.endpoint, "--cache-size", "0") as uncached:
                uncached.query("a.example.test.", "A")
                uncached.query("a.example.test.", "A")
                self.assertEqual(len(upstream.requests), 2)
            with Vigild("--upstream", upstream.endpoint, "--cache-max-ttl", "1") as short:
                short.query("b.example.test.", "A")
                self.assertEqual(short.query("b.example.test.", "A").answer[0].ttl, 3600)
                self.assertEqual(len(upstream.requests), 3)  # the second was a cache hit
                time.sleep(1.1)  # ... kept for 1 s only, whatever the TTL says
                short.query("b.example.test.", "A")
                self.assertEqual(len(upstream.requests), 4)


if __name__ == "__main__":
    unittest.main()
