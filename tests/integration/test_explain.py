"""`vigilctl explain` in the DNS world (NSD + Unbound, tools/world/): the chain of trust of a
secure name, the reason for a bogus one, pins and guards, each step of the resolution."""
import unittest

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


if __name__ == "__main__":
    unittest.main()
