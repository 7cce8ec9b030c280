"""Fragmentation poisoning, THREATS rule 7: vigild asks with an EDNS UDP size of 1232 (DNS flag day
2020), so an upstream answer larger than that comes back truncated and is fetched over TCP, where
no forged IP fragment can be spliced in; the client gets the whole answer."""
import unittest

import attack_tools
from attack_tools import Vigild
from scripted_upstream import ScriptedUpstream, Send, reply_wire, zone_script

import dns.flags
import dns.message
import dns.rdatatype

BIG = "big.example.test."
STRINGS = [f"part-{i:02d}-" + "f" * 200 for i in range(12)]  # about 2.6 KB of TXT
RECORDS = {(BIG, "TXT"): [f"{BIG} 300 IN TXT " + " ".join(f'"{s}"' for s in STRINGS)]}


def txt_strings(reply):
    return [part.decode() for rrset in reply.answer if rrset.rdtype == dns.rdatatype.TXT
            for rdata in rrset for part in rdata.strings]


class FragmentationTest(unittest.TestCase):
    def test_an_answer_over_1232_octets_comes_over_tcp_whole(self):
        with ScriptedUpstream("127.0.0.1", zone_script(RECORDS, tc_on_udp_above=1232)) as upstream, \
                Vigild("--upstream", upstream.endpoint) as vigild:
            query = dns.message.make_query(BIG, "TXT", use_edns=0, payload=4096)
            over_udp = vigild.send(query)
            over_tcp = vigild.send(query, tcp=True)
            stats = vigild.stats()
        udp_asks = upstream.requests_by("udp")
        tcp_asks = upstream.requests_by("tcp")
        size = len(over_tcp.to_wire())
        print(f"\n  fragmentation: a {size}-octet answer; vigild asked with EDNS size "
              f"{udp_asks[0].message.payload}, got TC=1 over UDP and fetched it over TCP "
              f"({len(tcp_asks)} TCP query, tc_retries {stats['tc_retries']}); the UDP client "
              f"got TC={bool(over_udp.flags & dns.flags.TC)} and "
              f"{len(txt_strings(over_tcp))}/{len(STRINGS)} strings over TCP", flush=True)
        self.assertGreater(size, 1232)
        self.assertEqual(len(udp_asks), 1)
        self.assertEqual(udp_asks[0].message.payload, 1232)
        self.assertEqual(len(tcp_asks), 1, "the truncated answer was fetched over TCP once")
        self.assertEqual(stats["tc_retries"], 1)
        # The UDP client (4096 advertised) is capped at 1232 as well: TC, and nothing partial.
        self.assertTrue(over_udp.flags & dns.flags.TC)
        self.assertEqual(txt_strings(over_udp), [])
        self.assertEqual(txt_strings(over_tcp), STRINGS)

    def test_an_oversized_udp_answer_without_tc_still_reaches_the_client_whole(self):
        # An upstream that ignores the 1232 and sends 2.6 KB in one datagram (which on a real
        # path would arrive in fragments): whatever vigild does with it, the client ends up
        # with the whole genuine answer, over TCP.
        def script(request):
            return [Send(reply_wire(request, RECORDS[(BIG, "TXT")]))]

        with ScriptedUpstream("127.0.0.1", script) as upstream, \
                Vigild("--upstream", upstream.endpoint) as vigild:
            reply, took = attack_tools.timed_query(vigild, BIG, "TXT", tcp=True, timeout=5)
        self.assertIsNotNone(reply)
        self.assertEqual(txt_strings(reply), STRINGS)
        self.assertLess(took, 2.0)


if __name__ == "__main__":
    unittest.main()
