"""Blind spoofing (Kaminsky, CVE-2008-1447) and the birthday attack (DNSpooq CVE-2020-25686):
THREATS rules 1-6. The race runs in a network namespace of its own, with DNSSEC off so that only
vigild's transport defences (port x ID x 0x20 x cookies, exact matching, TCP on a near miss) stand
between the forged replies and the cache."""
import json
import os
import socket
import subprocess
import threading
import time
import unittest

import attack_tools
from attack_tools import PYTHON, Vigild
from scripted_upstream import ScriptedUpstream, Send, reply_wire

import dns.flags
import dns.message
import dns.rdatatype

HERE = os.path.dirname(os.path.abspath(__file__))
SPOOFER = os.path.join(HERE, "spoofer.py")
GENUINE = "192.0.2.80"
POISON = "6.6.6.6"
VICTIM = "victim.example.test."
SLOW = 1.0  # seconds the upstream takes to answer, over UDP and TCP: the attacker's window
PACKETS = 50_000
RATE = 20_000  # packets a second: the spray lasts 2.5 s, over about three waves of questions
SEED = 2008
NEAR_MISS_NAMES = 5   # queries for which a forger that knows the port sends wrong IDs
WRONG_IDS = 10        # ... this many each


def all_addresses(reply):
    return {rdata.to_text() for rrset in reply.answer + reply.authority + reply.additional
            for rdata in rrset if rrset.rdtype in (dns.rdatatype.A, dns.rdatatype.NS)}


def blind_race_scenario(packets=str(PACKETS), seed=str(SEED)):
    """Runs in the private namespace: a slow upstream, vigild with its defaults (DNSSEC off),
    clients that keep about 30 attacker-chosen questions in flight (k0, k1, ... and the victim),
    and the spoofer spraying forged replies at every port. Returns the figures."""
    packets, seed = int(packets), int(seed)

    def script(request):
        if request.message.flags & dns.flags.QR:
            return []  # a sprayed forgery that hit the upstream's own port
        genuine = Send(reply_wire(request, [f"{request.qname_text} 300 IN A {GENUINE}"]),
                       delay=SLOW)
        name = request.qname_text.lower()
        if request.transport == "udp" and name.startswith("nm"):
            # An attacker who learned the port (SAD DNS) but must still guess the ID.
            forged = reply_wire(request, [f"{request.qname_text} 300 IN A {POISON}"])
            wrong = [(request.message.id + 1 + d) % 65536 for d in range(WRONG_IDS)]
            return [Send(bytes([i >> 8, i & 0xFF]) + forged[2:]) for i in wrong] + [genuine]
        return [genuine]

    with ScriptedUpstream("127.0.0.1", script) as upstream, \
            Vigild("--upstream", upstream.endpoint) as vigild:
        # A connected socket of our own the spoofer hits first: proof that forged datagrams
        # reach a connected socket, as they would reach one of vigild's.
        canary = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        canary.bind(("127.0.0.1", 0))
        canary.connect(("127.0.0.1", upstream.port))
        canary.settimeout(5)
        names = [VICTIM] + [f"k{i}.example.test." for i in range(200)]
        spoofer = subprocess.Popen(
            [PYTHON, SPOOFER, "replies", "--seed", str(seed), "--count", str(packets),
             "--rate", str(RATE),
             "--upstream", upstream.endpoint, "--target", "127.0.0.1", "--ports", "1024-65535",
             "--poison", POISON, "--canary-port", str(canary.getsockname()[1]), *names],
            stdout=subprocess.PIPE, text=True)
        answers, lock = [], threading.Lock()
        queue = [f"nm{i}.example.test." for i in range(NEAR_MISS_NAMES)] + names
        stop_at = time.monotonic() + 30  # bound, whatever happens

        def client():
            while time.monotonic() < stop_at:
                with lock:
                    if spoofer.poll() is not None or not queue:
                        return
                    name = queue.pop(0)
                reply, _ = attack_tools.timed_query(vigild, name, timeout=5)
                with lock:
                    answers.append((name, reply))

        clients = [threading.Thread(target=client) for _ in range(30)]
        for thread in clients:
            thread.start()
        spray = spoofer.communicate(timeout=60)[0]
        for thread in clients:
            thread.join(timeout=10)
        canary_hit = canary.recv(2048)
        canary.close()
        time.sleep(SLOW + 0.2)  # answers still on their way
        final, _ = attack_tools.timed_query(vigild, VICTIM, timeout=5)
        dump = vigild.ctl("cache", "dump")[1]
        stats = vigild.stats()
        return {
            "spray": json.loads(spray.strip().splitlines()[-1]),
            "canary": len(canary_hit),
            "queries": len(answers),
            "answered": sum(1 for _, reply in answers if reply is not None),
            "poisoned_answers": sum(1 for _, reply in answers
                                    if reply is not None and POISON in all_addresses(reply)),
            "final_victim": sorted(all_addresses(final)) if final is not None else None,
            "poisoned_cache_lines": [line for line in dump.splitlines()
                                     if POISON in line or "attacker" in line],
            "cache_lines": len(dump.splitlines()),
            "near_misses": stats["near_misses"],
            "unwanted_replies": stats["unwanted_replies"],
            "upstream_queries_udp": stats["upstream_queries_udp"],
            "upstream_queries_tcp": stats["upstream_queries_tcp"],
            "upstream_errors": stats["upstream_errors"],
            "upstream_timeouts": stats["upstream_timeouts"],
            "near_miss_events": len(vigild.security_events("near_miss")),
            "spoofing_alerts": stats["spoofing_alerts"],
            "alive": vigild.alive(),
        }


