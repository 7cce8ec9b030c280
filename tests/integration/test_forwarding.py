"""Forwarding through vigild over UDP and TCP, truncation and TCP fallback, EDNS sizes."""
import time
import unittest

import dns.flags
import dns.message
import dns.query
import dns.rdatatype
import dns.rcode

from harness import Vigild, rcode_of
from scripted_upstream import ScriptedUpstream, free_port, zone_script

BIG_TXT = " ".join(f'"{"x" * 200}{i}"' for i in range(10))  # about 2 KB of TXT data
RECORDS = {
    ("www.example.test.", "A"): ["www.example.test. 300 IN A 192.0.2.80"],
    ("big.example.test.", "TXT"): [f"big.example.test. 300 IN TXT {BIG_TXT}"],
    ("mid.example.test.", "TXT"): [f'mid.example.test. 300 IN TXT "{"m" * 200}" "{"n" * 200}" '
                                   f'"{"o" * 200}"'],  # about 650 octets: > 512, < 1232
}


class ForwardingTest(unittest.TestCase):
    def setUp(self):
        self.upstream = ScriptedUpstream("127.0.0.1", zone_script(RECORDS, tc_on_udp_above=1232))
        self.upstream.__enter__()
        self.addCleanup(self.upstream.stop)
        self.vigild = Vigild("--upstream", self.upstream.endpoint)
        self.addCleanup(self.vigild.stop)

    def test_udp_answer_is_the_upstreams_with_the_clients_id_and_case(self):
        query = dns.message.make_query("WwW.Example.TEST.", "A", use_edns=0)
        reply = self.vigild.send(query)
        self.assertEqual(reply.id, query.id)
        self.assertEqual(reply.question[0].name.to_text(), "WwW.Example.TEST.")
        self.assertEqual(rcode_of(reply), "NOERROR")
        self.assertEqual([r.to_text() for r in reply.answer[0]], ["192.0.2.80"])
        self.assertFalse(reply.flags & dns.flags.AA, "a forwarder's answer is not authoritative")
        self.assertTrue(reply.flags & dns.flags.RA)
        self.assertEqual(len(self.upstream.requests_by("udp")), 1)

    def test_tcp_answer(self):
        reply = self.vigild.query("www.example.test.", "A", tcp=True)
        self.assertEqual([r.to_text() for r in reply.answer[0]], ["192.0.2.80"])

    def test_nxdomain_is_passed_on(self):
        reply = self.vigild.query("nothing.example.test.", "A")
        self.assertEqual(rcode_of(reply), "NXDOMAIN")

    def test_truncated_upstream_reply_is_retried_over_tcp(self):
        reply = self.vigild.query("big.example.test.", "TXT", tcp=True)
        self.assertEqual(len(reply.answer[0]), 1)
        self.assertGreater(len(reply.to_wire()), 2000)
        self.assertEqual(len(self.upstream.requests_by("udp")), 1)
        self.assertEqual(len(self.upstream.requests_by("tcp")), 1)

    def test_client_gets_tc_when_the_answer_does_not_fit_its_udp_size(self):
        # EDNS client with 1232: the 2 KB answer does not fit; TC=1 and no records.
        reply = self.vigild.query("big.example.test.", "TXT", use_edns=0, payload=1232)
        self.assertTrue(reply.flags & dns.flags.TC)
        self.assertEqual(len(reply.answer), 0)
        # No EDNS: 512 octets is the limit, the 650-octet answer is truncated ...
        reply = self.vigild.query("mid.example.test.", "TXT", use_edns=False)
        self.assertTrue(reply.flags & dns.flags.TC)
        # ... and fits an EDNS client offering 4096 (vigild caps at 1232, still enough).
        reply = self.vigild.query("mid.example.test.", "TXT", use_edns=0, payload=4096)
        self.assertFalse(reply.flags & dns.flags.TC)
        self.assertEqual(len(reply.answer[0]), 1)
        # An EDNS client asking for less than 512 is treated as 512 (RFC 6891 6.2.5).
        reply = self.vigild.query("www.example.test.", "A", use_edns=0, payload=100)
        self.assertFalse(reply.flags & dns.flags.TC)

    def test_edns_advertises_1232_and_upstream_query_is_hardened(self):
        reply = self.vigild.query("www.example.test.", "A", use_edns=0, payload=4096)
        self.assertEqual(reply.edns, 0)
        self.assertEqual(reply.payload, 1232)
        upstream_query = self.upstream.requests_by("udp")[0].message
        self.assertEqual(upstream_query.edns, 0)
        self.assertEqual(upstream_query.payload, 1232)
        self.assertTrue(upstream_query.flags & dns.flags.RD)
        option_codes = [option.otype for option in upstream_query.options]
        self.assertNotIn(8, option_codes, "never send EDNS Client Subnet")
        self.assertIn(10, option_codes, "a DNS cookie goes upstream")

    def test_edns_version_above_0_gets_badvers(self):
        query = dns.message.make_query("www.example.test.", "A")
        query.use_edns(2)
        reply = self.vigild.send(query)
        self.assertEqual(reply.rcode(), dns.rcode.BADVERS)
        self.assertEqual(reply.edns, 0)
        self.assertEqual(len(self.upstream.requests), 0)


class CacheTest(unittest.TestCase):
    def test_the_second_identical_question_is_answered_from_the_cache(self):
        with ScriptedUpstream("127.0.0.1", zone_script(RECORDS)) as upstream:
            with Vigild("--upstream", upstream.endpoint) as vigild:
                first = vigild.query("www.example.test.", "A")
                time.sleep(1.1)
                second = vigild.query("WWW.example.TEST.", "A", tcp=True)
                self.assertEqual(len(upstream.requests), 1, "the second came from the cache")
                self.assertEqual([r.to_text() for r in second.answer[0]], ["192.0.2.80"])
                self.assertLess(second.answer[0].ttl, first.answer[0].ttl)  # counting down
                self.assertEqual(second.question[0].name.to_text(), "WWW.example.TEST.")
                self.assertEqual(vigild.stats()["cache_hits"], 1)
                # NXDOMAIN without an SOA says nothing about its lifetime: asked again.
                vigild.query("nothing.example.test.", "A")
                vigild.query("nothing.example.test.", "A")
                self.assertEqual(len(upstream.requests), 3)


class Ipv6Test(unittest.TestCase):
    def test_ipv6_listener_and_upstream_beside_ipv4(self):
        with ScriptedUpstream("::1", zone_script(RECORDS)) as upstream:
            v4_port = free_port("127.0.0.1")
            with Vigild("--upstream", upstream.endpoint, "--listen", f"127.0.0.1:{v4_port}",
                        listen_address="::1") as vigild:
                for tcp in (False, True):
                    reply = vigild.query("www.example.test.", "A", tcp=tcp)
                    self.assertEqual([r.to_text() for r in reply.answer[0]], ["192.0.2.80"])
                    query = dns.message.make_query("www.example.test.", "A")
                    send = dns.query.tcp if tcp else dns.query.udp
                    reply = send(query, "127.0.0.1", port=v4_port, timeout=5)
                    self.assertEqual([r.to_text() for r in reply.answer[0]], ["192.0.2.80"])
                self.assertTrue(all(r.client[0] == "::1" for r in upstream.requests))


if __name__ == "__main__":
    unittest.main()
