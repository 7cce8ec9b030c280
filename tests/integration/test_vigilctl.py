"""vigilctl and vigild's control socket: every command against a running vigild with a scripted
upstream that counts its queries, the reply format and exit codes (0 ok, 1 the daemon reported
an error, 2 usage, 3 vigild unreachable), and the socket file's life (mode, stale socket, removal
at stop, a path that cannot be bound)."""
import os
import re
import shutil
import socket
import stat
import subprocess
import tempfile
import time
import unittest

from harness import ROOT, VIGILCTL, Vigild, run_vigilctl
from scripted_upstream import ScriptedUpstream, zone_script

RECORDS = {
    ("www.example.test.", "A"): ["www.example.test. 300 IN A 192.0.2.1"],
    ("www.example.test.", "AAAA"): ["www.example.test. 300 IN AAAA 2001:db8::1"],
    ("mail.example.test.", "A"): ["mail.example.test. 300 IN A 192.0.2.2"],
    ("other.test.", "A"): ["other.test. 300 IN A 192.0.2.3"],
}

COMMANDS = ["status", "stats", "cache dump", "cache lookup", "cache flush", "pins", "anchors",
            "insecure add", "insecure remove", "insecure list", "explain", "reload", "log-level",
            "help"]


def lines_of(text):
    return text.splitlines()


def addresses(reply):
    return sorted(rdata.to_text() for rrset in reply.answer for rdata in rrset)


class VigilctlTestCase(unittest.TestCase):
    def setUp(self):
        self.upstream = ScriptedUpstream("127.0.0.1", zone_script(RECORDS))
        self.upstream.__enter__()
        self.addCleanup(self.upstream.stop)

    def start(self, *args, **kwargs):
        vigild = Vigild("--upstream", self.upstream.endpoint, *args, **kwargs)
        self.addCleanup(vigild.stop)
        return vigild

    def asked(self, qname):
        """How often the upstream was asked for `qname` (0x20 aside)."""
        return sum(1 for r in self.upstream.requests
                   if r.message is not None and r.qname_text.lower() == qname)

    def ok(self, vigild, *args):
        """Runs a command that must succeed; returns its standard output."""
        code, out, err = vigild.ctl(*args)
        self.assertEqual(code, 0, f"vigilctl {' '.join(args)}: {err}")
        self.assertEqual(err, "")
        return out


class StatusAndStatsTest(VigilctlTestCase):
    def test_status_names_version_listener_upstream_health_dnssec_and_cache(self):
        vigild = self.start()
        out = self.ok(vigild, "status")
        self.assertRegex(out, r"\Aversion \d+\.\d+\.\d+\nuptime \d+s\n")
        self.assertIn(f"listen 127.0.0.1:{vigild.port}\n", out)
        self.assertIn(f"control-socket {vigild.control_socket}\n", out)
        self.assertIn(f"upstream {self.upstream.endpoint} zone=. state=untried srtt_ms=- "
                      "failures=0\n", out)
        self.assertIn("dnssec off\n", out)
        self.assertIn("cache-entries 0\n", out)
        vigild.query("www.example.test.", "A")
        out = self.ok(vigild, "status")
        self.assertRegex(out, rf"upstream {re.escape(self.upstream.endpoint)} zone=\. state=up "
                              r"srtt_ms=\d+ failures=0\n")
        self.assertIn("cache-entries 1\n", out)

    def test_stats_counts_a_query_with_one_name_value_line_per_counter(self):
        vigild = self.start()
        before = dict(line.split(" ") for line in lines_of(self.ok(vigild, "stats")))
        self.assertEqual(before["client_queries"], "0")
        vigild.query("www.example.test.", "A")
        after = {name: int(value) for name, value in
                 (line.split(" ") for line in lines_of(self.ok(vigild, "stats")))}
        self.assertEqual(after["client_queries"], 1)
        self.assertEqual(after["answers"], 1)
        self.assertEqual(after["upstream_queries"], 1)
        # The same counters as the SIGUSR1 line, in the same order.
        self.assertEqual(list(after), list(vigild.stats()))

    def test_stats_prometheus_is_the_text_exposition_format(self):
        vigild = self.start()
        vigild.query("www.example.test.", "A")
        out = self.ok(vigild, "stats", "--prometheus")
        self.assertIn("# TYPE vigil_client_queries_total counter\nvigil_client_queries_total 1\n",
                      out)
        self.assertIn("# TYPE vigil_validation_step_max_us gauge\n", out)
        samples = [line for line in lines_of(out) if not line.startswith("#")]
        self.assertEqual(len(samples), len(vigild.stats()))
        for sample in samples:
            name, value = sample.split(" ")
            self.assertRegex(name, r"^vigil_[a-z0-9_]+$")
            self.assertRegex(value, r"^\d+$")
            self.assertIn(f"# HELP {name} ", out)
            self.assertIn(f"# TYPE {name} ", out)


