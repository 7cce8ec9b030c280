"""threads N: N event loops serve clients, each with its own SO_REUSEPORT listeners, upstream
sockets and caches; the control socket, signals and reloads reach every one of them."""
import os
import re
import shutil
import signal
import socket
import ssl
import struct
import subprocess
import tempfile
import unittest

import dns.message
import dns.query
import dns.rcode

from harness import VIGILD, Vigild, started
from scripted_upstream import ScriptedUpstream, Send, free_port, read_tcp_message, reply_wire

# Distinct source ports: SO_REUSEPORT picks a worker by hashing the client's address and port,
# so 2^-(QUERIES-1) is the chance that they all land on one of two workers.
QUERIES = 120


def answering_with(address):
    def script(request):
        return [Send(reply_wire(request, [f"{request.qname_text} 300 IN A {address}"]))]
    return script


def addresses(reply):
    return [item.to_text() for rrset in reply.answer for item in rrset]


def ask_from_fresh_ports(vigild, names, tcp=False):
    """Each query from a socket of its own (a new source port); returns the replies."""
    replies = []
    for name in names:
        query = dns.message.make_query(name, "A")
        if tcp:
            replies.append(dns.query.tcp(query, vigild.address, port=vigild.port, timeout=5))
        else:
            replies.append(dns.query.udp(query, vigild.address, port=vigild.port, timeout=5,
                                         ignore_unexpected=True))
    return replies


def ctl_stats(vigild):
    status, out, err = vigild.ctl("stats")
    if status != 0:
        raise AssertionError(f"vigilctl stats: {status} {err}")
    return {name: int(value) for name, value in re.findall(r"^(\w+) (\d+)$", out, re.M)}


