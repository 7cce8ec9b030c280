"""The command line and the config file, and the signals a running vigild obeys.

CLI-only checks run build/daemon/vigild directly; running daemons go through the harness.
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest

import dns.exception
import dns.message
import dns.rcode

from harness import ROOT, VIGILD, Vigild, rcode_of, started
from scripted_upstream import ScriptedUpstream, Send, free_port, reply_wire

CONFIG_KEYS_SOURCE = os.path.join(ROOT, "daemon", "config", "config_keys.cc")
MESON_BUILD = os.path.join(ROOT, "meson.build")

# The command-line contract: flags that must be there whatever the key table says.
CONTRACT_FLAGS = ["--config", "--listen", "--upstream", "--forward", "--trust-anchor", "--dnssec",
                  "--pin", "--log-level", "--check-config", "--version"]


def config_keys():
    """Every key of the key table in config_keys.cc."""
    with open(CONFIG_KEYS_SOURCE) as source:
        return re.findall(r'ConfigKey\{\s*"([a-z0-9-]+)"', source.read())


def run_vigild(*args, timeout=10):
    """Runs vigild to completion; returns the CompletedProcess (text stdout and stderr)."""
    return subprocess.run([VIGILD, *args], capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def answering_with(address):
    """A script answering every query with one A record `address` for the name asked."""

    def script(request):
        name = request.message.question[0].name.to_text()
        return [Send(reply_wire(request, [f"{name} 60 IN A {address}"]))]

    return script


def silent(request):
    """A script that never answers."""
    return []


def answer_of(reply):
    """The A addresses of a reply, for assertions."""
    return [rdata.to_text() for rrset in reply.answer for rdata in rrset]


def asked_names(upstream):
    """The names an upstream was asked, lower-cased (0x20 randomizes the case)."""
    return sorted({r.message.question[0].name.to_text().lower() for r in upstream.requests
                   if r.message is not None})


class TempConfigMixin:
    def temp_directory(self):
        directory = tempfile.mkdtemp(prefix="vigil-it-cfg-")
        self.addCleanup(shutil.rmtree, directory, ignore_errors=True)
        return directory

    def write_temp_config(self, text, name="vigil.conf"):
        path = os.path.join(self.temp_directory(), name)
        with open(path, "w") as out:
            out.write(text)
        return path

    def start_upstream(self, script):
        return started(self, ScriptedUpstream("127.0.0.1", script))

    def start_vigild(self, *args, **kwargs):
        return started(self, Vigild(*args, **kwargs))


class CommandLineTest(unittest.TestCase, TempConfigMixin):
    """--version, --help and --check-config: vigild prints and exits, serving nothing."""

    def test_version_prints_name_and_version_and_exits_0(self):
        result = run_vigild("--version")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertRegex(result.stdout, r"\Avigild \d+\.\d+\.\d+\n\Z")
        with open(MESON_BUILD) as meson:
            version = re.search(r"version\s*:\s*'([^']+)'", meson.read()).group(1)
        self.assertEqual(result.stdout, f"vigild {version}\n")
        self.assertEqual(result.stderr, "")

    def test_help_exits_0_and_lists_every_contract_flag_and_config_key(self):
        keys = config_keys()
        self.assertGreaterEqual(len(keys), 17, f"the key table was not parsed: {keys}")
        for switch in ("--help", "-h"):
            result = run_vigild(switch)
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertEqual(result.stderr, "")
            text = result.stdout
            self.assertIn("Usage: vigild", text)
            for flag in CONTRACT_FLAGS + [f"--{key}" for key in keys]:
                # A whole flag: "--upstream" must not be found only inside "--upstream-timeout".
                self.assertRegex(text, rf"(?<![\w-]){re.escape(flag)}(?![\w-])",
                                 f"{switch} does not list {flag}")

    def test_check_config_accepts_a_good_file(self):
        path = self.write_temp_config(
            "# vigil test configuration\n"
            "\n"
            "listen 127.0.0.1:5399           # a comment after a value\n"
            "upstream 127.0.0.1:5301\n"
            "upstream 127.0.0.1:5302\n"
            "forward corp.test=127.0.0.1:5303,127.0.0.1:5304\n"
            "\t# an indented comment\n"
            "dnssec off\n"
            'pin "router.lan A 192.168.1.1"\n'
            "pin 'printer.lan TXT \"hello # not a comment\"'  # this one is\n"
            "access-control 10.0.0.0/8 allow\n"
            "upstream-timeout 1s\n"
            "query-timeout 3000ms\n"
            "use-0x20 no\n"
            "cookies yes\n"
            "log-level warn\n")
        result = run_vigild("--config", path, "--check-config")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout, f"configuration OK: {path}\n")
        self.assertEqual(result.stderr, "")

    def test_check_config_blames_file_and_line_of_a_bad_value(self):
        path = self.write_temp_config(
            "# line 1 is a comment\n"
            "upstream 127.0.0.1:5301\n"
            "use-0x20 maybe\n"
            "log-level info\n")
        result = run_vigild("--config", path, "--check-config")
        self.assertEqual(result.returncode, 1)
        self.assertNotIn("configuration OK", result.stdout)
        self.assertIn(f"{path}:3: use-0x20: ", result.stderr)
        self.assertIn('"maybe"', result.stderr)

    def test_check_config_blames_file_and_line_of_an_unknown_key(self):
        path = self.write_temp_config("upstream 127.0.0.1:5301\nfrobnicate yes\n")
        result = run_vigild("--config", path, "--check-config")
        self.assertEqual(result.returncode, 1)
        self.assertNotIn("configuration OK", result.stdout)
        self.assertIn(f'{path}:2: unknown key "frobnicate"', result.stderr)

    def test_check_config_blames_a_value_missing_in_the_file(self):
        path = self.write_temp_config("upstream 127.0.0.1:5301\n\n\nupstream\n")
        result = run_vigild("--config", path, "--check-config")
        self.assertEqual(result.returncode, 1)
        self.assertIn(f"{path}:4: upstream: ", result.stderr)

    def test_check_config_blames_a_bad_flag(self):
        path = self.write_temp_config("upstream 127.0.0.1:5301\n")
        result = run_vigild("--config", path, "--listen", "127.0.0.1", "--check-config")
        self.assertEqual(result.returncode, 1)
        self.assertNotIn("configuration OK", result.stdout)
        self.assertIn("command line: --listen", result.stderr)
        self.assertIn('"127.0.0.1"', result.stderr)

    def test_a_bad_flag_value_is_not_blamed_on_the_file(self):
        path = self.write_temp_config("upstream 127.0.0.1:5301\n")
        result = run_vigild("--config", path, "--use-0x20=perhaps", "--check-config")
        self.assertEqual(result.returncode, 1)
        self.assertIn("command line: --use-0x20: ", result.stderr)
        self.assertNotIn(path, result.stderr)

    def test_unknown_option_exits_1(self):
        for args in (["--no-such-option", "x"], ["--no-such-option"]):
            result = run_vigild(*args, "--check-config")
            self.assertEqual(result.returncode, 1, args)
            self.assertIn("command line: unknown option --no-such-option", result.stderr)
            self.assertNotIn("configuration OK", result.stdout)

    def test_missing_config_file_exits_1(self):
        path = os.path.join(self.temp_directory(), "absent.conf")
        result = run_vigild("--config", path, "--check-config")
        self.assertEqual(result.returncode, 1)
        self.assertNotIn("configuration OK", result.stdout)
        self.assertIn("command line: --config", result.stderr)
        self.assertIn(path, result.stderr)

    def test_a_device_or_fifo_as_trust_anchor_or_config_file_is_refused_at_once(self):
        # /dev/zero would be read until memory runs out; opening a FIFO blocks until a writer.
        fifo = os.path.join(self.temp_directory(), "fifo")
        os.mkfifo(fifo)
        for path in ("/dev/zero", fifo):
            for flag in ("--trust-anchor", "--config"):
                with self.subTest(flag=flag, path=path):
                    result = run_vigild(flag, path, "--check-config", timeout=5)
                    self.assertEqual(result.returncode, 1)
                    self.assertIn(f"command line: {flag}: ", result.stderr)
                    self.assertIn(f'"{path}"', result.stderr)
                    self.assertIn("not a regular file", result.stderr)

    def test_timeouts_checked_together_blame_a_line(self):
        path = self.write_temp_config("query-timeout 1s\nupstream-timeout 2s\n")
        result = run_vigild("--config", path, "--check-config")
        self.assertEqual(result.returncode, 1)
        self.assertIn(f"{path}:2: upstream-timeout: ", result.stderr)


class ConfigInUseTest(unittest.TestCase, TempConfigMixin):
    """A running vigild takes its settings from the file, and the flags override it."""

    def test_flags_override_the_file(self):
        upstream_a = self.start_upstream(answering_with("192.0.2.1"))
        upstream_b = self.start_upstream(answering_with("192.0.2.2"))
        vigild = self.start_vigild("--upstream", upstream_b.endpoint,
                                   config_text=f"upstream {upstream_a.endpoint}\n")
        ready = vigild.wait_for_log(r"ready: listening on .*")[0]
        self.assertIn(upstream_b.endpoint, ready)
        self.assertNotIn(upstream_a.endpoint, ready)
        for name in ("one.example.test.", "two.example.test."):
            reply = vigild.query(name, "A")
            self.assertEqual(rcode_of(reply), "NOERROR")
            self.assertEqual(answer_of(reply), ["192.0.2.2"])
        self.assertEqual(asked_names(upstream_b), ["one.example.test.", "two.example.test."])
        self.assertEqual(upstream_a.requests, [], "the file's upstream was replaced, not added to")

        # A reload reads the file again and still lets the command line win.
        vigild.write_config(f"upstream {upstream_a.endpoint}\nuse-0x20 no\n")
        vigild.signal(signal.SIGHUP)
        reloaded = vigild.wait_for_log(r"reloaded .*")[0]
        self.assertIn(upstream_b.endpoint, reloaded)
        self.assertNotIn(upstream_a.endpoint, reloaded)
        reply = vigild.query("three.example.test.", "A")
        self.assertEqual(answer_of(reply), ["192.0.2.2"])
        self.assertEqual(upstream_a.requests, [])

    def test_the_config_file_is_used(self):
        upstream_a = self.start_upstream(answering_with("192.0.2.1"))
        upstream_b = self.start_upstream(answering_with("192.0.2.2"))
        upstream_quiet = self.start_upstream(silent)
        vigild = self.start_vigild(config_text=(
            "# the upstream for everything else\n"
            f"upstream {upstream_a.endpoint}\n"
            f"forward corp.test={upstream_b.endpoint}   # the corporate zone\n"
            f"forward quiet.test={upstream_quiet.endpoint}\n"
            "upstream-timeout 150ms\n"
            "query-timeout 400ms\n"
            "log-level debug\n"))
        ready = vigild.wait_for_log(r"ready: listening on .*")[0]
        self.assertIn(f"upstreams {upstream_a.endpoint};", ready)
        self.assertIn("2 forward zone(s)", ready)

        self.assertEqual(answer_of(vigild.query("www.corp.test.", "A")), ["192.0.2.2"])
        self.assertEqual(answer_of(vigild.query("corp.test.", "A")), ["192.0.2.2"])
        self.assertEqual(answer_of(vigild.query("deep.er.corp.test.", "A", tcp=True)),
                         ["192.0.2.2"])
        self.assertEqual(answer_of(vigild.query("www.example.test.", "A")), ["192.0.2.1"])
        self.assertEqual(answer_of(vigild.query("notcorp.test.", "A")), ["192.0.2.1"])
        self.assertEqual(asked_names(upstream_b),
                         ["corp.test.", "deep.er.corp.test.", "www.corp.test."])
        self.assertEqual(asked_names(upstream_a), ["notcorp.test.", "www.example.test."])

        # log-level debug from the file: an upstream timing out is logged at debug level.
        try:
            reply = vigild.query("www.quiet.test.", "A", timeout=3)
            self.assertEqual(rcode_of(reply), "SERVFAIL")
        except dns.exception.Timeout:
            pass
        vigild.wait_for_log(r"\[upstream\] debug: .*timed out", timeout=5)
        self.assertEqual(asked_names(upstream_quiet)[:1], ["www.quiet.test."])
        self.assertNotIn("www.quiet.test.", asked_names(upstream_a))


class ReloadTest(unittest.TestCase, TempConfigMixin):
    """SIGHUP reads the config file again; a bad file leaves the running configuration alone."""

    def test_sighup_reloads_and_a_broken_file_keeps_the_running_configuration(self):
        upstream_a = self.start_upstream(answering_with("192.0.2.1"))
        upstream_b = self.start_upstream(answering_with("192.0.2.2"))
        vigild = self.start_vigild(config_text=f"upstream {upstream_a.endpoint}\n")
        self.assertEqual(answer_of(vigild.query("before.example.test.", "A")), ["192.0.2.1"])
        self.assertEqual(asked_names(upstream_a), ["before.example.test."])

        vigild.write_config(f"# now B\nupstream {upstream_b.endpoint}\n")
        vigild.signal(signal.SIGHUP)
        reloaded = vigild.wait_for_log(r"reloaded .*")[0]
        self.assertIn(vigild.config_path, reloaded)
        self.assertIn(upstream_b.endpoint, reloaded)
        self.assertEqual(answer_of(vigild.query("after.example.test.", "A")), ["192.0.2.2"])
        self.assertEqual(asked_names(upstream_b), ["after.example.test."])
        self.assertEqual(asked_names(upstream_a), ["before.example.test."])

        # Broken at line 2: the whole file is rejected, its valid line 1 included.
        vigild.write_config(f"upstream {upstream_a.endpoint}\nuse-0x20 perhaps\n")
        vigild.signal(signal.SIGHUP)
        failed = vigild.wait_for_log(r"reload failed, keeping the running configuration: (.*)")[0]
        self.assertIn(f"{vigild.config_path}:2: use-0x20: ", failed)
        self.assertTrue(vigild.alive())
        self.assertEqual(answer_of(vigild.query("broken.example.test.", "A")), ["192.0.2.2"])
        self.assertEqual(answer_of(vigild.query("broken2.example.test.", "A", tcp=True)),
                         ["192.0.2.2"])
        self.assertEqual(asked_names(upstream_a), ["before.example.test."])
        self.assertEqual(len(re.findall(r"reloaded ", vigild.log())), 1)

        # An unknown key and a vanished file are rejected the same way.
        vigild.write_config(f"upstream {upstream_a.endpoint}\n\nbogus-key 1\n")
        vigild.signal(signal.SIGHUP)
        failed = vigild.wait_for_log(r"reload failed, keeping the running configuration: (.*)",
                                     count=2)[1]
        self.assertIn(f'{vigild.config_path}:3: unknown key "bogus-key"', failed)
        os.unlink(vigild.config_path)
        vigild.signal(signal.SIGHUP)
        failed = vigild.wait_for_log(r"reload failed, keeping the running configuration: (.*)",
                                     count=3)[2]
        self.assertIn(vigild.config_path, failed)
        self.assertEqual(answer_of(vigild.query("gone.example.test.", "A")), ["192.0.2.2"])
        self.assertEqual(asked_names(upstream_a), ["before.example.test."])

        # A good file again is taken.
        vigild.write_config(f"upstream {upstream_a.endpoint}\n")
        vigild.signal(signal.SIGHUP)
        vigild.wait_for_log(r"reloaded ", count=2)
        self.assertEqual(answer_of(vigild.query("again.example.test.", "A")), ["192.0.2.1"])
        self.assertTrue(vigild.alive())
        self.assertEqual(vigild.stop(), 0)


class StopSignalTest(unittest.TestCase, TempConfigMixin):
    """SIGTERM and SIGINT end vigild cleanly with exit status 0."""

    def stop_with(self, signal_number, vigild):
        vigild.signal(signal_number)
        try:
            status = vigild.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.fail(f"vigild did not exit on signal {signal_number}:\n{vigild.log()}")
        log = vigild.log()
        self.assertEqual(status, 0, log)
        self.assertIn("stopping", log)
        self.assertRegex(log, r"stopped; stats: client_queries=\d+")
        self.assertNotIn("critical", log)
        return log

    def test_sigterm_stops_with_status_0(self):
        upstream = self.start_upstream(answering_with("192.0.2.1"))
        vigild = self.start_vigild("--upstream", upstream.endpoint)
        self.assertEqual(answer_of(vigild.query("www.example.test.", "A")), ["192.0.2.1"])
        log = self.stop_with(signal.SIGTERM, vigild)
        self.assertRegex(log, r"stopped; stats: client_queries=1 ")

    def test_sigint_stops_with_status_0(self):
        upstream = self.start_upstream(answering_with("192.0.2.1"))
        vigild = self.start_vigild("--upstream", upstream.endpoint)
        self.assertEqual(answer_of(vigild.query("www.example.test.", "A")), ["192.0.2.1"])
        self.stop_with(signal.SIGINT, vigild)

    def test_sigterm_with_a_query_in_flight_and_a_tcp_client_connected(self):
        upstream = self.start_upstream(silent)
        vigild = self.start_vigild("--upstream", upstream.endpoint)
        connection = vigild.tcp_connection()
        self.addCleanup(connection.close)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as client:
            client.sendto(dns.message.make_query("hang.example.test.", "A").to_wire(),
                          (vigild.address, vigild.port))
            deadline = time.monotonic() + 5
            while not upstream.requests and time.monotonic() < deadline:
                time.sleep(0.01)
            self.assertTrue(upstream.requests, "the query did not reach the upstream")
            self.stop_with(signal.SIGTERM, vigild)


class StatsSignalTest(unittest.TestCase, TempConfigMixin):
    def test_sigusr1_logs_the_counters(self):
        upstream = self.start_upstream(answering_with("192.0.2.1"))
        vigild = self.start_vigild("--upstream", upstream.endpoint)
        stats = vigild.stats()
        self.assertEqual(stats["client_queries"], 0)
        for i in range(3):
            vigild.query(f"u{i}.example.test.", "A")
        for i in range(2):
            vigild.query(f"t{i}.example.test.", "A", tcp=True)
        stats = vigild.stats()
        self.assertEqual(stats["client_queries"], 5)
        self.assertEqual(stats["client_queries_udp"], 3)
        self.assertEqual(stats["client_queries_tcp"], 2)
        self.assertEqual(stats["answers"], 5)
        self.assertEqual(stats["upstream_queries"], 5)
        self.assertTrue(vigild.alive(), "SIGUSR1 must not end vigild")
        vigild.query("more.example.test.", "A")
        self.assertEqual(vigild.stats()["client_queries"], 6)
        self.assertEqual(len(re.findall(r"\[vigild\] info: stats: client_queries=", vigild.log())),
                         3)
        self.assertEqual(vigild.stop(), 0)


class StartupFailureTest(unittest.TestCase, TempConfigMixin):
    """A vigild that cannot start says why and exits non-zero, without serving."""

    def assert_fails_to_start(self, args, *expected):
        result = run_vigild(*args)
        self.assertNotEqual(result.returncode, 0, result.stderr)
        self.assertNotIn("ready: listening", result.stderr + result.stdout)
        for text in expected:
            self.assertIn(text, result.stderr)
        return result

    def test_udp_port_in_use(self):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as taken:
            taken.bind(("127.0.0.1", 0))
            port = taken.getsockname()[1]
            self.assert_fails_to_start(
                ["--listen", f"127.0.0.1:{port}", "--upstream", "127.0.0.1:9"],
                f"127.0.0.1:{port}", "in use")

    def test_tcp_port_in_use(self):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen(1)
            port = taken.getsockname()[1]
            self.assert_fails_to_start(
                ["--listen", f"127.0.0.1:{port}", "--upstream", "127.0.0.1:9"],
                f"127.0.0.1:{port}", "in use")

    def test_second_listen_address_in_use(self):
        free = free_port("127.0.0.1")
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as taken:
            taken.bind(("127.0.0.1", 0))
            port = taken.getsockname()[1]
            self.assert_fails_to_start(
                ["--listen", f"127.0.0.1:{free}", "--listen", f"127.0.0.1:{port}",
                 "--upstream", "127.0.0.1:9"],
                f"127.0.0.1:{port}")

    def test_bad_config_file(self):
        path = self.write_temp_config("upstream 127.0.0.1:5301\nupstream-timeout forever\n")
        port = free_port("127.0.0.1")
        result = self.assert_fails_to_start(
            ["--config", path, "--listen", f"127.0.0.1:{port}"],
            f"{path}:2: upstream-timeout: ", '"forever"')
        self.assertEqual(result.returncode, 1)
        self.assertTrue(result.stderr.startswith("vigild: "), result.stderr)

    def test_missing_config_file(self):
        path = os.path.join(self.temp_directory(), "absent.conf")
        port = free_port("127.0.0.1")
        result = self.assert_fails_to_start(["--config", path, "--listen", f"127.0.0.1:{port}"],
                                            path)
        self.assertEqual(result.returncode, 1)


if __name__ == "__main__":
    unittest.main()
