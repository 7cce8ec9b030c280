"""The anti-spoofing rules (../shared/THREATS.md 1-8): forged replies never reach a client, the
genuine reply still does, near misses are logged and retried over TCP, source ports and TXIDs
are unpredictable. That identical questions share one upstream query is the birthday test in
../attacks/test_blind_spoofing.py."""
import random
import socket
import struct
import threading
import time
import unittest
from collections import Counter

import dns.edns
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rrset

from harness import Vigild
from scripted_upstream import ScriptedUpstream, Send, reply_wire

GENUINE = "192.0.2.80"
FORGED = "6.6.6.6"


def answer_records(request, address):
    return [f"{request.qname_text} 300 IN A {address}"]


def genuine_reply(request, delay=0.0):
    return Send(reply_wire(request, answer_records(request, GENUINE)), delay=delay)


def forged_reply(request):
    """A poisoned reply that is right in every way an attacker can guess at once."""
    return reply_wire(request, answer_records(request, FORGED))


def with_txid(wire, txid):
    return struct.pack("!H", txid) + wire[2:]


def swap_case(text):
    return "".join(c.lower() if c.isupper() else c.upper() for c in text)


def forged_with_question(request, qname):
    """A forged reply with the query's ID but another question."""
    query = dns.message.make_query(qname, "A")
    query.id = request.message.id
    response = dns.message.make_response(query)
    response.answer.append(dns.rrset.from_text(qname, 300, "IN", "A", FORGED))
    return response.to_wire()


def a_addresses(reply):
    return [rdata.to_text() for rrset in reply.answer for rdata in rrset]


class ForgedReplyTest(unittest.TestCase):
    """Each forgery arrives before the genuine reply; the client must get the genuine one."""

    def run_forgery(self, forge, *vigild_args):
        def script(request):
            if request.transport == "tcp":
                return [genuine_reply(request)]
            return [Send(wire, source=source) for wire, source in forge(request)] + [
                genuine_reply(request, delay=0.3)]

        upstream = ScriptedUpstream("127.0.0.1", script)
        upstream.__enter__()
        self.addCleanup(upstream.stop)
        self.upstream = upstream
        vigild = Vigild("--upstream", upstream.endpoint, *vigild_args)
        self.addCleanup(vigild.stop)
        for i in range(3):
            reply = vigild.query(f"host{i}.Example.test.", "A", use_edns=0)
            self.assertEqual(a_addresses(reply), [GENUINE])
        return vigild

    def test_wrong_txid(self):
        vigild = self.run_forgery(
            lambda r: [(with_txid(forged_reply(r), (r.message.id + d) % 65536), None)
                       for d in range(1, 51)])
        events = vigild.security_events("near_miss")
        self.assertGreaterEqual(len(events), 3)
        self.assertEqual({e["reason"] for e in events}, {"txid"})
        self.assertEqual(len(self.upstream.requests_by("tcp")), 3, "each near miss retries over TCP")
        self.assertGreaterEqual(vigild.stats()["near_misses"], 3)

    def test_wrong_question(self):
        vigild = self.run_forgery(lambda r: [(forged_with_question(r, "bank.example.test."), None)])
        self.assertEqual({e["reason"] for e in vigild.security_events("near_miss")}, {"question"})

    def test_wrong_0x20_case(self):
        def forge(request):
            message = dns.message.from_wire(forged_reply(request))
            name = swap_case(request.qname_text)
            message.question[0].name = dns.name.from_text(name)  # pylint: disable=no-member
            return [(message.to_wire(), None)]

        # Case flips are only a forgery if vigild randomized the case: check it did.
        vigild = self.run_forgery(forge)
        sent = [r.qname_text for r in self.upstream.requests_by("udp")]
        self.assertTrue(any(any(c.isupper() for c in n) and any(c.islower() for c in n)
                            for n in sent), f"0x20 case randomization expected in {sent}")
        self.assertEqual({e["reason"] for e in vigild.security_events("near_miss")}, {"case"})

    def test_wrong_source_port_and_address(self):
        # The kernel drops these on vigild's connected sockets; they must never reach a client.
        vigild = self.run_forgery(lambda r: [(forged_reply(r), ("127.0.0.1", 0)),
                                             (forged_reply(r), ("127.0.0.99", 0))])
        self.assertTrue(vigild.alive())

    def test_not_a_response_and_garbage(self):
        rng = random.Random(5)

        def forge(request):
            wire = bytearray(forged_reply(request))
            wire[2] &= 0x7F  # QR=0
            garbage = struct.pack("!H", request.message.id) + bytes(
                rng.randrange(256) for _ in range(rng.randrange(1, 80)))
            return [(bytes(wire), None), (garbage, None), (b"\x00", None)]

        vigild = self.run_forgery(forge)
        self.assertGreaterEqual(vigild.stats()["unwanted_replies"], 3)
        self.assertGreaterEqual(len(vigild.security_events("unwanted_reply")), 3)

    def test_forgeries_only_on_udp_genuine_over_tcp(self):
        def script(request):
            if request.transport == "tcp":
                return [genuine_reply(request)]
            return [Send(with_txid(forged_reply(request), request.message.id ^ 0x5555))]

        with ScriptedUpstream("127.0.0.1", script) as upstream:
            with Vigild("--upstream", upstream.endpoint, "--upstream-timeout", "3s") as vigild:
                started = time.monotonic()
                reply = vigild.query("only.example.test.", "A")
                self.assertEqual(a_addresses(reply), [GENUINE])
                self.assertLess(time.monotonic() - started, 2.0,
                                "the near miss must trigger TCP at once, not after a timeout")


