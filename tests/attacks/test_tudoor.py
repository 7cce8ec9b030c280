"""TuDoor-shaped attacks (IEEE S&P 2024), THREATS rule 6: malformed and irrelevant packets that
arrive before the genuine reply must neither end the wait nor change what vigild does; the
genuine reply still wins, within normal latency. That includes spoofed ICMP port unreachable
messages, which an off-path attacker can aim at every source port without guessing an ID."""
import json
import os
import struct
import subprocess
import threading
import time
import unittest

import attack_tools
from attack_tools import PYTHON, Vigild, percentile
from scripted_upstream import ScriptedUpstream, Send, reply_wire

import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset

HERE = os.path.dirname(os.path.abspath(__file__))
SPOOFER = os.path.join(HERE, "spoofer.py")
GENUINE = "192.0.2.80"
POISON = "6.6.6.6"
DELAY = 0.05  # the genuine reply's delay; the junk goes out at once
SEED = 2024


def addresses(reply):
    return sorted(rdata.to_text() for rrset in reply.answer for rdata in rrset
                  if rrset.rdtype == dns.rdatatype.A)


def with_id(wire, txid):
    return struct.pack("!H", txid) + wire[2:]


def other_question(request, qname=None, qtype="A"):
    query = dns.message.make_query(qname or request.qname_text, qtype)
    query.id = request.message.id
    reply = dns.message.make_response(query)
    reply.answer.append(dns.rrset.from_text(query.question[0].name, 300, "IN", qtype,
                                            POISON if qtype == "A" else "2001:db8::6"))
    return reply.to_wire()


def junk(request, rng):
    """Packets a TuDoor attacker (or a broken middlebox) sends before the genuine reply: (label,
    wire, source). source None: from the upstream's own address and port."""
    genuine = reply_wire(request, [f"{request.qname_text} 300 IN A {GENUINE}"])
    poisoned = reply_wire(request, [f"{request.qname_text} 300 IN A {POISON}"])
    txid = request.message.id
    not_response = bytearray(poisoned)
    not_response[2] &= 0x7F
    notify = bytearray(poisoned)
    notify[2] = (notify[2] & 0x87) | (4 << 3)
    no_question = bytearray(poisoned[:12])
    struct.pack_into("!H", no_question, 4, 0)
    missing_records = bytearray(poisoned)
    struct.pack_into("!H", missing_records, 6, 5)  # ANCOUNT 5, one record present
    two_questions = bytearray(poisoned)
    struct.pack_into("!H", two_questions, 4, 2)
    return [
        ("garbage", bytes(rng.randrange(256) for _ in range(rng.randint(1, 120))), None),
        ("garbage with the right ID", struct.pack("!H", txid) +
         bytes(rng.randrange(256) for _ in range(rng.randint(1, 120))), None),
        ("one octet", b"\x81", None),
        ("truncated header", genuine[:5], None),
        ("header only, QDCOUNT 0", bytes(no_question), None),
        ("QR=0", bytes(not_response), None),
        ("opcode NOTIFY", bytes(notify), None),
        ("QDCOUNT 2", bytes(two_questions), None),
        ("ANCOUNT past the end", bytes(missing_records), None),
        ("wrong question", other_question(request, "bank.example.test."), None),
        ("wrong type", other_question(request, qtype="AAAA"), None),
        ("wrong ID", with_id(poisoned, (txid + 1) % 65536), None),
        ("other source port", poisoned, ("127.0.0.1", 0)),
        ("other source address", poisoned, ("127.0.0.99", 0)),
    ]


