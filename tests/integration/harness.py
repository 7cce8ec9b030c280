"""Starts vigild as a process for integration tests and talks DNS to it, and vigilctl.

Each Vigild gets its own free port on 127.0.0.1, its own log file, its own control socket and,
if asked, its own config file; it is stopped (SIGTERM, then SIGKILL) when the test ends, also
when the test fails.
"""
import os
import re
import signal
import socket
import struct
import subprocess
import tempfile
import time

import dns.message
import dns.query
import dns.rcode

from scripted_upstream import free_port, read_tcp_message

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# VIGILD may name another build, e.g. one with sanitizers.
PLAIN_VIGILD = os.path.join(ROOT, "build", "daemon", "vigild")
VIGILD = os.environ.get("VIGILD", PLAIN_VIGILD)
VIGILCTL = os.environ.get("VIGILCTL", os.path.join(ROOT, "build", "tools", "vigilctl", "vigilctl"))


def run_vigilctl(*args, env=None, timeout=40):
    """Runs vigilctl to completion; returns (exit status, stdout, stderr)."""
    result = subprocess.run([VIGILCTL, *args], capture_output=True, text=True, timeout=timeout,
                            stdin=subprocess.DEVNULL, env=env)
    return result.returncode, result.stdout, result.stderr


# What AddressSanitizer, LeakSanitizer and UndefinedBehaviorSanitizer print (tools/build
# --sanitize; tests/run runs the integration tests against that build).
SANITIZER_REPORT = re.compile(r"ERROR: (Address|Leak)Sanitizer|runtime error: |SUMMARY: \w+Sanitizer")


