"""vigild as a service: the systemd notify protocol (READY=1 only once an upstream answered,
RELOADING=1 and READY=1 around a reload, STATUS= on degradation, STOPPING=1) and dropping root
after the sockets are bound."""
import os
import pwd
import signal
import socket
import subprocess
import tempfile
import time
import unittest

from harness import VIGILD, Vigild
from scripted_upstream import ScriptedUpstream, Send, reply_wire


class NotifySocket:
    """A stand-in for systemd's notification socket."""

    def __init__(self):
        self.path = os.path.join(tempfile.mkdtemp(prefix="vigil-notify-"), "notify.sock")
        self.socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.socket.bind(self.path)
        self.messages = []

    def wait_for(self, needle, timeout=5):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in self.messages:
                if needle in message:
                    return message
            self.socket.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                self.messages.append(self.socket.recv(4096).decode())
            except socket.timeout:
                break
        raise AssertionError(f"no {needle!r} among {self.messages}")

    def drain(self, seconds):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.socket.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                self.messages.append(self.socket.recv(4096).decode())
            except socket.timeout:
                break

    def close(self):
        self.socket.close()
        os.unlink(self.path)


class NotifyTest(unittest.TestCase):
    def setUp(self):
        self.answering = True

        def script(request):
            if not self.answering:
                return []
            return [Send(reply_wire(request, [f"{request.qname_text} 300 IN A 192.0.2.1"]))]

        self.upstream = ScriptedUpstream("127.0.0.1", script)
        self.upstream.__enter__()
        self.addCleanup(self.upstream.stop)
        self.notify = NotifySocket()
        self.addCleanup(self.notify.close)

    def start(self, *args):
        vigild = Vigild("--upstream", self.upstream.endpoint, "--upstream-timeout", "300ms",
                        "--query-timeout", "1s", *args, env={"NOTIFY_SOCKET": self.notify.path})
        self.addCleanup(vigild.stop)
        return vigild

    def test_ready_once_an_upstream_answered_then_reloading_and_stopping(self):
        vigild = self.start()
        ready = self.notify.wait_for("READY=1")
        self.assertIn("STATUS=serving on", ready)
        self.assertTrue(any(r.qname_text == "." for r in self.upstream.requests), "the probe")
        vigild.signal(signal.SIGHUP)
        self.notify.wait_for("RELOADING=1")
        self.notify.messages.clear()
        self.notify.wait_for("READY=1")
        vigild.stop()
        self.notify.wait_for("STOPPING=1")

    def test_not_ready_while_no_upstream_answers(self):
        self.answering = False
        self.start()
        self.notify.wait_for("STATUS=waiting for an upstream to answer")
        self.notify.drain(1.5)
        self.assertFalse(any("READY=1" in m for m in self.notify.messages), self.notify.messages)
        self.answering = True  # the probe is repeated every 2 s
        self.notify.wait_for("READY=1", timeout=6)

    def test_ready_anyway_after_30_s_without_an_upstream(self):
        # A host that boots offline must still reach nss-lookup.target.
        self.answering = False
        self.start()
        started = time.monotonic()
        ready = self.notify.wait_for("READY=1", timeout=40)
        self.assertGreaterEqual(time.monotonic() - started, 29)
        self.assertIn("STATUS=degraded: no upstream has answered yet", ready)

    def test_status_reports_an_upstream_that_stopped_answering(self):
        vigild = self.start()
        self.notify.wait_for("READY=1")
        self.answering = False
        for i in range(4):  # enough failures to back the upstream off
            vigild.query(f"q{i}.example.test.", timeout=3)
        message = self.notify.wait_for("STATUS=degraded", timeout=7)
        self.assertIn(self.upstream.endpoint, message)


class LastGoodTimeTest(unittest.TestCase):
    """The last known good time in the state directory (daemon/last_good_time.h)."""

    def start(self, state):
        vigild = Vigild("--upstream", "127.0.0.1:9", "--dnssec", "validate",
                        "--trust-anchor-state", state)
        self.addCleanup(vigild.stop)
        return vigild

    def test_recorded_at_start_and_stop(self):
        state = tempfile.mkdtemp(prefix="vigil-state-")
        path = os.path.join(state, "last-good-time")
        vigild = self.start(state)
        with open(path) as recorded:
            self.assertAlmostEqual(int(recorded.read()), time.time(), delta=5)
        vigild.stop()
        with open(path) as recorded:
            self.assertAlmostEqual(int(recorded.read()), time.time(), delta=5)
        self.assertFalse(os.path.exists(path + ".tmp"))

    def test_a_clock_behind_it_is_reported_and_it_is_not_moved_back(self):
        state = tempfile.mkdtemp(prefix="vigil-state-")
        path = os.path.join(state, "last-good-time")
        future = int(time.time()) + 86400
        with open(path, "w") as recorded:
            recorded.write(f"{future}\n")
        vigild = self.start(state)
        vigild.wait_for_log(r"the system clock is \d+ s behind the last time vigild ran")
        event = vigild.security_events("clock_behind")[0]
        self.assertAlmostEqual(int(event["seconds"]), 86400, delta=5)
        vigild.stop()
        with open(path) as recorded:
            self.assertEqual(int(recorded.read()), future)


class PrivilegeDropTest(unittest.TestCase):
    @unittest.skipUnless(os.geteuid() == 0, "dropping privileges needs root")
    def test_started_as_root_it_runs_as_the_configured_user(self):
        def script(request):
            return [Send(reply_wire(request, [f"{request.qname_text} 300 IN A 192.0.2.1"]))]

        with ScriptedUpstream("127.0.0.1", script) as upstream:
            with Vigild("--upstream", upstream.endpoint, "--user", "nobody") as vigild:
                vigild.wait_for_log(r"running as user nobody")
                with open(f"/proc/{vigild.process.pid}/status") as status:
                    uids = next(line for line in status if line.startswith("Uid:")).split()[1:]
                self.assertEqual(set(uids), {str(pwd.getpwnam("nobody").pw_uid)})
                self.assertEqual(vigild.query("www.example.test.").answer[0][0].to_text(),
                                 "192.0.2.1")

    def test_a_configured_user_that_does_not_exist_is_a_config_error(self):
        result = subprocess.run([VIGILD, "--user", "no-such-user-vigil", "--check-config"],
                                capture_output=True, text=True, timeout=10)
        self.assertEqual(result.returncode, 1)
        self.assertIn("--user", result.stderr)
        self.assertIn("no user", result.stderr)


if __name__ == "__main__":
    unittest.main()
