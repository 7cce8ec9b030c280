"""The servers the benchmark compares, each started afresh on a port of its own and pinned to the
server CPU with taskset: vigild, Unbound from Debian (a caching forwarder with one thread, with or
without its validator) and the echo floor (echo_server.c). Also what /proc says about a running
server: its CPU time (utime + stime, every thread) and its resident memory."""

import dataclasses
import itertools
import os
import pathlib
import re
import subprocess
import time

import dns.exception
import dns.flags
import dns.message
import dns.query

import bench_zone
from bench_zone import world_servers

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
READY_TIMEOUT_SECONDS = 30.0


@dataclasses.dataclass(frozen=True)
class ServerConfig:
    label: str  # as the tables name it
    kind: str  # "vigild", "unbound" or "echo"
    validating: bool = False
    threads: int = 1  # vigild --threads, Unbound num-threads


VIGILD = ServerConfig("vigild", "vigild")
UNBOUND = ServerConfig("Unbound", "unbound")
ECHO = ServerConfig("echo", "echo")
VIGILD_VALIDATING = ServerConfig("vigild validating", "vigild", validating=True)
UNBOUND_VALIDATING = ServerConfig("Unbound validating", "unbound", validating=True)


@dataclasses.dataclass
class Setup:
    """What every server start needs."""
    directory: pathlib.Path
    nsd_port: int
    anchor_file: pathlib.Path
    vigild: str
    echo_server: str
    cpu: int
    cache_size_mib: int
    # taskset's CPU list for the servers, if not `cpu` alone (--threads-compare: every CPU).
    server_cpus: str = None
    serial: itertools.count = dataclasses.field(default_factory=itertools.count)


def vigild_argv(setup, port, validating, threads=1):
    argv = [setup.vigild, *(["--threads", str(threads)] if threads > 1 else []), "--listen", f"127.0.0.1:{port}",
            "--upstream", f"127.0.0.1:{setup.nsd_port}",
            "--user", "none", "--control-socket", "none", "--trust-anchor-state", "none",
            "--cache-size", f"{setup.cache_size_mib}m"]
    if validating:
        return argv + ["--dnssec", "validate", "--trust-anchor", str(setup.anchor_file)]
    return argv + ["--dnssec", "off"]


def unbound_config(setup, port, validating, name, threads=1):
    """Unbound as a caching forwarder to NSD with one thread (or `threads`) and vigild's cache
    budget: half for its message cache, half for its RRset cache (vigild's answers and RRsets
    share one budget, as they share their blocks)."""
    half = setup.cache_size_mib // 2
    lines = [
        "server:",
        f"  interface: 127.0.0.1@{port}",
        "  do-ip6: no",
        "  access-control: 127.0.0.0/8 allow",
        '  username: ""',
        '  chroot: ""',
        f'  directory: "{setup.directory}"',
        f'  pidfile: "{setup.directory / (name + ".pid")}"',
        "  do-daemonize: no",
        "  use-syslog: no",
        '  logfile: ""',
        "  verbosity: 1",
        f"  num-threads: {threads}",
        f"  msg-cache-size: {half}m",
        f"  rrset-cache-size: {half}m",
        "  do-not-query-localhost: no",
        "  qname-minimisation: no",
        '  module-config: "validator iterator"' if validating else '  module-config: "iterator"',
    ]
    if validating:
        lines.append(f'  trust-anchor-file: "{setup.anchor_file}"')
    lines += [
        "remote-control:",
        "  control-enable: no",
        "forward-zone:",
        '  name: "."',
        f"  forward-addr: 127.0.0.1@{setup.nsd_port}",
    ]
    return "\n".join(lines) + "\n"


def server_argv(setup, config, port, name):
    if config.kind == "vigild":
        return vigild_argv(setup, port, config.validating, config.threads)
    if config.kind == "unbound":
        conf = setup.directory / f"{name}.conf"
        conf.write_text(unbound_config(setup, port, config.validating, name, config.threads))
        return ["unbound", "-d", "-c", str(conf)]
    return [setup.echo_server, "127.0.0.1", str(port)]


