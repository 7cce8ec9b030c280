"""vigilctl against the DNS world (NSD + Unbound, tools/world/): `explain` (the chain of trust of
a secure name, the reason for a bogus one, pins and guards, each step of the resolution),
`anchors`, and runtime negative trust anchors with `insecure add|remove|list`."""
import unittest

import dns.flags

from harness import ede_codes, rcode_of

from world_fixture import WorldTestCase


class ExplainTest(WorldTestCase):
    @classmethod
    def vigild_args(cls, world):
        return ["--upstream", world.unbound_address, "--dnssec", "validate",
                "--trust-anchor", str(world.trust_anchor_file),
                "--pin", "pay.example.test A 192.0.2.200",
                "--guard", "mail.example.test 198.51.100.0/24"]

    def explain(self, *args):
        status, out, err = self.vigild.ctl("explain", *args, timeout=30)
        self.assertEqual(status, 0, err)
        self.assertTrue(out.startswith("ok\n") or "question:" in out, out)
        print(f"\n  vigilctl explain {' '.join(args)}:\n    " + "\n    ".join(out.splitlines()))
        return out

    def test_a_secure_name_shows_its_chain_of_trust(self):
        out = self.explain("www.example.test", "A")
        self.assertIn("question: www.example.test. type 1", out)
        self.assertIn(f"asking upstream {self.world.unbound_address}", out)
        self.assertIn("over udp from a fresh random port, with 0x20", out)
        self.assertIn("dnssec: secure", out)
        self.assertIn("chain of trust: trust anchor .", out)
        self.assertRegex(out, r"chain of trust: zone \.: secure, DNSKEY [^\n]*\d+/alg\d+ KSK")
        self.assertRegex(out, r"chain of trust: zone test\.: secure, DNSKEY \d+/alg\d+")
        self.assertRegex(out, r"chain of trust: zone example\.test\.: secure, DNSKEY \d+/alg13")
        self.assertIn("answer: NOERROR, AD (validated)", out)
        self.assertRegex(out, r"www\.example\.test\.\s+\d+\s+IN\s+A\s+192\.0\.2\.80")

    def test_a_bogus_name_shows_the_reason(self):
        out = self.explain("www.expired.test")
        self.assertRegex(out, r"dnssec: bogus \(signature_expired\)")
        self.assertIn("answer: SERVFAIL, EDE 7", out)
        self.assertRegex(out, r"chain of trust: zone expired\.test\.")

    def test_explain_bypasses_the_caches_and_leaves_nothing_in_them(self):
        self.explain("www.insecure.test")
        self.assertNotIn("www.insecure.test", self.vigild.ctl("cache", "dump")[1])
        out = self.explain("www.insecure.test")  # asked again, not answered from a cache
        self.assertIn("asking upstream", out)
        self.assertIn("dnssec: insecure", out)

    def test_pins_and_guards_are_part_of_the_story(self):
        out = self.explain("pay.example.test")
        self.assertIn("pinned name: answered from the configuration", out)
        self.assertRegex(out, r"pay\.example\.test\.\s+\d+\s+IN\s+A\s+192\.0\.2\.200")
        out = self.explain("mail.example.test")
        self.assertIn("guard mail.example.test", out)
        self.assertIn("192.0.2.25 is outside the allowlist: refused", out)
        self.assertIn("answer: SERVFAIL, EDE 15", out)

    def test_anchors_lists_the_root_keys_and_their_rfc5011_state(self):
        status, out, err = self.vigild.ctl("anchors")
        self.assertEqual(status, 0, err)
        self.assertRegex(out, r"zone \. tracking=rfc5011 state=\S+ last-refresh=")
        self.assertRegex(out, r"key \d+/alg\d+ valid")

    def test_a_runtime_negative_anchor_makes_a_bogus_zone_insecure_until_removed(self):
        self.assertEqual(rcode_of(self.vigild.query("www.badsig.test.", "A")), "SERVFAIL")
        status, out, _ = self.vigild.ctl("insecure", "add", "badsig.test", "600")
        self.assertEqual(status, 0, out)
        self.assertIn("added a negative trust anchor for badsig.test., expires in 600s", out)
        reply = self.vigild.query("www.badsig.test.", "A")
        self.assertEqual(rcode_of(reply), "NOERROR")
        self.assertFalse(reply.flags & dns.flags.AD)
        listing = self.vigild.ctl("insecure", "list")[1]
        self.assertRegex(listing, r"badsig\.test\. source=vigilctl expires=in-\d+s")
        self.assertIn("10.in-addr.arpa. source=rfc6303 expires=never", listing)
        self.assertEqual(self.vigild.ctl("insecure", "remove", "badsig.test")[0], 0)
        reply = self.vigild.query("www.badsig.test.", "A", use_edns=0)
        self.assertEqual(rcode_of(reply), "SERVFAIL")
        self.assertEqual(ede_codes(reply), [6])
        self.assertEqual(self.vigild.ctl("insecure", "remove", "badsig.test")[0], 1)


if __name__ == "__main__":
    unittest.main()