class TuDoorTest(unittest.TestCase):
    QUERIES = 15

    def test_malformed_and_irrelevant_packets_do_not_beat_the_genuine_reply(self):
        rng = attack_tools.seeded(SEED)
        kinds = []

        def script(request):
            genuine = Send(reply_wire(request, [f"{request.qname_text} 300 IN A {GENUINE}"]),
                           delay=DELAY)
            if request.transport == "tcp" or request.qname_text.lower().startswith("plain"):
                return [genuine]
            packets = junk(request, rng)
            kinds.append(len(packets))
            return [Send(wire, source=source) for _, wire, source in packets] + [genuine]

        with ScriptedUpstream("127.0.0.1", script) as upstream, \
                Vigild("--upstream", upstream.endpoint) as vigild:
            plain, attacked = [], []
            for index in range(self.QUERIES):
                for prefix, latencies in (("plain", plain), ("door", attacked)):
                    reply, took = attack_tools.timed_query(vigild, f"{prefix}{index}.example.test.")
                    self.assertIsNotNone(reply, f"{prefix}{index}: no answer")
                    self.assertEqual(dns.rcode.to_text(reply.rcode()), "NOERROR")
                    self.assertEqual(addresses(reply), [GENUINE], f"{prefix}{index}")
                    latencies.append(took)
            stats = vigild.stats()
            down = vigild.security_events("upstream_down")
            self.assertTrue(vigild.alive())
        print(f"\n  TuDoor: {sum(kinds)} malformed or irrelevant packets ({kinds[0]} "
              f"kinds) before {self.QUERIES} genuine replies: all {self.QUERIES} answered "
              f"with the genuine address; p99 latency {percentile(attacked, 0.99) * 1000:.0f} ms "
              f"against {percentile(plain, 0.99) * 1000:.0f} ms without junk; unwanted "
              f"{stats['unwanted_replies']}, near misses {stats['near_misses']}, upstream "
              f"timeouts {stats['upstream_timeouts']}, servfail {stats['servfail']}", flush=True)
        self.assertEqual(stats["servfail"], 0)
        self.assertEqual(stats["upstream_timeouts"], 0)
        self.assertEqual(down, [])
        # Malformed ones are counted as unwanted, wrong ID / question / type as near misses.
        self.assertGreaterEqual(stats["unwanted_replies"], self.QUERIES * 5)
        self.assertGreaterEqual(stats["near_misses"], self.QUERIES * 3)
        self.assertLess(percentile(attacked, 0.99), percentile(plain, 0.99) + 0.1)


# ICMP: a spoofed "port unreachable" needs only the port, not the ID. It runs in a private
# network namespace because it covers every port of 127.0.0.1.

ICMP_QUERIES = 20
ICMP_ROUNDS = 3


def icmp_scenario():
    def script(request):
        return [Send(reply_wire(request, [f"{request.qname_text} 300 IN A {GENUINE}"]),
                     delay=1.0)]

    with ScriptedUpstream("127.0.0.1", script) as upstream, \
            Vigild("--upstream", upstream.endpoint) as vigild:
        results = {}

        def client(name):
            reply, took = attack_tools.timed_query(vigild, name, timeout=8)
            results[name] = (None if reply is None else dns.rcode.to_text(reply.rcode()),
                             None if reply is None else addresses(reply), took)

        threads = [threading.Thread(target=client, args=(f"icmp{i}.example.test.",))
                   for i in range(ICMP_QUERIES)]
        for thread in threads:
            thread.start()
        time.sleep(0.1)  # the queries are out
        spray = subprocess.run(
            [PYTHON, SPOOFER, "unreachable", "--upstream", upstream.endpoint, "--target",
             "127.0.0.1", "--ports", "1024-65535", "--rounds", str(ICMP_ROUNDS)],
            capture_output=True, text=True, timeout=120, check=True)
        for thread in threads:
            thread.join(timeout=10)
        stats = vigild.stats()
        return {
            "spray": json.loads(spray.stdout.strip().splitlines()[-1]),
            "results": results,
            "upstream_udp_queries": len(upstream.requests_by("udp")),
            "upstream_errors": stats["upstream_errors"],
            "servfail": stats["servfail"],
            "upstream_down": len(vigild.security_events("upstream_down")),
            "alive": vigild.alive(),
        }


class IcmpTuDoorTest(unittest.TestCase):
    def test_spoofed_port_unreachable_does_not_end_the_wait(self):
        figures = attack_tools.run_in_private_network(__file__, "icmp", 180)
        results = figures["results"].values()
        genuine = sum(1 for rcode, found, _ in results if rcode == "NOERROR" and found == [GENUINE])
        servfails = sum(1 for rcode, _, _ in results if rcode == "SERVFAIL")
        print(f"\n  ICMP TuDoor: {figures['spray']['sent']} spoofed ICMP port unreachable "
              f"({ICMP_ROUNDS} sweeps of ports 1024-65535, {figures['spray']['seconds']:.1f} s, "
              f"no ID to guess) while {ICMP_QUERIES} queries waited 1 s for their upstream: "
              f"{genuine} got the genuine answer, {servfails} SERVFAIL; vigild counted "
              f"{figures['upstream_errors']} upstream errors, asked the upstream "
              f"{figures['upstream_udp_queries']} times over UDP, upstream_down events "
              f"{figures['upstream_down']}", flush=True)
        self.assertTrue(figures["alive"])
        self.assertEqual(genuine, ICMP_QUERIES, "a spoofed ICMP error ended queries' wait")
        self.assertEqual(figures["upstream_down"], 0)


if __name__ == "__main__":
    if not attack_tools.scenario_main({"icmp": icmp_scenario}):
        unittest.main()