def answers_at_all(port):
    """True once something at 127.0.0.1:port answers a query for the readiness name."""
    query = dns.message.make_query(bench_zone.READY_NAME, "A")
    try:
        dns.query.udp(query, "127.0.0.1", port=port, timeout=0.3)
    except (OSError, dns.exception.DNSException):
        return False
    return True


def read_proc(pid, name):
    return pathlib.Path(f"/proc/{pid}/{name}").read_text()


def cpu_ticks(cpu):
    """(busy, total) clock ticks of one CPU since boot, from /proc/stat."""
    for line in pathlib.Path("/proc/stat").read_text().splitlines():
        if line.startswith(f"cpu{cpu} "):
            user, nice, system, idle, iowait, irq, softirq, steal = map(int, line.split()[1:9])
            busy = user + nice + system + irq + softirq + steal
            return busy, busy + idle + iowait
    raise RuntimeError(f"no cpu{cpu} in /proc/stat")


class RunningServer:
    """One started server; stop() always ends it (SIGTERM, then SIGKILL) and returns vigild's
    counters from its last log line, or {} for the others."""

    def __init__(self, config, server, port):
        self.config = config
        self.server = server
        self.port = port

    @property
    def pid(self):
        return self.server.pid

    def is_running(self):
        return self.server.is_running()

    def cpu_seconds(self):
        # /proc/PID/stat fields 14 and 15 (after the parenthesized command, fields 12 and 13):
        # utime and stime of every thread of the process, in clock ticks.
        fields = read_proc(self.pid, "stat").rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS

    def rss_kib(self):
        match = re.search(r"^VmRSS:\s+(\d+) kB", read_proc(self.pid, "status"), re.M)
        return int(match.group(1)) if match else 0

    def has_ad(self, qname):
        """Whether an answer for qname (asked with AD=1, RFC 6840 5.7) comes back with AD set."""
        query = dns.message.make_query(qname, "A")
        query.flags |= dns.flags.AD
        reply = dns.query.udp(query, "127.0.0.1", port=self.port, timeout=5)
        return bool(reply.flags & dns.flags.AD)

    def stop(self):
        self.server.stop()
        if self.config.kind != "vigild":
            return {}
        log = self.server.log_path.read_text(errors="replace")
        stats = re.findall(r"stopped; stats: (.*)", log)
        if not stats:
            return {}
        return {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", stats[-1])}

    def log_tail(self):
        return self.server.log_tail()


def start_server(setup, config):
    """Starts `config` pinned to the server CPU on a free port; waits until it answers."""
    name = f"{config.kind}{'-validating' if config.validating else ''}-{next(setup.serial)}"
    port = bench_zone.free_port()
    cpus = setup.server_cpus or str(setup.cpu)
    argv = ["taskset", "-c", cpus] + server_argv(setup, config, port, name)
    server = world_servers.Server.start(config.label, argv, setup.directory / f"{name}.log")
    running = RunningServer(config, server, port)
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while not answers_at_all(port):
        if not server.is_running() or time.monotonic() > deadline:
            running.stop()
            raise RuntimeError(f"{config.label} did not start on 127.0.0.1:{port} "
                               f"({' '.join(argv)}):\n{server.log_tail()}")
        time.sleep(0.05)
    return running


def check_unbound_config(setup):
    """unbound-checkconf on the configuration the benchmark writes, once before any run."""
    conf = setup.directory / "unbound-check.conf"
    conf.write_text(unbound_config(setup, 53, True, "unbound-check"))
    check = subprocess.run(["unbound-checkconf", str(conf)], capture_output=True, text=True,
                           check=False)
    if check.returncode != 0:
        raise RuntimeError(f"unbound-checkconf rejected {conf}:\n{check.stdout}{check.stderr}")
