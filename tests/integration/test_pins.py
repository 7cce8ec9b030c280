"""Pinned names (THREATS "Pinned names"): answered from configuration for every type, never from
an upstream, whatever the upstream says; also after a reload and a restart."""
import signal
import unittest

import dns.flags
import dns.message
import dns.rcode
import dns.rdatatype

from harness import Vigild, ede_codes, rcode_of
from scripted_upstream import ScriptedUpstream, Send, reply_wire

POISON = "6.6.6.6"


def poisoning(request):
    """An upstream that answers every A query with the attacker's address."""
    return [Send(reply_wire(request, [f"{request.qname_text} 300 IN A {POISON}"]))]


def addresses(reply):
    return sorted(rdata.to_text() for rrset in reply.answer for rdata in rrset
                  if rrset.rdtype == dns.rdatatype.A)


class PinTest(unittest.TestCase):
    def setUp(self):
        self.upstream = ScriptedUpstream("127.0.0.1", poisoning)
        self.upstream.__enter__()
        self.addCleanup(self.upstream.stop)

    def start(self, config_text):
        vigild = Vigild("--upstream", self.upstream.endpoint, config_text=config_text)
        self.addCleanup(vigild.stop)
        return vigild

    def test_a_pinned_name_is_answered_from_the_pin_for_every_type(self):
        vigild = self.start("pin api.example.test A 192.0.2.10\n"
                            "pin api.example.test A 192.0.2.11\n"
                            "pin 'api.example.test TXT \"payments\"'\n"
                            "pin www.example.test CNAME api.example.test\n")
        for tcp in (False, True):
            reply = vigild.query("Api.Example.Test.", "A", tcp=tcp)
            self.assertEqual(addresses(reply), ["192.0.2.10", "192.0.2.11"])
            self.assertTrue(reply.flags & dns.flags.AA)
            self.assertEqual(reply.question[0].name.to_text(), "Api.Example.Test.")
        nodata = vigild.query("api.example.test.", "AAAA")
        self.assertEqual(rcode_of(nodata), "NOERROR")
        self.assertEqual(nodata.answer, [])
        txt = vigild.query("api.example.test.", "TXT")
        self.assertEqual(txt.answer[0][0].to_text(), '"payments"')
        # A pinned CNAME whose target is pinned: the whole chain from the pins.
        chain = vigild.query("www.example.test.", "A")
        self.assertEqual(chain.answer[0].rdtype, dns.rdatatype.CNAME)
        self.assertEqual(addresses(chain), ["192.0.2.10", "192.0.2.11"])
        self.assertEqual(self.upstream.requests, [], "a pinned name never goes upstream")
        self.assertEqual(vigild.stats()["pinned_answers"], 5)
        # Names that are not pinned still go upstream.
        self.assertEqual(addresses(vigild.query("other.example.test.", "A")), [POISON])

    def test_a_full_cache_never_evicts_a_pin(self):
        # A cache with room for a handful of answers, flooded with 300 names: pins are not cache
        # entries, so nothing can evict them.
        vigild = self.start("pin api.example.test A 192.0.2.10\ncache-size 4k\n")
        for i in range(300):
            vigild.query(f"flood{i}.example.test.", "A")
        self.assertEqual(addresses(vigild.query("api.example.test.", "A")), ["192.0.2.10"])
        stats = vigild.stats()
        self.assertLessEqual(stats["cache_bytes"], 4096)
        self.assertGreater(stats["cache_evictions"], 0)
        self.assertFalse(any(r.qname_text.lower() == "api.example.test." for r in self.upstream.requests))

    def test_a_pin_wins_at_the_end_of_an_upstream_cname_chain(self):
        def script(request):
            if request.qname_text.lower() == "shop.example.test.":
                return [Send(reply_wire(request, [
                    "shop.example.test. 300 IN CNAME cdn.example.test.",
                    "cdn.example.test. 300 IN CNAME api.pay.test.",
                    f"api.pay.test. 300 IN A {POISON}"]))]
            return poisoning(request)

        upstream = ScriptedUpstream("127.0.0.2", script)
        upstream.__enter__()
        self.addCleanup(upstream.stop)
        vigild = Vigild("--upstream", upstream.endpoint, "--pin", "api.pay.test A 192.0.2.10")
        self.addCleanup(vigild.stop)
        for tcp in (False, True):
            reply = vigild.query("shop.example.test.", "A", tcp=tcp)
            self.assertEqual(addresses(reply), ["192.0.2.10"])
            kinds = [dns.rdatatype.to_text(rrset.rdtype) for rrset in reply.answer]
            self.assertEqual(kinds.count("CNAME"), 2)

    def test_pins_follow_a_reload_and_survive_a_restart(self):
        vigild = self.start("pin db.example.test A 10.0.0.5\n")
        self.assertEqual(addresses(vigild.query("db.example.test.", "A")), ["10.0.0.5"])
        vigild.write_config("pin db.example.test A 10.0.0.6\n")
        vigild.signal(signal.SIGHUP)
        vigild.wait_for_log(r"reloaded")
        self.assertEqual(addresses(vigild.query("db.example.test.", "A")), ["10.0.0.6"])
        # A bad new config keeps the old pins.
        vigild.write_config("pin db.example.test A 10.0.0.300\n")
        vigild.signal(signal.SIGHUP)
        vigild.wait_for_log(r"reload failed")
        self.assertEqual(addresses(vigild.query("db.example.test.", "A")), ["10.0.0.6"])
        self.assertEqual(vigild.stop(), 0)
        vigild.write_config("pin db.example.test A 10.0.0.6\n")
        again = Vigild("--upstream", self.upstream.endpoint, "--config", vigild.config_path)
        self.addCleanup(again.stop)
        self.assertEqual(addresses(again.query("db.example.test.", "A")), ["10.0.0.6"])
        self.assertEqual(self.upstream.requests, [])


