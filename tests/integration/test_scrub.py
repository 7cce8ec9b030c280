"""Bailiwick scrubbing (THREATS rules 9-11): whatever an upstream adds beside the answer to the
question never reaches a client, and is reported; answers that break the caps are refused."""
import unittest

import dns.rdatatype

from harness import Vigild, rcode_of
from scripted_upstream import ScriptedUpstream, crafted_reply


def owners(reply):
    return {(rrset.name.to_text().lower(), dns.rdatatype.to_text(rrset.rdtype))
            for rrset in reply.answer + reply.authority + reply.additional}


class ScrubTest(unittest.TestCase):
    def start(self, script):
        upstream = ScriptedUpstream("127.0.0.1", script)
        upstream.__enter__()
        self.addCleanup(upstream.stop)
        vigild = Vigild("--upstream", upstream.endpoint)
        self.addCleanup(vigild.stop)
        return vigild

    def test_maginot_shape_ns_and_glue_for_other_zones_are_dropped(self):
        def script(request):
            name = request.qname_text
            return [crafted_reply(request,
                                  answer=[f"{name} 300 IN A 192.0.2.80",
                                          "bank.test. 300 IN A 6.6.6.6"],
                                  authority=["test. 300 IN NS ns.attacker.example.",
                                             "bank.test. 300 IN NS ns.attacker.example."],
                                  additional=["ns.attacker.example. 300 IN A 6.6.6.6"])]

        vigild = self.start(script)
        for tcp in (False, True):
            reply = vigild.query("www.example.test.", "A", tcp=tcp)
            self.assertEqual(owners(reply), {("www.example.test.", "A")})
        events = vigild.security_events("scrubbed")
        dropped = {(e["owner"].lower(), e["type"], e["section"]) for e in events}
        self.assertIn(("bank.test.", "A", "answer"), dropped)
        self.assertIn(("test.", "NS", "authority"), dropped)
        self.assertIn(("bank.test.", "NS", "authority"), dropped)
        self.assertIn(("ns.attacker.example.", "A", "additional"), dropped)
        stats = vigild.stats()
        self.assertEqual(stats["scrubbed_rrsets"], 4)  # once: the second answer was cached,
        self.assertEqual(stats["cache_hits"], 1)       # scrubbed, with nothing injected

    def test_the_cname_chain_and_its_end_are_kept_the_rest_dropped(self):
        def script(request):
            return [crafted_reply(request,
                                  answer=[f"{request.qname_text} 300 IN CNAME alias.other.test.",
                                          "alias.other.test. 300 IN A 192.0.2.7",
                                          "unrelated.other.test. 300 IN A 6.6.6.6"],
                                  authority=["other.test. 300 IN SOA ns. host. 1 2 3 4 5"])]

        vigild = self.start(script)
        reply = vigild.query("www.example.test.", "A")
        # The SOA of the zone that holds the chain's end may stay; the stray A may not.
        self.assertEqual(owners(reply), {("www.example.test.", "CNAME"),
                                         ("alias.other.test.", "A"), ("other.test.", "SOA")})

    def test_negative_answers_keep_only_their_zone_soa(self):
        def script(request):
            return [crafted_reply(request,
                                  authority=["example.test. 300 IN SOA ns. host. 1 2 3 4 5",
                                             "evil.test. 300 IN SOA ns. host. 1 2 3 4 5"])]

        vigild = self.start(script)
        reply = vigild.query("nothing.example.test.", "A")
        self.assertEqual(owners(reply), {("example.test.", "SOA")})

    def test_a_chain_longer_than_eleven_links_is_refused(self):
        def script(request):
            links = [f"l{i}.test. 300 IN CNAME l{i + 1}.test." for i in range(12)]
            return [crafted_reply(request, answer=[f"{request.qname_text} 300 IN CNAME l0.test."] +
                                  links + ["l12.test. 300 IN A 192.0.2.1"])]

        vigild = self.start(script)
        reply = vigild.query("www.example.test.", "A")
        self.assertEqual(rcode_of(reply), "SERVFAIL")
        events = vigild.security_events("answer_refused")
        self.assertTrue(events)
        self.assertIn("chain", events[-1]["reason"])

    def test_too_many_rrsigs_over_one_rrset_are_refused(self):
        def script(request):
            name = request.qname_text
            sigs = [f"{name} 300 IN RRSIG A 13 3 300 20300101000000 20200101000000 {tag} "
                    f"example.test. AAAA" for tag in range(9)]
            return [crafted_reply(request, answer=[f"{name} 300 IN A 192.0.2.80"] + sigs)]

        vigild = self.start(script)
        self.assertEqual(rcode_of(vigild.query("www.example.test.", "A")), "SERVFAIL")


if __name__ == "__main__":
    unittest.main()
