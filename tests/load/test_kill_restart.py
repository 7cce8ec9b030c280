"""kill -9 and restart, against the DNS world (tools/world) with validation on: vigild is killed
at seeded random moments (some during its first trust anchor refresh, when it writes the RFC 5011
state file; some while serving) and started again on the same port, control socket and state
directory. Each time it serves a validated answer again within a second, and the state file is
never torn: it parses, holds the root's KSK as Valid, and the next vigild starts from it without
complaint."""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "attacks"))
import attack_tools  # noqa: E402
from harness import VIGILD, run_vigilctl  # noqa: E402
from scripted_upstream import free_port  # noqa: E402
from world_fixture import free_port_pair, world_module  # noqa: E402

import dns.exception  # noqa: E402
import dns.flags  # noqa: E402
import dns.message  # noqa: E402
import dns.query  # noqa: E402
import dns.rcode  # noqa: E402
import dns.rrset  # noqa: E402

CYCLES = 12
SEED = 9
READY_WITHIN = 1.0  # seconds from exec to a validated answer


def parse_state(text):
    """The RFC 5011 state file: `$ZONE NAME`, `$LAST_REFRESH SECONDS`, then DNSKEY records
    (zone-file form) each followed by a `;state=...` comment. Returns (zone, [(key record, state)]); raises on anything torn."""
    zone = last_refresh = None
    keys = []
    for line in text.splitlines():
        if line.startswith("$ZONE "):
            zone = line.split()[1]
        if line.startswith("$LAST_REFRESH "):
            last_refresh = int(line.split()[1])
        match = re.match(r"^(\S+\s+(?:\d+\s+)?IN\s+DNSKEY\s+[^;]+);.*state=(\w+)", line)
        if match:
            dns.rrset.from_text_list(match.group(1).split()[0], 3600, "IN", "DNSKEY",
                                     [match.group(1).split("DNSKEY", 1)[1].strip()])
            keys.append((match.group(1).strip(), match.group(2)))
    if zone is None or last_refresh is None or not keys:
        raise ValueError(f"not a whole state file:\n{text}")
    return zone, keys


class KillRestartTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.directory = tempfile.mkdtemp(prefix="vigil-kill-")
        cls.world = world_module.World(os.path.join(cls.directory, "world"),
                                       base_port=free_port_pair())
        cls.world.start()

    @classmethod
    def tearDownClass(cls):
        cls.world.stop()
        shutil.rmtree(cls.directory, ignore_errors=True)

    def start(self, log):
        command = [VIGILD, "--listen", f"127.0.0.1:{self.port}", "--control-socket",
                   self.control, "--upstream", self.world.unbound_address, "--dnssec",
                   "validate", "--trust-anchor", str(self.world.trust_anchor_file),
                   "--trust-anchor-state", self.state_dir, "--user", "none",
                   "--pin", "api.pay.test A 192.0.2.10"]
        return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)

    def validated_answer(self):
        query = dns.message.make_query("www.example.test.", "A", want_dnssec=True)
        try:
            reply = dns.query.udp(query, "127.0.0.1", port=self.port, timeout=0.1,
                                  ignore_unexpected=True)
        except (dns.exception.Timeout, OSError):
            return False
        return reply.rcode() == dns.rcode.NOERROR and bool(reply.flags & dns.flags.AD)

    def wait_until_serving(self, process, limit=5.0):
        started = time.monotonic()
        while time.monotonic() - started < limit:
            if process.poll() is not None:
                self.fail(f"vigild exited with {process.returncode}")
            if self.validated_answer():
                return time.monotonic() - started
            time.sleep(0.01)
        return None

    def test_kill_9_at_random_moments_then_restart(self):
        self.port = free_port("127.0.0.1")
        self.control = os.path.join(self.directory, "control.sock")
        self.state_dir = os.path.join(self.directory, "anchor-state")
        state_file = os.path.join(self.state_dir, "root.anchor")
        rng = attack_tools.seeded(SEED)
        ready_times, kills, leftovers, states = [], [], 0, []
        started_from_file = 0
        for cycle in range(CYCLES + 1):
            final = cycle == CYCLES  # the last one is stopped cleanly, after a look at it
            log_path = os.path.join(self.directory, f"vigild-{cycle}.log")
            with open(log_path, "w") as log:
                spawned = time.monotonic()
                process = self.start(log)
                try:
                    if cycle % 2 == 1 and not final:
                        # Killed during start-up: the first anchor refresh (and its state
                        # write) happens within the first tens of milliseconds.
                        time.sleep(rng.uniform(0.0, 0.12))
                        kills.append(("start-up", time.monotonic() - spawned))
                    else:
                        ready = self.wait_until_serving(process)
                        self.assertIsNotNone(ready, f"cycle {cycle}: not serving after 5 s")
                        ready_times.append(ready)
                        if final:
                            anchors = run_vigilctl("--socket", self.control, "anchors")[1]
                        else:
                            time.sleep(rng.uniform(0.0, 0.3))
                            kills.append(("serving", time.monotonic() - spawned))
                finally:
                    process.send_signal(signal.SIGTERM if final else signal.SIGKILL)
                    process.wait(timeout=10)
            with open(log_path) as log:
                text = log.read()
            self.assertNotRegex(text, r"\] (error|critical): ",
                                f"cycle {cycle}: vigild logged an error:\n{text}")
            if states and "ready: listening" in text:  # it started from an earlier cycle's file
                self.assertIn(f"state from {state_file}", text)
                started_from_file += 1
            if os.path.exists(state_file):
                with open(state_file) as state:
                    states.append(parse_state(state.read()))
            leftovers += sum(1 for name in os.listdir(self.state_dir)
                             if name != "root.anchor") if os.path.isdir(self.state_dir) else 0
        print(f"\n  kill -9: {len(kills)} kills ({sum(1 for k in kills if k[0] == 'start-up')} "
              f"during start-up at {', '.join(f'{k[1] * 1000:.0f}' for k in kills if k[0] == 'start-up')} ms); "
              f"serving a validated answer again after "
              f"{', '.join(f'{t * 1000:.0f}' for t in ready_times)} ms (bar "
              f"{READY_WITHIN * 1000:.0f} ms); the state file parsed whole "
              f"{len(states)} times of {CYCLES + 1} and {started_from_file} vigilds started from it, "
              f"root KSK "
              f"{sorted({s for _, keys in states for _, s in keys})}, leftover temporary "
              f"files seen {leftovers}", flush=True)
        self.assertEqual(len(ready_times), CYCLES // 2 + 1)
        self.assertLess(max(ready_times), READY_WITHIN)
        self.assertTrue(states, "the state file was never written")
        for zone, keys in states:
            self.assertEqual(zone, ".")
            self.assertIn("Valid", {state for _, state in keys})
        self.assertEqual(len({tuple(keys) for _, keys in states}), 1,
                         "the same key set each time")
        self.assertRegex(anchors, r"(?i)valid")


if __name__ == "__main__":
    unittest.main()