class Vigild:
    def __init__(self, *args, config_text=None, listen_address="127.0.0.1", wait_ready=True,
                 env=None, binary=None):
        self.directory = tempfile.mkdtemp(prefix="vigil-it-")
        self.address = listen_address
        self.port = free_port(listen_address)
        self.log_path = os.path.join(self.directory, "vigild.log")
        self.config_path = None
        # Never /run/vigil/control.sock: tests run side by side (a later --control-socket in
        # `args` wins).
        self.control_socket = os.path.join(self.directory, "control.sock")
        host = f"[{listen_address}]" if ":" in listen_address else listen_address
        command = [binary or VIGILD, "--listen", f"{host}:{self.port}", "--control-socket",
                   self.control_socket]
        if config_text is not None:
            self.config_path = os.path.join(self.directory, "vigil.conf")
            self.write_config(config_text)
            command += ["--config", self.config_path]
        # Scripted upstreams serve unsigned data: they test transport, not DNSSEC, unless the
        # test says otherwise.
        wants_dnssec = "--dnssec" in args or (config_text or "").find("dnssec") >= 0
        extra = [] if wants_dnssec else ["--dnssec", "off"]
        if wants_dnssec and "--trust-anchor-state" not in args:
            # RFC 5011 state goes to the test's directory, never to /var/lib/vigil.
            extra += ["--trust-anchor-state", os.path.join(self.directory, "anchor-state")]
        if "--user" not in args and "user " not in (config_text or ""):
            extra += ["--user", "none"]  # tests run as root; privilege dropping has its own test
        self.command = command + list(args) + extra
        self._log = open(self.log_path, "w")
        self.process = subprocess.Popen(self.command, stdout=self._log, stderr=subprocess.STDOUT,
                                        env=None if env is None else {**os.environ, **env})
        if wait_ready:
            self.wait_for_log(r"ready: listening on")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def write_config(self, text):
        with open(self.config_path, "w") as out:
            out.write(text)

    def stop(self, timeout=10):
        """SIGTERM and wait; returns the exit status. A sanitizer report in the log (a leak
        found at exit, a memory error, undefined behaviour) fails the test that ran vigild."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if not self._log.closed:
            self._log.close()
            report = SANITIZER_REPORT.search(self.log())
            if report:
                raise AssertionError(f"sanitizer report from vigild ({self.log_path}):\n"
                                     + self.log()[report.start():][:4000])
        return self.process.returncode

    def signal(self, number):
        self.process.send_signal(number)

    def alive(self):
        return self.process.poll() is None

    def log(self):
        with open(self.log_path) as log:
            return log.read()

    def wait_for_log(self, pattern, timeout=10, count=1):
        """Waits until `pattern` (a regex) occurs `count` times in the log; returns the matches."""
        deadline = time.monotonic() + timeout
        while True:
            matches = re.findall(pattern, self.log())
            if len(matches) >= count:
                return matches
            if self.process.poll() is not None:
                raise AssertionError(f"vigild exited ({self.process.returncode}) waiting for "
                                     f"{pattern!r}:\n{self.log()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {pattern!r} in the log:\n{self.log()}")
            time.sleep(0.02)

    def stats(self):
        """The counters, from the line vigild logs on SIGUSR1."""
        before = len(re.findall(r"stats: ", self.log()))
        self.signal(signal.SIGUSR1)
        lines = self.wait_for_log(r"stats: (.*)", count=before + 1)
        return {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", lines[-1])}

    def ctl(self, *args, **kwargs):
        """Runs vigilctl against this vigild's control socket: (exit status, stdout, stderr)."""
        return run_vigilctl("--socket", self.control_socket, *args, **kwargs)

    def security_events(self, name):
        """The key=value fields of each logged security event `name`."""
        events = []
        for line in self.log().splitlines():
            if "[security]" in line and f"event={name} " in line + " ":
                events.append(dict(re.findall(r'(\w+)=("[^"]*"|\S+)', line)))
        return events

    # Client side.

    def query(self, qname, qtype="A", tcp=False, timeout=5, **make_query_args):
        message = dns.message.make_query(qname, qtype, **make_query_args)
        return self.send(message, tcp=tcp, timeout=timeout)

    def send(self, message, tcp=False, timeout=5, source=None):
        if tcp:
            return dns.query.tcp(message, self.address, port=self.port, timeout=timeout,
                                 source=source)
        return dns.query.udp(message, self.address, port=self.port, timeout=timeout,
                             source=source, ignore_unexpected=True)

    def send_raw_udp(self, wire, timeout=1.0, source=("127.0.0.1", 0)):
        """Sends bytes; returns the reply's bytes or None if none came within `timeout`."""
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as client:
            client.bind(source)
            client.settimeout(timeout)
            client.sendto(wire, (self.address, self.port))
            try:
                return client.recv(65535)
            except socket.timeout:
                return None

    def tcp_connection(self, timeout=5):
        connection = socket.create_connection((self.address, self.port), timeout=timeout)
        return connection


def started(test, server):
    """`server` (a Vigild or a ThreadedServer) running for one test: stopped when the test ends,
    whether it passed or not."""
    server.__enter__()
    test.addCleanup(server.stop)
    return server


def send_tcp_message(connection, wire):
    connection.sendall(struct.pack("!H", len(wire)) + wire)


def receive_tcp_message(connection):
    return read_tcp_message(connection)


def malformed_queries(rng, count):
    """`count` packets from the seeded `rng`: random bytes of random length, and copies of a
    valid query with random octets changed and some cut short. Mutable, so that a test can set
    IDs."""
    valid = dns.message.make_query("www.example.test.", "A", use_edns=0).to_wire()
    packets = []
    for _ in range(count):
        if rng.random() < 0.5:
            packet = bytearray(rng.randbytes(rng.randint(0, 600)))
        else:
            packet = bytearray(valid)
            for _ in range(rng.randint(1, 6)):
                packet[rng.randrange(len(packet))] = rng.randrange(256)
            if rng.random() < 0.4:
                packet = packet[:rng.randint(0, len(packet))]
        packets.append(packet)
    return packets


def rcode_of(message):
    return dns.rcode.to_text(message.rcode())


def ede_codes(message):
    """Extended DNS Error codes (RFC 8914) in a reply's OPT record."""
    codes = []
    for option in message.options:
        if option.otype == 15:
            codes.append(option.code if hasattr(option, "code") else
                         struct.unpack("!H", option.to_wire()[:2])[0])
    return codes
