"""What the attack and load suites share: a private network namespace to forge packets in (the
packets themselves are spoofer.py's), a paced latency probe, and memory and percentile figures.

Forged packets never leave loopback: a spray across every port of 127.0.0.1 would also hit other
programs on this host (another test's vigild listening, say), so such scenarios run in a network
namespace of their own (`run_in_private_network`), which the kernel deletes with its last process.
"""
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))

import dns.exception  # noqa: E402
import dns.message  # noqa: E402
import dns.rcode  # noqa: E402

from harness import Vigild  # noqa: E402,F401  (for the suites: from attack_tools import Vigild)

PYTHON = "/usr/bin/python3"


def run_in_private_network(script, scenario, timeout, *args):
    """Runs `script --scenario NAME ARGS...` with /usr/bin/python3 in a new network namespace
    (loopback only, brought up here) and returns the JSON object the script printed on its last
    line of output. The namespace, and every socket in it, goes when the script exits."""
    command = ["unshare", "--net", "--", PYTHON, script, "--scenario", scenario, *args]
    # A session of its own: on a timeout, everything the scenario started (vigild, the
    # upstream, the spoofer) goes with it.
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               stdin=subprocess.DEVNULL, text=True, start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
        raise AssertionError(f"{scenario} did not finish within {timeout} s:\n{stdout}\n"
                             f"{stderr}") from None
    lines = stdout.strip().splitlines()
    if process.returncode != 0 or not lines:
        raise AssertionError(f"{scenario} failed ({process.returncode}):\n{stdout}\n{stderr}")
    return json.loads(lines[-1])


def scenario_main(scenarios):
    """The entry point of a test file run by run_in_private_network: `--scenario NAME ARGS...`
    brings loopback up, runs scenarios[NAME](*ARGS) and prints its result as JSON. Returns False
    when the file was not run that way (unittest runs it instead)."""
    if len(sys.argv) < 3 or sys.argv[1] != "--scenario":
        return False
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    result = scenarios[sys.argv[2]](*sys.argv[3:])
    print(json.dumps(result), flush=True)
    return True


# Measurements.

def rss_kib(pid):
    """Resident memory of process `pid`, in KiB (VmRSS of /proc/PID/status)."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def cpu_seconds(pid):
    """User plus system CPU time process `pid` has used (/proc/PID/stat), in seconds."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def udp_drops(port):
    """Datagrams the kernel dropped at the UDP socket bound to `port` (IPv4) because its receive
    queue was full (the drops column of /proc/net/udp); 0 if there is no such socket."""
    wanted = f":{port:04X}"
    with open("/proc/net/udp") as table:
        next(table)
        for line in table:
            fields = line.split()
            if fields[1].endswith(wanted):
                return int(fields[-1])
    return 0


def percentile(values, fraction):
    """The value below which `fraction` of `values` lie (nearest rank); inf for no values."""
    if not values:
        return float("inf")
    ordered = sorted(values)
    rank = min(len(ordered) - 1, max(0, int(round(fraction * len(ordered) + 0.5)) - 1))
    return ordered[rank]


def timed_query(vigild, qname, qtype="A", tcp=False, timeout=2.0, **make_query_args):
    """(reply or None, seconds): one query to `vigild`, None if nothing came within `timeout`."""
    query = dns.message.make_query(qname, qtype, **make_query_args)
    started = time.monotonic()
    try:
        reply = vigild.send(query, tcp=tcp, timeout=timeout)
    except (dns.exception.Timeout, OSError, EOFError):
        return None, time.monotonic() - started
    return reply, time.monotonic() - started


class LatencyProbe(threading.Thread):
    """A low-rate client beside an attack or a load: asks `names` in turn, `rate` queries a
    second, each from a fresh UDP socket with a `timeout`, until stopped or `max_queries` went
    out. Records each query's latency (None: unanswered) and rcode."""

    def __init__(self, vigild, names, rate=20.0, timeout=1.0, max_queries=2000, qtype="A"):
        super().__init__(daemon=True)
        self.vigild, self.names, self.rate, self.timeout = vigild, names, rate, timeout
        self.max_queries, self.qtype = max_queries, qtype
        self.latencies = []  # seconds, or None when unanswered
        self.rcodes = []
        self._stop_event = threading.Event()

    def run(self):
        next_at = time.monotonic()
        for index in range(self.max_queries):
            if self._stop_event.is_set():
                return
            reply, took = timed_query(self.vigild, self.names[index % len(self.names)],
                                      self.qtype, timeout=self.timeout)
            self.latencies.append(None if reply is None else took)
            self.rcodes.append(None if reply is None else dns.rcode.to_text(reply.rcode()))
            next_at += 1.0 / self.rate
            self._stop_event.wait(max(0.0, next_at - time.monotonic()))

    def stop(self):
        self._stop_event.set()
        self.join(timeout=self.timeout + 5)

    @property
    def sent(self):
        return len(self.latencies)

    @property
    def answered(self):
        return [took for took in self.latencies if took is not None]

    def answered_fraction(self):
        return len(self.answered) / self.sent if self.sent else 0.0

    def p99_ms(self):
        return percentile(self.answered, 0.99) * 1000

    def summary(self):
        return (f"{len(self.answered)}/{self.sent} answered "
                f"({self.answered_fraction() * 100:.1f}%), p50 "
                f"{percentile(self.answered, 0.5) * 1000:.1f} ms, p99 {self.p99_ms():.1f} ms, "
                f"max {max(self.answered, default=float('inf')) * 1000:.1f} ms")


def seeded(seed):
    """A deterministic random source for an attack (every attack names its seed)."""
    return random.Random(seed)

