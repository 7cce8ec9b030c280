"""MaginotDNS-shaped injection (USENIX Security 2023, BIND CVE-2021-25220), THREATS rules 9 and
10: records for other zones smuggled into a forwarded answer (NS and glue in the authority and
additional sections, an A record for a victim name in the additional section, a CNAME into a zone
routed elsewhere) are never cached and never answer anyone. DNSSEC is off: only bailiwick
scrubbing stands in the way."""
import unittest

from attack_tools import Vigild
from scripted_upstream import ScriptedUpstream, crafted_reply

import dns.rdatatype

TRUTH = "192.0.2.53"
BANK_TRUTH = "198.51.100.53"
POISON = "6.6.6.6"
ATTACKER_NS = "ns.attacker.example."


def addresses(reply):
    return sorted(rdata.to_text() for rrset in reply.answer for rdata in rrset
                  if rrset.rdtype == dns.rdatatype.A)


def injected_lines(dump):
    return [line for line in dump.splitlines()
            if POISON in line or "attacker" in line or " NS " in line or "\tNS\t" in line]


class MaginotInjectionTest(unittest.TestCase):
    def test_ns_glue_and_additional_records_for_a_victim_zone_are_never_cached(self):
        # The upstream answers the victim truthfully when asked; when asked anything else it
        # appends the attacker's delegation of the victim's zone (and of the root and test.), its
        # glue, and an A record for the victim, in every section where a forwarder might look.
        def script(request):
            name = request.qname_text
            if name.lower() in ("victim.example.test.", "www.bank.test."):
                return [crafted_reply(request, answer=[f"{name} 300 IN A {TRUTH}"])]
            return [crafted_reply(
                request,
                answer=[f"{name} 300 IN A 192.0.2.80"],
                authority=[f"example.test. 86400 IN NS {ATTACKER_NS}",
                           f"bank.test. 86400 IN NS {ATTACKER_NS}",
                           f"test. 86400 IN NS {ATTACKER_NS}",
                           f". 86400 IN NS {ATTACKER_NS}"],
                additional=[f"{ATTACKER_NS} 86400 IN A {POISON}",
                            f"victim.example.test. 86400 IN A {POISON}",
                            f"www.bank.test. 86400 IN A {POISON}"])]

        with ScriptedUpstream("127.0.0.1", script) as upstream, \
                Vigild("--upstream", upstream.endpoint) as vigild:
            carriers = [f"carrier{i}.example.test." for i in range(10)]
            client_saw = []
            for index, name in enumerate(carriers):
                reply = vigild.query(name, "A", tcp=index % 2 == 1)
                self.assertEqual(addresses(reply), ["192.0.2.80"])
                client_saw += [rrset.to_text() for rrset in reply.authority + reply.additional
                               if rrset.rdtype != dns.rdatatype.OPT]
            asked_before = len(upstream.requests)
            dump_before = vigild.ctl("cache", "dump")[1]
            victims = {name: addresses(vigild.query(name, "A"))
                       for name in ("victim.example.test.", "www.bank.test.")}
            # ... they were asked upstream, not answered from anything the carriers brought.
            asked = [r.qname_text.lower() for r in upstream.requests[asked_before:]]
            dump = vigild.ctl("cache", "dump")[1]
            scrubbed = vigild.security_events("scrubbed")
            stats = vigild.stats()
        dropped = {(e["owner"].lower(), e["type"], e["section"]) for e in scrubbed}
        print(f"\n  MaginotDNS: {len(carriers)} forwarded answers each carrying 4 NS (root, "
              f"test., bank.test., example.test.), glue and 2 victim A records: scrubbed "
              f"{stats['scrubbed_rrsets']} RRsets ({len(scrubbed)} scrubbed events); "
              f"victims afterwards {victims}; injected records in the cache dump: "
              f"{len(injected_lines(dump_before)) + len(injected_lines(dump))}; records "
              f"relayed to clients outside the answer: {len(client_saw)}", flush=True)
        self.assertEqual(client_saw, [])
        self.assertEqual(injected_lines(dump_before), [])
        self.assertEqual(injected_lines(dump), [])
        self.assertEqual(victims, {"victim.example.test.": [TRUTH], "www.bank.test.": [TRUTH]})
        self.assertEqual(sorted(asked), ["victim.example.test.", "www.bank.test."])
        for owner, rrtype, section in ((".", "NS", "authority"), ("test.", "NS", "authority"),
                                       ("bank.test.", "NS", "authority"),
                                       ("example.test.", "NS", "authority"),
                                       (ATTACKER_NS, "A", "additional"),
                                       ("victim.example.test.", "A", "additional"),
                                       ("www.bank.test.", "A", "additional")):
            self.assertIn((owner, rrtype, section), dropped)
        self.assertGreaterEqual(stats["scrubbed_rrsets"], 7 * len(carriers))

    def test_a_chain_into_a_zone_routed_elsewhere_never_answers_for_that_zone(self):
        # THREATS rule 10: the public upstream (the attacker's) answers a CNAME into bank.test
        # and the "address" of the bank; bank.test is forwarded to the bank's own upstream, which
        # must be the only source of bank.test answers.
        def public(request):
            name = request.qname_text
            return [crafted_reply(request,
                                  answer=[f"{name} 300 IN CNAME www.bank.test.",
                                          f"www.bank.test. 86400 IN A {POISON}"],
                                  authority=[f"bank.test. 86400 IN NS {ATTACKER_NS}"],
                                  additional=[f"{ATTACKER_NS} 86400 IN A {POISON}"])]

        def bank(request):
            return [crafted_reply(request, answer=[f"{request.qname_text} 300 IN A {BANK_TRUTH}"])]

        with ScriptedUpstream("127.0.0.41", public) as attacker, \
                ScriptedUpstream("127.0.0.42", bank) as truthful, \
                Vigild("--upstream", attacker.endpoint,
                       "--forward", f"bank.test={truthful.endpoint}") as vigild:
            lure = vigild.query("lure.example.test.", "A")
            # The client that asked the lure gets the attacker's chain: that is the attacker's
            # own answer about its own name ...
            self.assertEqual(lure.answer[0].rdtype, dns.rdatatype.CNAME)
            # ... but the bank is answered by the bank's upstream, now and from the cache.
            first = vigild.query("www.bank.test.", "A")
            second = vigild.query("www.bank.test.", "A")
            bank_lines = vigild.ctl("cache", "lookup", "www.bank.test.")[1]
            dump = vigild.ctl("cache", "dump")[1]
        print(f"\n  cross-zone chain: lure answered with the attacker's chain; www.bank.test "
              f"then {addresses(first)} and from the cache {addresses(second)}; bank upstream "
              f"asked {len(truthful.requests)} time(s)", flush=True)
        self.assertEqual(addresses(first), [BANK_TRUTH])
        self.assertEqual(addresses(second), [BANK_TRUTH])
        self.assertEqual(len(truthful.requests), 1)
        self.assertEqual([r.qname_text.lower() for r in truthful.requests], ["www.bank.test."])
        self.assertNotIn("attacker", dump)
        # The attacker's bank address may stay in the cache only as what it is: chain data of the
        # lure, from the public upstream; the answer to www.bank.test is the bank's.
        for header, records in cache_blocks(dump):
            if any(POISON in record for record in records):
                self.assertIn(f"upstream={attacker.endpoint}", header)
                self.assertTrue("trust=chain" in header or header.startswith("; answer lure."),
                                header)
        answers = [records for header, records in cache_blocks(bank_lines)
                   if header.startswith("; answer www.bank.test. A")]
        self.assertEqual(len(answers), 1)
        self.assertNotIn(POISON, "".join(answers[0]))


def cache_blocks(text):
    """(header, records) for each entry of `vigilctl cache dump` or `cache lookup` output."""
    blocks = []
    for line in text.splitlines():
        if line.startswith("; "):
            blocks.append((line, []))
        elif line.strip() and blocks:
            blocks[-1][1].append(line)
    return blocks


if __name__ == "__main__":
    unittest.main()