class BlindSpoofingRaceTest(unittest.TestCase):
    def test_50k_forged_replies_during_slow_answers_poison_nothing(self):
        figures = attack_tools.run_in_private_network(__file__, "blind_race", 180)
        spray = figures["spray"]
        from_port_knower = NEAR_MISS_NAMES * WRONG_IDS
        poisonings = (figures["poisoned_answers"] + len(figures["poisoned_cache_lines"]) +
                      (figures["final_victim"] != [GENUINE]))
        print(f"\n  blind spoofing race: {spray['sent']} forged replies in "
              f"{spray['seconds']:.1f} s at random ports 1024-65535 with random IDs, plus "
              f"{from_port_knower} wrong-ID replies at the right port, while "
              f"{figures['queries']} client questions waited {SLOW:.0f} s each "
              f"({figures['upstream_queries_udp']} UDP + {figures['upstream_queries_tcp']} TCP "
              f"upstream queries); near misses counted {figures['near_misses']} "
              f"(so {figures['near_misses'] - from_port_knower} sprayed replies hit a live "
              f"port), unwanted {figures['unwanted_replies']}, spoofing alerts "
              f"{figures['spoofing_alerts']}; poisonings observed: {poisonings} "
              f"(answers {figures['poisoned_answers']}, cache dump lines "
              f"{len(figures['poisoned_cache_lines'])}, victim now "
              f"{figures['final_victim']})", flush=True)
        self.assertTrue(figures["alive"])
        self.assertEqual(figures["canary"] > 0, True, "the forged datagrams are delivered")
        self.assertGreaterEqual(spray["sent"], PACKETS * 0.99)
        self.assertEqual(figures["answered"], figures["queries"])
        self.assertEqual(figures["upstream_timeouts"], 0)
        self.assertEqual(figures["poisoned_answers"], 0)
        self.assertEqual(figures["poisoned_cache_lines"], [])
        self.assertEqual(figures["final_victim"], [GENUINE])
        # Every wrong-ID reply at the right port is a near miss, counted and logged.
        self.assertGreaterEqual(figures["near_misses"], from_port_knower)
        self.assertGreaterEqual(figures["near_miss_events"], 1)
        self.assertGreaterEqual(figures["spoofing_alerts"], 1)


class BirthdayTest(unittest.TestCase):
    def test_200_identical_concurrent_queries_make_one_upstream_query(self):
        def script(request):
            return [Send(reply_wire(request, [f"{request.qname_text} 300 IN A {GENUINE}"]),
                         delay=0.5)]

        with ScriptedUpstream("127.0.0.1", script) as upstream, \
                Vigild("--upstream", upstream.endpoint) as vigild:
            clients = []
            for index in range(200):
                client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                client.settimeout(5)
                query = dns.message.make_query("Birthday.Example.Test.", "A")
                client.sendto(query.to_wire(), (vigild.address, vigild.port))
                clients.append((client, query))
            answered = 0
            for client, query in clients:
                try:
                    reply = dns.message.from_wire(client.recv(65535))
                finally:
                    client.close()
                self.assertEqual(reply.id, query.id)
                self.assertEqual(all_addresses(reply), {GENUINE})
                answered += 1
            stats = vigild.stats()
        print(f"\n  birthday: 200 identical concurrent client queries -> "
              f"{len(upstream.requests)} upstream query, deduplicated {stats['deduplicated']}, "
              f"answered {answered}", flush=True)
        self.assertEqual(answered, 200)
        self.assertEqual(len(upstream.requests), 1)
        self.assertEqual(stats["deduplicated"], 199)


if __name__ == "__main__":
    if not attack_tools.scenario_main({"blind_race": blind_race_scenario}):
        unittest.main()