class ThreadsTest(unittest.TestCase):
    def setUp(self):
        self.upstream = started(self, ScriptedUpstream("127.0.0.1", answering_with("192.0.2.7")))

    def asked(self, name):
        """The upstream queries for `name` (0x20 changes their letter case)."""
        return [r for r in self.upstream.requests_by("udp") if r.qname_text.lower() == name]

    def start(self, *args, **kwargs):
        return started(self, Vigild("--upstream", self.upstream.endpoint, "--threads", "2",
                                    *args, **kwargs))

    def test_udp_queries_from_many_ports_are_answered_by_both_workers(self):
        vigild = self.start()
        self.assertIn("; 2 threads", vigild.wait_for_log(r"ready: listening on .*")[0])
        names = [f"n{i}.example.test." for i in range(QUERIES)]
        replies = ask_from_fresh_ports(vigild, names)
        for reply in replies:
            self.assertEqual(reply.rcode(), dns.rcode.NOERROR)
            self.assertEqual(addresses(reply), ["192.0.2.7"])
        stats = ctl_stats(vigild)
        self.assertEqual(stats["client_queries"], QUERIES)
        self.assertEqual(stats["answers"], QUERIES)
        self.assertGreater(stats["queries_worker_0"], 0)
        self.assertGreater(stats["queries_worker_1"], 0)
        self.assertEqual(stats["queries_worker_0"] + stats["queries_worker_1"], QUERIES)
        self.assertNotIn("queries_worker_2", stats)
        # SIGUSR1's line sums the workers too.
        logged = vigild.stats()
        self.assertEqual(logged["client_queries"], QUERIES)
        self.assertEqual(logged["queries_worker_0"] + logged["queries_worker_1"], QUERIES)
        _, prometheus, _ = vigild.ctl("stats", "--prometheus")
        self.assertIn('vigil_queries_by_worker_total{worker="1"} ', prometheus)
        self.assertEqual(vigild.stop(), 0)
        self.assertRegex(vigild.log(), r"stopped; stats: client_queries=%d " % QUERIES)

    def test_tcp_queries_are_answered(self):
        vigild = self.start()
        replies = ask_from_fresh_ports(vigild, [f"t{i}.example.test." for i in range(30)],
                                       tcp=True)
        self.assertEqual([addresses(reply) for reply in replies], [["192.0.2.7"]] * 30)
        stats = ctl_stats(vigild)
        self.assertEqual(stats["client_queries_tcp"], 30)
        self.assertEqual(stats["tcp_connections"], 30)

    def test_cache_flush_reaches_every_worker(self):
        vigild = self.start()
        # One name from many ports: each worker caches it (fetched once per worker at most).
        ask_from_fresh_ports(vigild, ["same.example.test."] * 40)
        asked = self.asked("same.example.test.")
        self.assertIn(len(asked), (1, 2))
        stats = ctl_stats(vigild)
        self.assertEqual(stats["cache_entries"], 2, "one entry in each worker's cache")
        self.assertEqual(stats["cache_hits"], 40 - len(asked))
        _, looked_up, _ = vigild.ctl("cache", "lookup", "same.example.test", "A")
        self.assertEqual(len(re.findall(r"^; answer same\.example\.test\. A ", looked_up, re.M)), 2)
        _, status, _ = vigild.ctl("status")
        self.assertIn("cache-entries 2\n", status)

        status_code, out, err = vigild.ctl("cache", "flush")
        self.assertEqual(status_code, 0, err)
        self.assertIn("flushed 2 answer(s)", out)
        self.assertEqual(ctl_stats(vigild)["cache_entries"], 0)
        self.assertEqual(vigild.ctl("cache", "dump")[1], "; no cached answers\n")
        ask_from_fresh_ports(vigild, ["same.example.test."] * 20)
        asked_after = self.asked("same.example.test.")
        self.assertGreater(len(asked_after), len(asked), "after the flush it went upstream")

    def test_a_reload_reaches_every_worker_and_a_bad_config_keeps_all_serving(self):
        other = started(self, ScriptedUpstream("127.0.0.1", answering_with("192.0.2.8")))
        vigild = started(self, Vigild(config_text=f"upstream {self.upstream.endpoint}\n"
                                                  "threads 2\n"))
        self.assertEqual(addresses(ask_from_fresh_ports(vigild, ["a.example.test."])[0]),
                         ["192.0.2.7"])

        vigild.write_config(f"upstream {self.upstream.endpoint}\nthreads 2\nuse-0x20 perhaps\n")
        status, _, err = vigild.ctl("reload")
        self.assertEqual(status, 1)
        self.assertIn(f"{vigild.config_path}:3: use-0x20: ", err)
        replies = ask_from_fresh_ports(vigild, [f"b{i}.example.test." for i in range(40)])
        self.assertEqual([addresses(reply) for reply in replies], [["192.0.2.7"]] * 40)

        # A good one: every worker now asks the other upstream; threads itself waits for a
        # restart.
        vigild.write_config(f"upstream {other.endpoint}\nthreads 3\n")
        status, out, err = vigild.ctl("reload")
        self.assertEqual(status, 0, out + err)
        self.assertIn("threads changed; it takes effect at the next restart", out)
        replies = ask_from_fresh_ports(vigild, [f"c{i}.example.test." for i in range(40)])
        self.assertEqual([addresses(reply) for reply in replies], [["192.0.2.8"]] * 40)
        stats = ctl_stats(vigild)
        self.assertNotIn("queries_worker_2", stats)
        self.assertGreater(stats["queries_worker_0"], 0)
        self.assertGreater(stats["queries_worker_1"], 0)

    def test_log_level_and_negative_anchors_reach_the_workers(self):
        vigild = self.start()
        self.assertEqual(vigild.ctl("log-level", "debug")[0], 0)
        self.assertEqual(vigild.ctl("log-level")[1], "log-level debug\n")
        status, out, err = vigild.ctl("insecure", "add", "example.test", "60")
        self.assertEqual(status, 0, err)
        self.assertEqual(vigild.ctl("insecure", "remove", "example.test")[0], 0)
        replies = ask_from_fresh_ports(vigild, [f"d{i}.example.test." for i in range(20)])
        self.assertEqual([addresses(reply) for reply in replies], [["192.0.2.7"]] * 20)
        status, out, err = vigild.ctl("explain", "e.example.test", "A")
        self.assertEqual(status, 0, err)
        self.assertIn("192.0.2.7", out)

    def test_sigterm_stops_every_worker_and_exits_0(self):
        vigild = self.start()
        ask_from_fresh_ports(vigild, [f"s{i}.example.test." for i in range(20)])
        vigild.signal(signal.SIGTERM)
        self.assertEqual(vigild.process.wait(timeout=10), 0)
        self.assertEqual(vigild.stop(), 0)  # and no sanitizer report in the log


