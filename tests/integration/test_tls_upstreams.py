"""DNS over TLS upstreams (RFC 7858) with SPKI pins, and critical names that never leave over
UDP. A throwaway CA and certificates are made with openssl at the start; the TLS upstreams are
scripted (tls_upstream.py) so that the tests can count connections and drop one mid-stream."""
import concurrent.futures
import os
import shutil
import socket
import subprocess
import tempfile
import time
import unittest

import dns.message
import dns.rrset

from harness import Vigild, ede_codes, rcode_of, started
from scripted_upstream import ScriptedUpstream, Send, free_port, reply_wire
from tls_upstream import AUTH_NAME, TlsScriptedUpstream, make_pki, spki_pin


def answering(address, delay=0.0):
    def script(request):
        return [Send(reply_wire(request, [f"{request.qname_text} 300 IN A {address}"]),
                     delay=delay)]
    return script


def addresses(reply):
    return [rdata.to_text() for rrset in reply.answer for rdata in rrset]


class TlsUpstreamTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.directory = tempfile.mkdtemp(prefix="vigil-tls-")
        cls.pki = make_pki(cls.directory)
        cls.ca = cls.pki["ca"][0]
        cls.good_pin = spki_pin(cls.pki["good"][0])
        cls.self_pin = spki_pin(cls.pki["self"][0])

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.directory, ignore_errors=True)

    def start_tls(self, certificate="good", script=None, **kwargs):
        cert, key = self.pki[certificate]
        return started(self, TlsScriptedUpstream(cert, key, script or answering("192.0.2.53"),
                                                 **kwargs))

    def start_udp(self, address, script):
        return started(self, ScriptedUpstream(address, script))

    def start_vigild(self, *args):
        return started(self, Vigild(*args))

    def assert_refused(self, vigild, upstream, reason, auth_name=AUTH_NAME):
        reply = vigild.query("refused.example.", "A", use_edns=0)
        self.assertEqual(rcode_of(reply), "SERVFAIL")
        self.assertIn(23, ede_codes(reply))  # Network Error
        self.assertEqual(upstream.requests, [])  # not one query left over the bad connection
        events = vigild.security_events("tls_auth_failed")
        self.assertTrue(events, vigild.log())
        self.assertIn(reason, events[0]["reason"])
        self.assertEqual(events[0]["upstream"], f"tls://127.0.0.1:{upstream.port}#{auth_name}")
        return events[0]

    def test_good_name_and_pin_answer_and_status_shows_the_certificate(self):
        upstream = self.start_tls()
        vigild = self.start_vigild(
            "--upstream", upstream.endpoint(options=f"pin={self.good_pin} ca={self.ca}"))
        reply = vigild.query("www.example.", "A")
        self.assertEqual(addresses(reply), ["192.0.2.53"])
        self.assertEqual(len(upstream.requests), 1)
        query = upstream.requests[0]
        self.assertEqual(len(query.wire) % 128, 0)  # RFC 8467 block padding
        self.assertIn(11, [option.otype for option in query.message.options])  # keepalive
        status, out, _ = vigild.ctl("status")
        self.assertEqual(status, 0)
        line = next(line for line in out.splitlines() if line.startswith("upstream tls://"))
        self.assertIn("tls-connection=connected", line)
        self.assertIn(f'tls-subject="CN={AUTH_NAME}"', line)
        self.assertIn(f"tls-spki={self.good_pin}", line)
        self.assertIn("tls-pin-match=yes", line)

    def test_wrong_name_is_refused(self):
        upstream = self.start_tls()
        vigild = self.start_vigild("--upstream", upstream.endpoint(
            auth_name="other.test", options=f"ca={self.ca}"), "--query-timeout", "2s")
        event = self.assert_refused(vigild, upstream, "hostname mismatch", "other.test")
        self.assertEqual(event["spki"], self.good_pin)  # what it showed, to pin if legitimate
        _, out, _ = vigild.ctl("status")
        self.assertIn("tls-connection=failed", out)
        self.assertIn("state=backed-off", out)

    def test_wrong_pin_is_refused(self):
        upstream = self.start_tls()
        vigild = self.start_vigild("--upstream", upstream.endpoint(
            options=f"pin={self.self_pin} ca={self.ca}"), "--query-timeout", "2s")
        self.assert_refused(vigild, upstream, "no configured pin matches")
        _, out, _ = vigild.ctl("status")
        self.assertIn("tls-pin-match=no", out)

    def test_expired_certificate_is_refused(self):
        upstream = self.start_tls("expired")
        vigild = self.start_vigild("--upstream", upstream.endpoint(options=f"ca={self.ca}"),
                                   "--query-timeout", "2s")
        self.assert_refused(vigild, upstream, "certificate has expired")

    def test_an_upstream_that_failed_authentication_is_tried_again_once_fixed(self):
        upstream = self.start_tls("expired")
        vigild = self.start_vigild("--upstream", upstream.endpoint(options=f"ca={self.ca}"),
                                   "--query-timeout", "2s")
        self.assert_refused(vigild, upstream, "certificate has expired")
        upstream.use_certificate(*self.pki["good"])  # the operator renews the certificate
        deadline = time.monotonic() + 6
        while True:
            reply = vigild.query("renewed.example.", "A", use_edns=0)
            if addresses(reply) == ["192.0.2.53"] or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        self.assertEqual(addresses(reply), ["192.0.2.53"])

    def test_self_signed_without_pin_is_refused_and_accepted_with_pin_only(self):
        upstream = self.start_tls("self")
        vigild = self.start_vigild("--upstream", upstream.endpoint(), "--query-timeout", "2s")
        self.assert_refused(vigild, upstream, "self-signed")
        pinned = self.start_tls("self")
        vigild = self.start_vigild("--upstream", pinned.endpoint(
            auth_name="any.name", options=f"pin={self.self_pin} pin-only"))
        self.assertEqual(addresses(vigild.query("www.example.", "A")), ["192.0.2.53"])

    def test_upstream_closing_mid_stream_is_retried_on_a_new_connection(self):
        upstream = self.start_tls(drop_after=1)
        vigild = self.start_vigild("--upstream", upstream.endpoint(options=f"ca={self.ca}"),
                                   "--upstream-timeout", "3s")
        started = time.monotonic()
        reply = vigild.query("retried.example.", "A")
        self.assertEqual(addresses(reply), ["192.0.2.53"])
        self.assertLess(time.monotonic() - started, 2.0)  # at once, not after a timeout
        self.assertEqual(upstream.connections, 2)
        self.assertEqual(len(upstream.requests), 2)
        # The second connection resumed the first one's session (a TLS 1.3 ticket).
        self.assertEqual(upstream.resumed, 1)

    def test_concurrent_queries_share_one_connection_answered_out_of_order(self):
        def script(request):
            # Every other name answers late: replies come back out of order.
            index = int(request.qname_text.split(".")[0][1:])
            return [Send(reply_wire(request, [f"{request.qname_text} 300 IN A 192.0.2.{index}"]),
                         delay=0.3 if index % 2 else 0.0)]
        upstream = self.start_tls(script=script)
        vigild = self.start_vigild("--upstream", upstream.endpoint(options=f"ca={self.ca}"))
        self.assertEqual(addresses(vigild.query("q100.example.", "A")), ["192.0.2.100"])
        with concurrent.futures.ThreadPoolExecutor(max_workers=50) as pool:
            replies = list(pool.map(lambda i: vigild.query(f"q{i}.example.", "A"), range(50)))
        for i, reply in enumerate(replies):
            self.assertEqual(addresses(reply), [f"192.0.2.{i}"])
        self.assertEqual(upstream.connections, 1)
        self.assertEqual(len(upstream.requests), 51)

    def test_a_reply_with_the_right_id_but_another_question_is_not_taken(self):
        def script(request):
            other = dns.message.make_query("elsewhere.example.", "A")
            other.id = request.message.id
            wrong = dns.message.make_response(other)
            wrong.answer.append(dns.rrset.from_text("elsewhere.example.", 300, "IN", "A",
                                                    "203.0.113.66"))
            return [Send(wrong.to_wire()),
                    Send(reply_wire(request, [f"{request.qname_text} 300 IN A 192.0.2.53"]),
                         delay=0.1)]
        upstream = self.start_tls(script=script)
        vigild = self.start_vigild("--upstream", upstream.endpoint(options=f"ca={self.ca}"))
        self.assertEqual(addresses(vigild.query("www.example.", "A")), ["192.0.2.53"])
        events = vigild.security_events("unwanted_reply")
        self.assertEqual([(e["transport"], e["reason"]) for e in events], [("tls", "question")])

    def test_a_stalled_tls_upstream_holds_no_query_beyond_its_timeout(self):
        # TCP connects (the kernel accepts), but no TLS handshake ever comes back.
        stalled = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        stalled.bind(("127.0.0.1", 0))
        stalled.listen(16)
        self.addCleanup(stalled.close)
        port = stalled.getsockname()[1]
        fallback = self.start_udp("127.0.0.63", answering("192.0.2.63"))
        vigild = self.start_vigild("--upstream", f"tls://127.0.0.1:{port}#{AUTH_NAME}",
                                   "--upstream", fallback.endpoint, "--critical", "pay.example",
                                   "--upstream-timeout", "300ms", "--query-timeout", "1s")
        started = time.monotonic()
        reply = vigild.query("pay.example.", "A", use_edns=0, timeout=3)
        self.assertEqual(rcode_of(reply), "SERVFAIL")  # critical: never the clear-text upstream
        self.assertLess(time.monotonic() - started, 1.5)
        self.assertEqual(fallback.requests, [])
        # A name that is not critical fails over to the plain upstream.
        self.assertEqual(addresses(vigild.query("www.example.", "A", timeout=3)), ["192.0.2.63"])

    def start_unbound_over_tls(self):
        """Debian's Unbound serving a local zone on a DNS over TLS port, with our certificate."""
        directory = tempfile.mkdtemp(prefix="unbound-", dir=self.directory)
        port = free_port("127.0.0.1")
        cert, key = self.pki["good"]
        config = os.path.join(directory, "unbound.conf")
        with open(config, "w") as out:
            out.write(f"""server:
  interface: 127.0.0.1@{port}
  tls-port: {port}
  tls-service-key: "{key}"
  tls-service-pem: "{cert}"
  do-ip6: no
  access-control: 127.0.0.0/8 allow
  username: ""
  chroot: ""
  directory: "{directory}"
  pidfile: "{directory}/unbound.pid"
  do-daemonize: no
  use-syslog: no
  logfile: ""
  num-threads: 1
  module-config: "iterator"
  local-zone: "example." static
  local-data: "www.example. 300 IN A 192.0.2.80"
  local-data: "mail.example. 300 IN A 192.0.2.81"
remote-control:
  control-enable: no
""")
        log = open(os.path.join(directory, "unbound.log"), "w")
        self.addCleanup(log.close)
        process = subprocess.Popen(["unbound", "-d", "-c", config], stdout=log,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

        def stop():
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.addCleanup(stop)
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return port
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"unbound did not start: {open(log.name).read()}")
                time.sleep(0.05)

    def test_unbound_as_a_tls_upstream(self):
        port = self.start_unbound_over_tls()
        vigild = self.start_vigild(
            "--upstream", f"tls://127.0.0.1:{port}#{AUTH_NAME} pin={self.good_pin} ca={self.ca}")
        self.assertEqual(addresses(vigild.query("www.example.", "A")), ["192.0.2.80"])
        self.assertEqual(addresses(vigild.query("mail.example.", "A", tcp=True)), ["192.0.2.81"])
        _, out, _ = vigild.ctl("status")
        self.assertIn("tls-pin-match=yes", out)
        self.assertIn("tls-connection=connected", out)

    def test_critical_names_never_leave_over_udp(self):
        plain = self.start_udp("127.0.0.61", answering("192.0.2.61"))
        vigild = self.start_vigild("--upstream", plain.endpoint, "--critical", "pay.example",
                                   "--critical", "hooks.partner.example")
        for name in ("pay.example.", "api.pay.example.", "hooks.partner.example."):
            self.assertEqual(addresses(vigild.query(name, "A")), ["192.0.2.61"])
        self.assertEqual(addresses(vigild.query("www.example.", "A")), ["192.0.2.61"])
        critical = [r for r in plain.requests if "pay.example" in r.qname_text.lower()
                    or "partner" in r.qname_text.lower()]
        self.assertEqual(len(critical), 3)
        self.assertEqual({r.transport for r in critical}, {"tcp"})
        others = [r for r in plain.requests if r.qname_text.lower() == "www.example."]
        self.assertEqual([r.transport for r in others], ["udp"])
        # With a TLS upstream in the group, critical names go over TLS only.
        tls = self.start_tls()
        plain2 = self.start_udp("127.0.0.62", answering("192.0.2.62"))
        vigild = self.start_vigild("--upstream", plain2.endpoint,
                                   "--upstream", tls.endpoint(options=f"ca={self.ca}"),
                                   "--critical", "pay.example")
        for i in range(5):
            self.assertEqual(addresses(vigild.query(f"n{i}.pay.example.", "A")), ["192.0.2.53"])
        self.assertEqual(len(tls.requests), 5)
        self.assertFalse([r for r in plain2.requests if "pay" in r.qname_text.lower()])


if __name__ == "__main__":
    unittest.main()