class CacheTest(VigilctlTestCase):
    def test_lookup_shows_a_cached_answer_and_flush_sends_the_next_query_upstream(self):
        vigild = self.start()
        self.assertEqual(addresses(vigild.query("www.example.test.", "A")), ["192.0.2.1"])
        self.assertEqual(self.asked("www.example.test."), 1)
        out = self.ok(vigild, "cache", "lookup", "WWW.example.test", "A")
        # The RRset (with its rank and lock), then the answer built on it.
        self.assertRegex(out, r"\A; rrset www\.example\.test\. A security=unchecked trust=answer "
                              rf"upstream={re.escape(self.upstream.endpoint)} ttl=\d+ locked\n")
        self.assertRegex(out, r"\n; answer www\.example\.test\. A NOERROR security=unchecked "
                              rf"upstream={re.escape(self.upstream.endpoint)} ttl=\d+\n")
        self.assertRegex(out, r"\nwww\.example\.test\.\s+\d+\s+IN\s+A\s+192\.0\.2\.1\n")
        vigild.query("www.example.test.", "A")
        self.assertEqual(self.asked("www.example.test."), 1, "the second query is a cache hit")
        self.assertEqual(self.ok(vigild, "cache", "lookup", "www.example.test", "AAAA"),
                         "; no cached answer for www.example.test. AAAA\n")
        self.assertIn("192.0.2.1", self.ok(vigild, "cache", "lookup", "www.example.test", "TYPE1"))

        out = self.ok(vigild, "cache", "flush", "www.example.test")
        self.assertIn("flushed 1 answer(s) for www.example.test.\n", out)
        self.assertEqual(self.ok(vigild, "cache", "lookup", "www.example.test"),
                         "; no cached answer for www.example.test.\n")
        vigild.query("www.example.test.", "A")
        self.assertEqual(self.asked("www.example.test."), 2, "after the flush it went upstream")

    def test_dump_lists_every_answer_and_flush_takes_a_subtree_or_everything(self):
        vigild = self.start()
        self.assertEqual(self.ok(vigild, "cache", "dump"), "; no cached answers\n")
        for name in ("www.example.test.", "mail.example.test.", "other.test."):
            vigild.query(name, "A")
        dump = self.ok(vigild, "cache", "dump")
        for name in ("www.example.test.", "mail.example.test.", "other.test."):
            self.assertIn(f"; answer {name} A NOERROR ", dump)
            self.assertIn(f"; rrset {name} A security=unchecked ", dump)
        self.assertIn("flushed 2 answer(s) for example.test. and below\n",
                      self.ok(vigild, "cache", "flush", "example.test", "--subtree"))
        dump = self.ok(vigild, "cache", "dump")
        self.assertNotIn("example.test. A", dump)
        self.assertIn("; answer other.test. A NOERROR ", dump)
        self.assertEqual(self.ok(vigild, "cache", "flush"),
                         "flushed 1 answer(s) and 0 remembered validation failure(s)\n")
        self.assertEqual(self.ok(vigild, "cache", "dump"), "; no cached answers\n")
        vigild.query("other.test.", "A")
        self.assertEqual(self.asked("other.test."), 2)