class SpoofingAlertTest(unittest.TestCase):
    def test_a_burst_of_near_misses_alerts_and_flushes_unvalidated_answers(self):
        def script(request):
            if request.transport == "tcp" or not request.qname_text.lower().startswith("attacked"):
                return [genuine_reply(request)]
            forged = [Send(with_txid(forged_reply(request), (request.message.id + d) % 65536))
                      for d in range(1, 21)]
            return forged + [genuine_reply(request, delay=0.3)]

        with ScriptedUpstream("127.0.0.1", script) as upstream:
            with Vigild("--upstream", upstream.endpoint, "--near-miss-threshold", "5") as vigild:
                vigild.query("cached.example.test.", "A")  # an unvalidated (dnssec off) answer
                vigild.query("cached.example.test.", "A")
                self.assertEqual(len(upstream.requests), 1, "the second came from the cache")
                for i in range(8):  # each forged burst costs vigild at least one near miss
                    self.assertEqual(a_addresses(vigild.query(f"attacked{i}.example.test.", "A")),
                                     [GENUINE])
                vigild.wait_for_log(r"event=spoofing_suspected")
                event = vigild.security_events("spoofing_suspected")[0]
                self.assertEqual(event["upstream"], upstream.endpoint)
                # cached.example.test, and any attacked answer that came over TCP before the
                # alert (the forged datagrams and the TCP exchange race).
                self.assertGreaterEqual(int(event["flushed_answers"]), 1)
                self.assertGreaterEqual(vigild.stats()["spoofing_alerts"], 1)
                before = len(upstream.requests)
                vigild.query("cached.example.test.", "A")  # flushed: asked upstream again
                self.assertEqual(len(upstream.requests), before + 1)


class CookieTest(unittest.TestCase):
    def test_reply_without_the_servers_cookie_is_refused_once_it_sent_one(self):
        server_cookie = bytes(range(8))

        def cookie_options(request):
            for option in request.message.options:
                if option.otype == 10:
                    client = option.to_wire()[:8]
                    return [dns.edns.GenericOption(10, client + server_cookie)]
            return []

        def script(request):
            genuine = reply_wire(request, answer_records(request, GENUINE),
                                 edns_options=cookie_options(request))
            if request.transport == "tcp" or request.qname_text.lower().startswith("first."):
                return [Send(genuine)]
            # The attacker has guessed port, TXID and case but cannot know the cookies.
            forged = reply_wire(request, answer_records(request, FORGED), edns_options=[])
            return [Send(forged), Send(genuine, delay=0.3)]

        with ScriptedUpstream("127.0.0.1", script) as upstream:
            with Vigild("--upstream", upstream.endpoint) as vigild:
                # The first exchange learns the server cookie (before that, a reply without one
                # is what a server without cookie support sends, RFC 7873 5.3).
                self.assertEqual(a_addresses(vigild.query("first.example.test.", "A")), [GENUINE])
                for name in ("second.example.test.", "third.example.test."):
                    self.assertEqual(a_addresses(vigild.query(name, "A")), [GENUINE])
                reasons = {e["reason"] for e in vigild.security_events("near_miss")}
                self.assertIn("cookie", reasons)
                sent = [r.message for r in upstream.requests_by("udp")][1:]
                for message in sent:
                    cookies = [o.to_wire() for o in message.options if o.otype == 10]
                    self.assertEqual(len(cookies), 1)
                    self.assertEqual(cookies[0][8:], server_cookie,
                                     "vigild echoes the server cookie it learned")


class NoCaseUpstreamTest(unittest.TestCase):
    def test_upstream_that_lowercases_is_detected_logged_and_exempted(self):
        def script(request):
            message = dns.message.from_wire(reply_wire(request, answer_records(request, GENUINE)))
            lowered = request.qname_text.lower()
            message.question[0].name = dns.name.from_text(lowered)
            message.answer[0].name = dns.name.from_text(lowered)
            return [Send(message.to_wire())]

        with ScriptedUpstream("127.0.0.1", script) as upstream:
            with Vigild("--upstream", upstream.endpoint) as vigild:
                self.assertEqual(a_addresses(vigild.query("CaseLess.Example.Test.", "A")),
                                 [GENUINE])
                events = vigild.security_events("no_0x20")
                self.assertEqual(len(events), 1)
                self.assertEqual(events[0]["upstream"], upstream.endpoint)
                tcp_before = len(upstream.requests_by("tcp"))
                for i in range(3):
                    reply = vigild.query(f"After{i}.Example.Test.", "A")
                    self.assertEqual(a_addresses(reply), [GENUINE])
                self.assertEqual(len(upstream.requests_by("tcp")), tcp_before,
                                 "once exempted, its UDP replies are accepted")
                later = [r.qname_text for r in upstream.requests_by("udp")[-3:]]
                self.assertEqual(later, [n.lower() for n in later], "then asked in lower case")
                self.assertEqual(len(vigild.security_events("no_0x20")), 1)