class ThreadsTlsTest(unittest.TestCase):
    def test_dns_over_tls_is_served_by_every_worker_and_survives_a_reload(self):
        directory = tempfile.mkdtemp(prefix="vigil-threads-dot-")
        self.addCleanup(shutil.rmtree, directory, ignore_errors=True)
        certificate = os.path.join(directory, "server.pem")
        key = os.path.join(directory, "server.key")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key,
                        "-out", certificate, "-subj", "/CN=dot.vigil.test",
                        "-addext", "subjectAltName=DNS:dot.vigil.test", "-days", "2"],
                       check=True, capture_output=True)
        upstream = started(self, ScriptedUpstream("127.0.0.1", answering_with("192.0.2.9")))
        tls_port = free_port("127.0.0.1")
        vigild = started(self, Vigild("--upstream", upstream.endpoint, "--threads", "2",
                                      "--listen", f"tls://127.0.0.1:{tls_port}",
                                      "--tls-certificate", certificate, "--tls-key", key))
        context = ssl.create_default_context(cafile=certificate)

        def ask_over_tls(count, prefix):
            for i in range(count):
                with socket.create_connection(("127.0.0.1", tls_port), timeout=5) as raw:
                    with context.wrap_socket(raw, server_hostname="dot.vigil.test") as tls:
                        wire = dns.message.make_query(f"{prefix}{i}.example.test.", "A").to_wire()
                        tls.sendall(struct.pack("!H", len(wire)) + wire)
                        reply = dns.message.from_wire(read_tcp_message(tls))
                        self.assertEqual(addresses(reply), ["192.0.2.9"])

        ask_over_tls(20, "tls")
        self.assertEqual(vigild.ctl("reload")[0], 0)  # every worker's listener rereads the key
        ask_over_tls(20, "again")
        stats = ctl_stats(vigild)
        self.assertEqual(stats["tcp_connections"], 40)
        self.assertGreater(stats["queries_worker_0"], 0)
        self.assertGreater(stats["queries_worker_1"], 0)


class ThreadsSettingTest(unittest.TestCase):
    def run_vigild(self, *args):
        return subprocess.run([VIGILD, *args], capture_output=True, text=True, timeout=10,
                              stdin=subprocess.DEVNULL)

    def test_threads_0_and_65_are_refused_on_the_command_line(self):
        for value in ("0", "65", "-1"):
            result = self.run_vigild("--threads", value, "--check-config")
            self.assertEqual(result.returncode, 1, value)
            self.assertIn(f'command line: --threads: "{value}" is not a whole number from 1 to 64',
                          result.stderr)

    def test_a_bad_threads_line_is_blamed_by_file_and_line(self):
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "vigil.conf")
            with open(path, "w") as out:
                out.write("upstream 127.0.0.1:5301\nthreads abc\n")
            result = self.run_vigild("--config", path, "--check-config")
            self.assertEqual(result.returncode, 1)
            self.assertIn(f'{path}:2: threads: "abc" is not a whole number from 1 to 64',
                          result.stderr)
            with open(path, "w") as out:
                out.write("upstream 127.0.0.1:5301\nthreads 4\n")
            self.assertEqual(self.run_vigild("--config", path, "--check-config").returncode, 0)


if __name__ == "__main__":
    unittest.main()