class PinsReloadAndLogLevelTest(VigilctlTestCase):
    def test_pins_lists_pins_guards_and_pin_watch(self):
        vigild = self.start("--pin", "api.pay.test A 192.0.2.10", "--guard",
                            "*.bank.test 192.0.2.0/24", "--pin-watch", "200ms")
        out = self.ok(vigild, "pins")
        self.assertIn("pin api.pay.test A 192.0.2.10\n", out)
        self.assertIn("guard *.bank.test 192.0.2.0/24\n", out)
        self.assertIn("pin-watch 200ms\n", out)
        deadline = time.monotonic() + 5
        while "pin-watch-rounds 0\n" in out and time.monotonic() < deadline:
            time.sleep(0.1)
            out = self.ok(vigild, "pins")
        self.assertRegex(out, r"pin-watch-rounds [1-9]\d*\npin-watch-last-round \d+s ago\n")
        # The scripted upstream knows no api.pay.test: NXDOMAIN disagrees with the pin.
        vigild.wait_for_log(r"event=pin_mismatch")
        self.assertRegex(self.ok(vigild, "pins"), r"pin-mismatches [1-9]")

    def test_reload_with_a_new_pin_takes_effect(self):
        vigild = self.start(config_text="pin db.example.test A 10.0.0.5\n")
        self.assertEqual(addresses(vigild.query("db.example.test.", "A")), ["10.0.0.5"])
        vigild.write_config("pin db.example.test A 10.0.0.6\n")
        out = self.ok(vigild, "reload")
        self.assertEqual(out, f"reloaded {vigild.config_path}: upstreams "
                              f"{self.upstream.endpoint}; 0 forward zone(s)\n")
        self.assertEqual(addresses(vigild.query("db.example.test.", "A")), ["10.0.0.6"])
        self.assertIn("pin db.example.test A 10.0.0.6\n", self.ok(vigild, "pins"))

    def test_reload_with_a_broken_config_reports_the_error_and_keeps_serving(self):
        vigild = self.start(config_text="pin db.example.test A 10.0.0.5\n")
        vigild.write_config("pin db.example.test A 10.0.0.5\nupsteam 192.0.2.1\n")
        code, out, err = vigild.ctl("reload")
        self.assertEqual(code, 1, err)
        self.assertEqual(out, "")
        self.assertEqual(err, "vigilctl: reload failed, keeping the running configuration: "
                              f"{vigild.config_path}:2: unknown key \"upsteam\"\n")
        self.assertEqual(addresses(vigild.query("db.example.test.", "A")), ["10.0.0.5"])
        self.assertEqual(addresses(vigild.query("www.example.test.", "A")), ["192.0.2.1"])

    def test_log_level_shows_and_changes_the_level(self):
        vigild = self.start()
        self.assertEqual(self.ok(vigild, "log-level"), "log-level info\n")
        self.assertNotIn("debug:", vigild.log())
        self.assertEqual(self.ok(vigild, "log-level", "debug"), "log-level debug\n")
        self.assertEqual(self.ok(vigild, "log-level"), "log-level debug\n")
        vigild.wait_for_log(r"\[vigild\] debug: control: log-level")
        self.assertEqual(self.ok(vigild, "log-level", "warn"), "log-level warn\n")
        code, _, err = vigild.ctl("log-level", "loud")
        self.assertEqual(code, 2)
        self.assertIn('vigilctl: "loud" is not a log level', err)
        self.assertEqual(self.ok(vigild, "log-level"), "log-level warn\n")