class RandomnessTest(unittest.TestCase):
    QUERIES = 2000
    PORT_LOW, PORT_HIGH = 30000, 65535

    def test_source_ports_and_txids_over_2000_queries(self):
        def script(request):
            return [Send(reply_wire(request, rcode=dns.rcode.NXDOMAIN))]

        with ScriptedUpstream("127.0.0.1", script) as upstream:
            with Vigild("--upstream", upstream.endpoint, "--outgoing-port-range",
                        f"{self.PORT_LOW}-{self.PORT_HIGH}") as vigild:
                def worker(offset):
                    for i in range(offset, self.QUERIES, 8):
                        vigild.query(f"r{i}.example.test.", "A")

                threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
        requests = upstream.requests_by("udp")
        self.assertEqual(len(requests), self.QUERIES)
        ports = [r.client[1] for r in requests]
        txids = [r.message.id for r in requests]

        distinct_ports = len(set(ports))
        steps = [b - a for a, b in zip(ports, ports[1:])]
        adjacent = sum(1 for step in steps if abs(step) == 1)
        longest_run = run = 0
        for step in steps:
            run = run + 1 if step == 1 else 0
            longest_run = max(longest_run, run)
        span = self.PORT_HIGH - self.PORT_LOW + 1
        port_chi2 = chi_square([(p - self.PORT_LOW) * 16 // span for p in ports], 16)
        txid_chi2 = chi_square([t >> 12 for t in txids], 16)
        txid_chi2_low = chi_square([t & 0xF for t in txids], 16)
        print(f"\n  randomness over {self.QUERIES} upstream queries: {distinct_ports} distinct "
              f"source ports in {self.PORT_LOW}-{self.PORT_HIGH}, {adjacent} consecutive pairs "
              f"one apart, longest +1 run {longest_run}; port chi-square {port_chi2:.1f}; TXID "
              f"chi-square high nibble {txid_chi2:.1f}, low nibble {txid_chi2_low:.1f} "
              f"(15 df, p=0.0001 limit 44.3); {len(set(txids))} distinct TXIDs", flush=True)
        self.assertTrue(all(self.PORT_LOW <= p <= self.PORT_HIGH for p in ports))
        self.assertGreaterEqual(distinct_ports, 1000)
        self.assertLess(longest_run, 2, "source ports must not be sequential")
        self.assertLess(adjacent, 20)
        self.assertLess(port_chi2, 44.3)
        self.assertLess(txid_chi2, 44.3)
        self.assertLess(txid_chi2_low, 44.3)
        self.assertGreater(len(set(txids)), 1900)

    def test_ports_in_use_are_skipped(self):
        # Hold 800 ports of the range (2.25% of it): about 11 of 500 draws land on one of them,
        # and vigild must draw again rather than fail the query or share the port.
        rng = random.Random(7)
        held = []
        for port in rng.sample(range(self.PORT_LOW, self.PORT_HIGH + 1), 1000):
            if len(held) == 800:
                break
            holder = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                holder.bind(("0.0.0.0", port))
                held.append(holder)
            except OSError:
                holder.close()
        self.addCleanup(lambda: [holder.close() for holder in held])
        held_ports = {holder.getsockname()[1] for holder in held}

        def script(request):
            return [Send(reply_wire(request, rcode=dns.rcode.NXDOMAIN))]

        with ScriptedUpstream("127.0.0.1", script) as upstream:
            with Vigild("--upstream", upstream.endpoint, "--outgoing-port-range",
                        f"{self.PORT_LOW}-{self.PORT_HIGH}") as vigild:
                for i in range(500):
                    reply = vigild.query(f"busy{i}.example.test.", "A")
                    self.assertEqual(reply.rcode(), dns.rcode.NXDOMAIN)
                self.assertEqual(vigild.stats()["servfail"], 0)
        used = [r.client[1] for r in upstream.requests_by("udp")]
        self.assertEqual(len(used), 500)
        self.assertFalse(held_ports & set(used), "a port in use was shared")


def chi_square(buckets_of_samples, bucket_count):
    counts = Counter(buckets_of_samples)
    expected = len(buckets_of_samples) / bucket_count
    return sum((counts.get(b, 0) - expected) ** 2 / expected for b in range(bucket_count))


if __name__ == "__main__":
    unittest.main()
