"""Configuration and process control for the world's servers: NSD and a non-validating Unbound
(and, for check_world.py, a validating Unbound as an independent judge of the DNSSEC cases).

Both run in the foreground as child processes, write only inside the world's directory and
listen only on 127.0.0.1. A server is stopped by the PID recorded when it was started.
"""

import os
import pathlib
import signal
import subprocess
import time

import dns.exception
import dns.message
import dns.query
import dns.rcode

STOP_GRACE_SECONDS = 5.0
READY_TIMEOUT_SECONDS = 10.0


def nsd_config(directory, port, zones):
    directory = pathlib.Path(directory)
    lines = [
        "server:",
        f"  ip-address: 127.0.0.1@{port}",
        "  do-ip6: no",
        '  username: ""',
        '  chroot: ""',
        '  database: ""',
        f'  zonesdir: "{directory}"',
        f'  pidfile: "{directory / "nsd.pid"}"',
        f'  zonelistfile: "{directory / "zone.list"}"',
        f'  xfrdfile: "{directory / "xfrd.state"}"',
        f'  xfrdir: "{directory}"',
        "  server-count: 1",
        # A quick restart (the demo after a test) must not trip over the last run's TIME_WAIT.
        "  reuseport: yes",
        "  verbosity: 1",
        "  hide-version: yes",
        "remote-control:",
        "  control-enable: no",
    ]
    for zone in zones:
        lines += ["zone:", f'  name: "{zone.origin}"', f'  zonefile: "{zone.file_name}"']
    return "\n".join(lines) + "\n"


def unbound_config(directory, port, nsd_port, zones, trust_anchor_file=None, name="unbound"):
    """A non-validating Unbound; a validating one (with EDE) when given a trust anchor file."""
    directory = pathlib.Path(directory)
    lines = [
        "server:",
        f"  interface: 127.0.0.1@{port}",
        "  outgoing-interface: 127.0.0.1",
        "  do-ip6: no",
        "  access-control: 127.0.0.0/8 allow",
        '  username: ""',
        '  chroot: ""',
        f'  directory: "{directory}"',
        f'  pidfile: "{directory / (name + ".pid")}"',
        "  do-daemonize: no",
        "  use-syslog: no",
        '  logfile: ""',
        "  verbosity: 1",
        "  num-threads: 1",
        '  module-config: "iterator"' if trust_anchor_file is None else
        '  module-config: "validator iterator"',
        "  do-not-query-localhost: no",
        "  qname-minimisation: no",
        # RFC 6761 reserves test.; Unbound answers it locally (NXDOMAIN) unless told otherwise.
        '  local-zone: "test." nodefault',
    ]
    if trust_anchor_file is not None:
        lines += [
            f'  trust-anchor-file: "{trust_anchor_file}"',
            "  ede: yes",
            "  val-log-level: 2",
            "  harden-algo-downgrade: no",
        ]
    lines += [
        "remote-control:",
        "  control-enable: no",
    ]
    # The root stub is all iteration needs; a stub for every other zone too keeps Unbound from
    # following cached NS records to their glue address (127.0.0.1) on port 53, where no
    # server of this world listens: DNS cannot say "port P" in a delegation.
    for zone in zones:
        lines += ["stub-zone:", f'  name: "{zone.origin}"', f"  stub-addr: 127.0.0.1@{nsd_port}"]
    return "\n".join(lines) + "\n"


class Server:
    """One server process, known by its PID; `process` is set only in the parent that started it."""

    def __init__(self, name, pid, log_path, process=None):
        self.name = name
        self.pid = pid
        self.log_path = pathlib.Path(log_path)
        self.process = process

    @classmethod
    def start(cls, name, argv, log_path, detach=False):
        with open(log_path, "ab") as log:
            process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                       start_new_session=detach)
        return cls(name, process.pid, log_path, process)

    def log_tail(self, lines=30):
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:]) or "(empty log)"

    def is_running(self):
        if self.process is not None:
            return self.process.poll() is None
        # Not our child (started by an earlier `world.py start`): ask /proc, and count a zombie
        # as gone, since nobody may ever reap it here.
        try:
            stat = pathlib.Path(f"/proc/{self.pid}/stat").read_text()
        except OSError:
            return False
        return stat.rsplit(")", 1)[1].split()[0] != "Z"

    def is_ours(self, marker):
        """Guards against PID reuse: the command line must still name our config file."""
        if self.process is not None:
            return True
        try:
            cmdline = pathlib.Path(f"/proc/{self.pid}/cmdline").read_bytes()
        except OSError:
            return False
        return marker.encode() in cmdline

    def stop(self, marker=""):
        """SIGTERM, then SIGKILL after a grace period; returns once the process is gone."""
        if not self.is_running() or not self.is_ours(marker):
            return
        self._signal(signal.SIGTERM)
        if not self._wait(STOP_GRACE_SECONDS):
            self._signal(signal.SIGKILL)
            self._wait(STOP_GRACE_SECONDS)

    def _signal(self, signum):
        try:
            os.kill(self.pid, signum)
        except ProcessLookupError:
            pass

    def _wait(self, seconds):
        if self.process is not None:
            try:
                self.process.wait(timeout=seconds)
                return True
            except subprocess.TimeoutExpired:
                return False
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if not self.is_running():
                return True
            time.sleep(0.05)
        return False


def answers(address, port, qname, rdtype="SOA"):
    """True once the server at address:port gives a NOERROR answer to qname."""
    query = dns.message.make_query(qname, rdtype)
    try:
        reply = dns.query.udp(query, address, port=port, timeout=0.3)
    except (OSError, dns.exception.DNSException):
        return False
    return reply.rcode() == dns.rcode.NOERROR and bool(reply.answer)


def check_zones_served(port, zones, directory):
    """Raises unless NSD answers every zone's SOA; nsd-checkzone says why a zone did not load."""
    for zone in zones:
        if answers("127.0.0.1", port, zone.origin, "SOA"):
            continue
        path = pathlib.Path(directory) / zone.file_name
        check = subprocess.run(["nsd-checkzone", zone.origin, str(path)], capture_output=True,
                               text=True, check=False)
        raise RuntimeError(f"NSD does not serve {zone.origin} from {path}:\n"
                           f"{check.stdout}{check.stderr}")


def wait_until_ready(server, port, qname, rdtype, timeout=READY_TIMEOUT_SECONDS):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not server.is_running():
            raise RuntimeError(f"{server.name} exited at start-up:\n{server.log_tail()}")
        if answers("127.0.0.1", port, qname, rdtype):
            return
        time.sleep(0.1)
    raise RuntimeError(f"{server.name} did not answer {qname} {rdtype} on 127.0.0.1@{port} "
                       f"within {timeout:.0f} s:\n{server.log_tail()}")