class ErrorsTest(VigilctlTestCase):
    def test_daemon_down_is_exit_3_with_a_hint(self):
        vigild = self.start()
        self.assertEqual(vigild.stop(), 0)
        self.assertFalse(os.path.exists(vigild.control_socket), "the socket is removed at stop")
        code, out, err = vigild.ctl("status")
        self.assertEqual(code, 3)
        self.assertEqual(out, "")
        self.assertEqual(err, f"vigilctl: vigild is not running? cannot connect to "
                              f"{vigild.control_socket}: No such file or directory\n")

    def test_a_socket_nobody_listens_on_is_exit_3(self):
        directory = tempfile.mkdtemp(prefix="vigil-it-ctl-")
        self.addCleanup(shutil.rmtree, directory, ignore_errors=True)
        path = os.path.join(directory, "control.sock")
        with socket.socket(socket.AF_UNIX) as stale:
            stale.bind(path)
        code, _, err = run_vigilctl("--socket", path, "status")
        self.assertEqual(code, 3)
        self.assertIn(f"vigild is not running? cannot connect to {path}: Connection refused", err)

    def test_permission_denied_says_who_may_connect(self):
        vigild = self.start()
        if os.geteuid() == 0:
            # Root may connect anywhere: ask as nobody, with a copy of vigilctl nobody may run,
            # so that only the socket's own mode (0660, root's group) stands in the way.
            os.chmod(vigild.directory, 0o755)
            copy_directory = tempfile.mkdtemp(prefix="vigil-it-ctl-")
            self.addCleanup(shutil.rmtree, copy_directory, ignore_errors=True)
            os.chmod(copy_directory, 0o755)
            vigilctl = shutil.copy(VIGILCTL, copy_directory)
            result = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup",
                                     "--clear-groups", vigilctl, "--socket",
                                     vigild.control_socket, "status"],
                                    capture_output=True, text=True, timeout=30)
            code, err = result.returncode, result.stderr
        else:
            # Anyone else: a directory one may not search denies the socket in it.
            os.chmod(vigild.directory, 0o000)
            self.addCleanup(os.chmod, vigild.directory, 0o700)
            code, _, err = vigild.ctl("status")
        self.assertEqual(code, 3, err)
        self.assertEqual(err, f"vigilctl: cannot access {vigild.control_socket}: permission "
                              "denied; run as root or as a member of group vigil\n")

    def test_bad_arguments_are_exit_2_with_usage(self):
        vigild = self.start()
        for args, message in [
                (("cache", "lookup"), "cache lookup needs NAME [TYPE]"),
                (("cache", "lookup", "a.test", "NOTATYPE"), '"NOTATYPE" is not a record type'),
                (("cache", "flush", "--subtree"), "cache flush takes [NAME [--subtree]]"),
                (("stats", "--json"), "stats takes no argument but --prometheus"),
                (("cache",), "cache needs dump, lookup or flush")]:
            code, out, err = vigild.ctl(*args)
            self.assertEqual(code, 2, args)
            self.assertEqual(out, "")
            self.assertTrue(err.startswith(f"vigilctl: {message}"), err)
            self.assertIn("\ncommands:\n", err)

    def test_an_unknown_command_is_exit_2_with_the_command_list(self):
        vigild = self.start()
        code, out, err = vigild.ctl("frobnicate")
        self.assertEqual(code, 2)
        self.assertEqual(out, "")
        self.assertTrue(err.startswith('vigilctl: unknown command "frobnicate"\ncommands:\n'), err)
        for command in COMMANDS:
            self.assertIn(f"\n  {command}", err)

    def test_vigilctls_own_usage_errors_are_exit_2_without_asking_vigild(self):
        for args, message in [((), "no command given"),
                              (("--bogus", "status"), "unknown option --bogus"),
                              (("--socket",), "--socket needs a PATH"),
                              (("cache", "lookup", "a b.test"), "an argument is empty or holds")]:
            code, out, err = run_vigilctl("--socket", "/nonexistent/control.sock", *args)
            self.assertEqual(code, 2, (args, err))
            self.assertEqual(out, "")
            self.assertIn(f"vigilctl: {message}", err)


class CommandLineTest(VigilctlTestCase):
    def test_help_lists_every_command_vigild_knows(self):
        vigild = self.start()
        code, help_text, err = run_vigilctl("--help")
        self.assertEqual((code, err), (0, ""))
        self.assertIn("Usage: vigilctl [-s|--socket PATH] COMMAND", help_text)
        self.assertIn("Exit status: 0", help_text)
        known = [line.split()[0] + (" " + line.split()[1] if line.split()[0] in ("cache", "insecure") else "")
                 for line in lines_of(self.ok(vigild, "help"))[1:]]
        self.assertEqual(sorted(known), sorted(COMMANDS))
        for command in known:
            self.assertIn(f"\n  {command}", help_text)

    def test_version(self):
        code, out, _ = run_vigilctl("--version")
        self.assertEqual(code, 0)
        with open(os.path.join(ROOT, "meson.build")) as meson:
            version = re.search(r"version\s*:\s*'([^']+)'", meson.read()).group(1)
        self.assertEqual(out, f"vigilctl {version}\n")

    def test_the_socket_comes_from_the_environment_without_socket(self):
        vigild = self.start()
        env = dict(os.environ, VIGIL_CONTROL_SOCKET=vigild.control_socket)
        code, out, err = run_vigilctl("log-level", env=env)
        self.assertEqual((code, out, err), (0, "log-level info\n", ""))
        env["VIGIL_CONTROL_SOCKET"] = "/nonexistent/control.sock"
        code, _, err = run_vigilctl("--socket", vigild.control_socket, "log-level", env=env)
        self.assertEqual(code, 0, "--socket wins over the environment")


