"""DNS over TLS for clients (RFC 7858): `listen tls://` with tls-certificate and tls-key. A
self-signed certificate is made with openssl at the start; the client is Python's ssl module
speaking the same 2-octet framed DNS as over TCP."""
import os
import shutil
import socket
import ssl
import struct
import subprocess
import tempfile
import time
import unittest

import dns.message

from harness import VIGILD, Vigild, rcode_of
from scripted_upstream import ScriptedUpstream, Send, free_port, read_tcp_message, reply_wire


def answering(address):
    def script(request):
        return [Send(reply_wire(request, [f"{request.qname_text} 300 IN A {address}"]))]
    return script


def addresses(reply):
    return [rdata.to_text() for rrset in reply.answer for rdata in rrset]


def framed(message):
    wire = message.to_wire()
    return struct.pack("!H", len(wire)) + wire


class TlsListenerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.directory = tempfile.mkdtemp(prefix="vigil-dot-")
        cls.certificate = os.path.join(cls.directory, "server.pem")
        cls.key = os.path.join(cls.directory, "server.key")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", cls.key,
                        "-out", cls.certificate, "-subj", "/CN=dot.vigil.test",
                        "-addext", "subjectAltName=DNS:dot.vigil.test", "-days", "2"],
                       check=True, capture_output=True)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.directory, ignore_errors=True)

    def setUp(self):
        self.upstream = ScriptedUpstream("127.0.0.1", answering("192.0.2.53"))
        self.upstream.__enter__()
        self.addCleanup(self.upstream.stop)
        self.tls_port = free_port("127.0.0.1")
        self.vigild = Vigild("--upstream", self.upstream.endpoint,
                             "--listen", f"tls://127.0.0.1:{self.tls_port}",
                             "--tls-certificate", self.certificate, "--tls-key", self.key,
                             "--pin", "pinned.example. A 192.0.2.7",
                             "--tcp-idle-timeout", "2s")
        self.addCleanup(self.vigild.stop)

    def tls_connection(self):
        context = ssl.create_default_context(cafile=self.certificate)
        context.check_hostname = True
        raw = socket.create_connection(("127.0.0.1", self.tls_port), timeout=5)
        connection = context.wrap_socket(raw, server_hostname="dot.vigil.test")
        self.addCleanup(connection.close)
        return connection

    def ask(self, connection, qname, qtype="A"):
        query = dns.message.make_query(qname, qtype)
        connection.sendall(framed(query))
        return dns.message.from_wire(read_tcp_message(connection))

    def test_answers_over_tls_for_a_pinned_name_and_an_upstream_name(self):
        connection = self.tls_connection()
        self.assertGreaterEqual(connection.version(), "TLSv1.2")
        self.assertEqual(addresses(self.ask(connection, "pinned.example.")), ["192.0.2.7"])
        self.assertEqual(addresses(self.ask(connection, "www.example.")), ["192.0.2.53"])
        self.assertEqual(len(self.upstream.requests), 1)  # the pinned name never went upstream

    def test_pipelined_queries_on_one_connection_are_all_answered(self):
        connection = self.tls_connection()
        queries = {}
        wires = []
        for i in range(8):
            query = dns.message.make_query(f"host{i}.example.", "A")
            query.id = 1000 + i
            queries[query.id] = f"host{i}.example."
            wires.append(framed(query))
        # One write: vigild finds all the queries in one TLS record.
        connection.sendall(b"".join(wires))
        answered = {}
        for _ in queries:
            reply = dns.message.from_wire(read_tcp_message(connection))
            answered[reply.id] = reply
        self.assertEqual(set(answered), set(queries))
        for qid, reply in answered.items():
            self.assertEqual(reply.question[0].name.to_text(), queries[qid])
            self.assertEqual(addresses(reply), ["192.0.2.53"])

    def test_a_plaintext_client_on_the_tls_port_gets_no_answer_and_service_goes_on(self):
        plain = socket.create_connection(("127.0.0.1", self.tls_port), timeout=3)
        self.addCleanup(plain.close)
        plain.sendall(framed(dns.message.make_query("www.example.", "A")))
        received = b""
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            try:
                chunk = plain.recv(4096)
            except (ConnectionResetError, socket.timeout):
                break
            if not chunk:
                break
            received += chunk
        # Closed without a DNS answer: at most a TLS alert record (content type 21), never DNS.
        self.assertTrue(received == b"" or received[0] == 21, received)
        self.assertEqual(self.upstream.requests, [])
        connection = self.tls_connection()
        self.assertEqual(addresses(self.ask(connection, "www.example.")), ["192.0.2.53"])
        self.assertEqual(addresses(self.vigild.query("pinned.example.", tcp=True)),
                         ["192.0.2.7"])

    def test_a_client_that_never_starts_its_handshake_is_disconnected(self):
        silent = socket.create_connection(("127.0.0.1", self.tls_port), timeout=8)
        self.addCleanup(silent.close)
        started = time.monotonic()
        try:
            self.assertEqual(silent.recv(4096), b"")  # closed by vigild, nothing sent
        except ConnectionResetError:
            pass
        # The handshake deadline is the idle timeout here (2 s, shorter than 5 s).
        self.assertLess(time.monotonic() - started, 6)

    def test_the_plain_listener_still_serves_beside_the_tls_one(self):
        self.assertEqual(rcode_of(self.vigild.query("www.example.")), "NOERROR")

    def test_reload_keeps_the_tls_listener(self):
        status, out, err = self.vigild.ctl("reload")
        self.assertEqual(status, 0, out + err)
        _, out, _ = self.vigild.ctl("status")
        self.assertIn(f"listen tls://127.0.0.1:{self.tls_port}", out.splitlines())
        connection = self.tls_connection()
        self.assertEqual(addresses(self.ask(connection, "pinned.example.")), ["192.0.2.7"])


class TlsListenerConfigTest(unittest.TestCase):
    def test_a_tls_listener_without_a_certificate_fails_naming_the_key(self):
        result = subprocess.run([VIGILD, "--listen", "tls://127.0.0.1:8853", "--check-config"],
                                capture_output=True, text=True, timeout=10)
        self.assertEqual(result.returncode, 1)
        self.assertIn("tls-certificate", result.stderr)

    def test_a_key_that_does_not_match_the_certificate_fails_at_start(self):
        directory = tempfile.mkdtemp(prefix="vigil-dot-")
        self.addCleanup(shutil.rmtree, directory, True)
        files = {}
        for name in ("one", "two"):
            files[name] = (os.path.join(directory, f"{name}.pem"),
                           os.path.join(directory, f"{name}.key"))
            subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                            "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", files[name][1],
                            "-out", files[name][0], "-subj", "/CN=x", "-days", "1"],
                           check=True, capture_output=True)
        port = free_port("127.0.0.1")
        result = subprocess.run([VIGILD, "--listen", f"tls://127.0.0.1:{port}",
                                 "--tls-certificate", files["one"][0],
                                 "--tls-key", files["two"][1], "--user", "none",
                                 "--control-socket", os.path.join(directory, "control.sock"), "--upstream", "127.0.0.1:9"],
                                capture_output=True, text=True, timeout=10)
        self.assertEqual(result.returncode, 1)
        self.assertIn("tls-key", result.stdout + result.stderr)


if __name__ == "__main__":
    unittest.main()
