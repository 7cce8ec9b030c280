"""Several upstreams: failover, retries, back-off of a dead upstream, SERVFAIL with an Extended DNS
Error when none answers, and split DNS (--forward)."""
import time
import unittest

import dns.rcode

from harness import Vigild, ede_codes, rcode_of, started
from scripted_upstream import ScriptedUpstream, Send, free_port, reply_wire


def answering(address):
    def script(request):
        return [Send(reply_wire(request, [f"{request.qname_text} 300 IN A {address}"]))]
    return script


def silent(_request):
    return []


def servfail(request):
    return [Send(reply_wire(request, rcode=dns.rcode.SERVFAIL))]


def a_addresses(reply):
    return [rdata.to_text() for rrset in reply.answer for rdata in rrset]


class UpstreamTest(unittest.TestCase):
    def start_upstream(self, address, script):
        return started(self, ScriptedUpstream(address, script))

    def start_vigild(self, *args):
        return started(self, Vigild(*args))

    def test_silent_upstream_fails_over_and_is_avoided(self):
        dead = self.start_upstream("127.0.0.21", silent)
        alive = self.start_upstream("127.0.0.22", answering("192.0.2.22"))
        vigild = self.start_vigild("--upstream", dead.endpoint, "--upstream", alive.endpoint,
                                   "--upstream-timeout", "200ms")
        for i in range(6):
            reply = vigild.query(f"n{i}.example.test.", "A")
            self.assertEqual(a_addresses(reply), ["192.0.2.22"])
        # After its first timeout the dead upstream's RTT estimate sends queries elsewhere
        # (an occasional exploring probe aside), so later queries cost no timeout.
        self.assertLessEqual(len(dead.requests), 3)  # before the quick queries below
        # One query in 16 explores another upstream (and may wait for the dead one): most of
        # five must be quick.
        quick = 0
        for i in range(5):
            started = time.monotonic()
            vigild.query(f"fast{i}.example.test.", "A")
            quick += time.monotonic() - started < 0.15
        self.assertGreaterEqual(quick, 3)

    def test_dead_upstream_is_backed_off_and_reported(self):
        dead = self.start_upstream("127.0.0.20", silent)
        vigild = self.start_vigild("--upstream", dead.endpoint, "--upstream-timeout", "100ms",
                                   "--query-timeout", "1s")
        reply = vigild.query("down.example.test.", "A", use_edns=0)
        self.assertEqual(rcode_of(reply), "SERVFAIL")
        events = vigild.security_events("upstream_down")
        self.assertEqual(len(events), 1)
        self.assertEqual(events[0]["upstream"], dead.endpoint)
        self.assertEqual(events[0]["consecutive_failures"], "3")
        self.assertGreater(int(events[0]["backoff_ms"]), 0)

    def test_refusing_port_fails_over_at_once(self):
        closed_port = free_port("127.0.0.23")  # nothing listens: ICMP port unreachable
        alive = self.start_upstream("127.0.0.24", answering("192.0.2.24"))
        vigild = self.start_vigild("--upstream", f"127.0.0.23:{closed_port}",
                                   "--upstream", alive.endpoint, "--upstream-timeout", "2s")
        started = time.monotonic()
        reply = vigild.query("refused.example.test.", "A")
        self.assertEqual(a_addresses(reply), ["192.0.2.24"])
        self.assertLess(time.monotonic() - started, 1.0)

    def test_servfail_from_one_upstream_asks_the_next(self):
        failing = self.start_upstream("127.0.0.25", servfail)
        alive = self.start_upstream("127.0.0.26", answering("192.0.2.26"))
        vigild = self.start_vigild("--upstream", failing.endpoint, "--upstream", alive.endpoint)
        for i in range(3):
            reply = vigild.query(f"s{i}.example.test.", "A")
            self.assertEqual(rcode_of(reply), "NOERROR")
            self.assertEqual(a_addresses(reply), ["192.0.2.26"])

    def test_no_upstream_answers_servfail_with_ede_22(self):
        first = self.start_upstream("127.0.0.27", silent)
        second = self.start_upstream("127.0.0.28", silent)
        vigild = self.start_vigild("--upstream", first.endpoint, "--upstream", second.endpoint,
                                   "--upstream-timeout", "200ms", "--query-timeout", "1s")
        started = time.monotonic()
        reply = vigild.query("lost.example.test.", "A", use_edns=0, timeout=5)
        elapsed = time.monotonic() - started
        self.assertEqual(rcode_of(reply), "SERVFAIL")
        self.assertEqual(ede_codes(reply), [22])  # No Reachable Authority
        self.assertLess(elapsed, 2.0)
        self.assertGreaterEqual(len(first.requests), 1)
        self.assertGreaterEqual(len(second.requests), 1)

    def test_network_errors_servfail_with_ede_23(self):
        ports = [free_port("127.0.0.29"), free_port("127.0.0.30")]
        vigild = self.start_vigild("--upstream", f"127.0.0.29:{ports[0]}",
                                   "--upstream", f"127.0.0.30:{ports[1]}",
                                   "--upstream-timeout", "300ms", "--query-timeout", "2s")
        reply = vigild.query("unreachable.example.test.", "A", use_edns=0)
        self.assertEqual(rcode_of(reply), "SERVFAIL")
        self.assertEqual(ede_codes(reply), [23])  # Network Error

    def test_split_dns_routes_zones_to_their_own_upstreams(self):
        public = self.start_upstream("127.0.0.31", answering("192.0.2.31"))
        corp = self.start_upstream("127.0.0.32", answering("10.0.0.32"))
        lab = self.start_upstream("127.0.0.33", answering("10.0.0.33"))
        vigild = self.start_vigild("--upstream", public.endpoint,
                                   "--forward", f"Corp.Test={corp.endpoint}",
                                   "--forward", f"lab.corp.test={lab.endpoint}")
        cases = {"www.example.test.": "192.0.2.31", "db.corp.test.": "10.0.0.32",
                 "corp.test.": "10.0.0.32", "x.lab.corp.test.": "10.0.0.33",
                 "notcorp.test.": "192.0.2.31", "DB.CORP.TEST.": "10.0.0.32"}
        for name, expected in cases.items():
            for tcp in (False, True):
                self.assertEqual(a_addresses(vigild.query(name, "A", tcp=tcp)), [expected], name)
        seen = {upstream: {r.qname_text.lower() for r in upstream.requests}
                for upstream in (public, corp, lab)}
        self.assertEqual(seen[public], {"www.example.test.", "notcorp.test."})
        self.assertEqual(seen[corp], {"db.corp.test.", "corp.test."})
        self.assertEqual(seen[lab], {"x.lab.corp.test."})

    def test_malformed_upstream_replies_end_in_servfail_not_a_crash(self):
        def script(request):
            wire = reply_wire(request, [f"{request.qname_text} 300 IN A 192.0.2.9"])
            return [Send(wire[:len(wire) - 3]),  # the answer record cut short
                    Send(wire[:12]),  # a header that promises a question
                    Send(wire[:2] + b"\x80"), Send(b"")]

        broken = self.start_upstream("127.0.0.36", script)
        vigild = self.start_vigild("--upstream", broken.endpoint, "--upstream-timeout", "300ms",
                                   "--query-timeout", "1500ms")
        reply = vigild.query("broken.example.test.", "A", use_edns=0)
        self.assertEqual(rcode_of(reply), "SERVFAIL")
        self.assertTrue(vigild.alive())
        self.assertGreaterEqual(vigild.stats()["unwanted_replies"], 3)


if __name__ == "__main__":
    unittest.main()