class SocketFileTest(VigilctlTestCase):
    def test_the_socket_is_mode_0660_and_its_directory_is_created(self):
        directory = tempfile.mkdtemp(prefix="vigil-it-ctl-")
        self.addCleanup(shutil.rmtree, directory, ignore_errors=True)
        path = os.path.join(directory, "run", "vigil", "control.sock")
        vigild = self.start("--control-socket", path)
        mode = os.lstat(path).st_mode
        self.assertTrue(stat.S_ISSOCK(mode))
        self.assertEqual(stat.S_IMODE(mode), 0o660)
        self.assertEqual(stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode), 0o755)
        self.assertEqual(run_vigilctl("--socket", path, "log-level")[0], 0)
        vigild.stop()
        self.assertFalse(os.path.exists(path))

    def test_a_stale_socket_is_replaced_and_a_live_one_is_not(self):
        directory = tempfile.mkdtemp(prefix="vigil-it-ctl-")
        self.addCleanup(shutil.rmtree, directory, ignore_errors=True)
        path = os.path.join(directory, "control.sock")
        with socket.socket(socket.AF_UNIX) as stale:
            stale.bind(path)  # what a vigild killed with SIGKILL leaves behind
        self.start("--control-socket", path)
        self.assertEqual(run_vigilctl("--socket", path, "log-level")[0], 0)
        second = self.start("--control-socket", path)
        second.wait_for_log(rf"control socket {re.escape(path)}: in use by a running process")
        self.assertEqual(addresses(second.query("www.example.test.", "A")), ["192.0.2.1"])
        second.stop()
        self.assertEqual(run_vigilctl("--socket", path, "log-level")[0], 0,
                         "the first vigild keeps its socket")

    def test_a_path_that_cannot_be_bound_is_logged_and_dns_is_served_without_it(self):
        directory = tempfile.mkdtemp(prefix="vigil-it-ctl-")
        self.addCleanup(shutil.rmtree, directory, ignore_errors=True)
        path = os.path.join(directory, "control.sock")
        with open(path, "w") as regular:
            regular.write("not a socket\n")
        vigild = self.start("--control-socket", path)
        self.assertIn(f"[vigild] error: control socket {path}: the file exists and is not a "
                      "socket; not replacing it; running without it", vigild.log())
        self.assertEqual(addresses(vigild.query("www.example.test.", "A")), ["192.0.2.1"])
        with open(path) as regular:
            self.assertEqual(regular.read(), "not a socket\n")

    def test_control_socket_none_opens_no_socket(self):
        vigild = self.start("--control-socket", "none")
        self.assertFalse(os.path.exists(vigild.control_socket))
        self.assertNotIn("control socket", vigild.log())
        self.assertEqual(vigild.ctl("status")[0], 3)

    def test_a_request_is_one_bounded_line_and_an_idle_client_is_closed(self):
        vigild = self.start()
        with socket.socket(socket.AF_UNIX) as client:
            client.settimeout(10)
            client.connect(vigild.control_socket)
            client.sendall(b"x" * 5000)
            self.assertEqual(client.recv(200), b"error: request longer than 4096 bytes\n")
        with socket.socket(socket.AF_UNIX) as client:  # EOF ends a request as a newline does
            client.settimeout(10)
            client.connect(vigild.control_socket)
            client.sendall(b"log-level")
            client.shutdown(socket.SHUT_WR)
            self.assertEqual(client.recv(200), b"ok\nlog-level info\n")
        with socket.socket(socket.AF_UNIX) as client:
            client.settimeout(10)
            client.connect(vigild.control_socket)
            started = time.monotonic()
            self.assertEqual(client.recv(200), b"")  # closed, without a word
            self.assertLess(time.monotonic() - started, 8)


if __name__ == "__main__":
    unittest.main()