if __name__ == "__main__":
    unittest.main()


class PinWatchTest(unittest.TestCase):
    def test_pin_watch_reports_an_upstream_that_disagrees_with_a_pin(self):
        def script(request):
            if request.qname_text.lower() == "good.pay.test.":
                return [Send(reply_wire(request, ["good.pay.test. 300 IN A 192.0.2.20"]))]
            return poisoning(request)

        with ScriptedUpstream("127.0.0.1", script) as upstream:
            with Vigild("--upstream", upstream.endpoint, "--pin-watch", "200ms",
                        "--pin", "api.pay.test A 192.0.2.10",
                        "--pin", "good.pay.test A 192.0.2.20") as vigild:
                vigild.wait_for_log(r"event=pin_mismatch name=api\.pay\.test\.", count=2)
                events = vigild.security_events("pin_mismatch")
                self.assertEqual({e["name"] for e in events}, {"api.pay.test."})
                self.assertEqual(events[0]["live"], f'"{POISON}"')
                self.assertGreaterEqual(vigild.stats()["pin_mismatches"], 2)
                # Clients still get the pin.
                self.assertEqual(addresses(vigild.query("api.pay.test.", "A")), ["192.0.2.10"])
            asked = {r.qname_text.lower() for r in upstream.requests}
            self.assertEqual(asked, {"api.pay.test.", "good.pay.test."})


class GuardTest(unittest.TestCase):
    """Guarded names: resolved normally, but an address outside the allowlist is refused."""

    def test_guarded_names_refuse_addresses_outside_their_allowlist(self):
        answers = {
            "api.pay.test.": ["api.pay.test. 300 IN A 192.0.2.10"],
            "evil.pay.test.": ["evil.pay.test. 300 IN A 6.6.6.6"],
            "via.pay.test.": ["via.pay.test. 300 IN CNAME host.elsewhere.test.",
                              "host.elsewhere.test. 300 IN A 203.0.113.9"],
            "free.test.": ["free.test. 300 IN A 6.6.6.6"],
        }

        def script(request):
            return [Send(reply_wire(request, answers[request.qname_text.lower()]))]

        with ScriptedUpstream("127.0.0.1", script) as upstream:
            with Vigild("--upstream", upstream.endpoint,
                        "--guard", "*.pay.test 192.0.2.0/24 2001:db8::/32") as vigild:
                self.assertEqual(addresses(vigild.query("api.pay.test.", "A")), ["192.0.2.10"])
                for name, bad in (("evil.pay.test.", "6.6.6.6"), ("via.pay.test.", "203.0.113.9")):
                    for tcp in (False, True):
                        reply = vigild.query(name, "A", tcp=tcp, use_edns=0)
                        self.assertEqual(rcode_of(reply), "SERVFAIL", name)
                        self.assertEqual(ede_codes(reply), [15], name)  # Blocked
                    events = [e for e in vigild.security_events("guard_violation")
                              if e["qname"] == name]
                    self.assertTrue(events, name)
                    self.assertEqual(events[-1]["address"], bad)
                    self.assertEqual(events[-1]["upstream"], upstream.endpoint)
                # Names under no guard are not affected.
                self.assertEqual(addresses(vigild.query("free.test.", "A")), [POISON])
                self.assertEqual(vigild.stats()["guard_blocked"], 4)
