"""A scripted upstream DNS server for attack and fault scenarios no real server would produce.

It listens on UDP and TCP at one loopback address and port, records every query it receives, and
answers each one as its `script` says: the script gets a Request and returns a list of Send
actions (forged packets first, the genuine reply after, from this socket or another one).
"""
import socket
import struct
import threading
import time
from dataclasses import dataclass, field

import dns.edns
import dns.flags
import dns.flags
import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset


@dataclass
class Request:
    wire: bytes
    message: dns.message.Message  # None if the query did not parse
    transport: str  # "udp" or "tcp"
    client: tuple  # (address, port) the query came from
    received_at: float = field(default_factory=time.monotonic)

    def is_query(self):
        """False for what no script can answer: a malformed packet, or a response (QR=1), which
        dnspython refuses to make a response to (it would end the serving thread)."""
        return self.message is not None and not self.message.flags & dns.flags.QR

    @property
    def qname_text(self):
        """The question name exactly as sent, letter case included (0x20)."""
        return self.message.question[0].name.to_text()


@dataclass
class Send:
    wire: bytes
    delay: float = 0.0  # seconds to wait before sending
    source: tuple = None  # (address, port) to send a UDP packet from; None: the server's socket


def reply_wire(request, records=(), rcode=dns.rcode.NOERROR, tc=False, edns_options=None):
    """The genuine reply to `request`: its ID and question as received, the given answer records
    ("name ttl IN type rdata" texts)."""
    response = dns.message.make_response(request.message)
    response.flags |= dns.flags.AA
    if tc:
        response.flags |= dns.flags.TC
    response.set_rcode(rcode)
    for text in records:
        response.answer.append(dns.rrset.from_text(*split_record(text)))
    if edns_options is not None:
        response.use_edns(0, 0, 1232, options=edns_options)
    return response.to_wire(max_size=65535)


def crafted_reply(request, answer=(), authority=(), additional=()):
    """A reply to `request` with these records ("name ttl IN type rdata" texts) in each section;
    records of one owner and type in one section make one RRset."""
    response = dns.message.make_response(request.message)
    for section, records in ((response.answer, answer), (response.authority, authority),
                             (response.additional, additional)):
        for text in records:
            rrset = dns.rrset.from_text(*split_record(text))
            existing = [r for r in section if r.name == rrset.name and r.rdtype == rrset.rdtype]
            if existing:
                existing[0].union_update(rrset)
            else:
                section.append(rrset)
    return Send(response.to_wire(max_size=65535))


def split_record(text):
    name, ttl, rdclass, rdtype, rdata = text.split(None, 4)
    return name, int(ttl), rdclass, rdtype, rdata


def zone_script(records, tc_on_udp_above=None):
    """A script answering from `records`: {("name.", "TYPE"): ["name. 300 IN TYPE rdata", ...]}.
    Unknown names get NXDOMAIN. With tc_on_udp_above, UDP replies larger than that get TC=1 and
    no records, as a real server does."""

    def script(request):
        question = request.message.question[0]
        key = (question.name.to_text().lower(), dns.rdatatype.to_text(question.rdtype))
        if key not in records:
            return [Send(reply_wire(request, rcode=dns.rcode.NXDOMAIN))]
        wire = reply_wire(request, records[key])
        if request.transport == "udp" and tc_on_udp_above and len(wire) > tc_on_udp_above:
            wire = reply_wire(request, tc=True)
        return [Send(wire)]

    return script


def free_port(address):
    """A port free for both UDP and TCP on `address`."""
    for _ in range(50):
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        udp = socket.socket(family, socket.SOCK_DGRAM)
        udp.bind((address, 0))
        port = udp.getsockname()[1]
        tcp = socket.socket(family, socket.SOCK_STREAM)
        try:
            tcp.bind((address, port))
            return port
        except OSError:
            continue
        finally:
            udp.close()
            tcp.close()
    raise RuntimeError(f"no free port on {address}")


class ThreadedServer:
    """A test server whose serving loops run in threads until stop(): a context manager, or
    started for one test with harness.started(). Subclasses name their loops and sockets; each
    loop polls self._stopping at least every 0.1 s."""

    def __init__(self):
        self._stopping = threading.Event()
        self._threads = []

    def _serving_loops(self):
        raise NotImplementedError

    def _sockets(self):
        raise NotImplementedError

    def __enter__(self):
        for target in self._serving_loops():
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        self._stopping.set()
        for thread in self._threads:
            thread.join(timeout=5)
        for sock in self._sockets():
            sock.close()


class ScriptedUpstream(ThreadedServer):
    def __init__(self, address="127.0.0.1", script=None, port=None):
        super().__init__()
        self.address = address
        self.port = port or free_port(address)
        self.script = script or zone_script({})
        self.requests = []
        self._lock = threading.Lock()
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        self._udp = socket.socket(family, socket.SOCK_DGRAM)
        self._udp.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 * 1024 * 1024)
        self._udp.bind((address, self.port))
        self._udp.settimeout(0.1)
        self._tcp = socket.socket(family, socket.SOCK_STREAM)
        self._tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._tcp.bind((address, self.port))
        self._tcp.listen(64)
        self._tcp.settimeout(0.1)

    @property
    def endpoint(self):
        """As vigild's --upstream wants it."""
        if ":" in self.address:
            return f"[{self.address}]:{self.port}"
        return f"{self.address}:{self.port}"

    def _serving_loops(self):
        return (self._serve_udp, self._serve_tcp)

    def _sockets(self):
        return (self._udp, self._tcp)

    def requests_by(self, transport):
        with self._lock:
            return [r for r in self.requests if r.transport == transport]

    def _record(self, wire, transport, client):
        try:
            message = dns.message.from_wire(wire)
        except Exception:  # noqa: BLE001 - a malformed query is recorded as such
            message = None
        request = Request(wire, message, transport, client)
        with self._lock:
            self.requests.append(request)
        return request

    def _serve_udp(self):
        while not self._stopping.is_set():
            try:
                wire, client = self._udp.recvfrom(65535)
            except socket.timeout:
                continue
            except OSError:
                return
            request = self._record(wire, "udp", client)
            if not request.is_query():
                continue
            actions = self.script(request)
            if any(action.delay for action in actions):
                threading.Thread(target=self._send_udp, args=(actions, client), daemon=True).start()
            else:
                self._send_udp(actions, client)

    def _send_udp(self, actions, client):
        for action in actions:
            if action.delay:
                time.sleep(action.delay)
            try:
                if action.source is None:
                    self._udp.sendto(action.wire, client)
                else:
                    with socket.socket(self._udp.family, socket.SOCK_DGRAM) as other:
                        other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                        other.bind(action.source)
                        other.sendto(action.wire, client)
            except OSError:
                pass

    def _serve_tcp(self):
        while not self._stopping.is_set():
            try:
                connection, client = self._tcp.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            threading.Thread(target=self._serve_connection, args=(connection, client),
                             daemon=True).start()

    def _serve_connection(self, connection, client):
        connection.settimeout(0.2)
        with connection:
            while not self._stopping.is_set():
                try:
                    wire = read_tcp_message(connection)
                except socket.timeout:
                    continue
                except (OSError, EOFError):
                    return
                request = self._record(wire, "tcp", client)
                if not request.is_query():
                    return
                for action in self.script(request):
                    if action.delay:
                        time.sleep(action.delay)
                    try:
                        connection.sendall(struct.pack("!H", len(action.wire)) + action.wire)
                    except OSError:
                        return


def read_exactly(connection, count):
    data = b""
    while len(data) < count:
        chunk = connection.recv(count - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def read_tcp_message(connection):
    (length,) = struct.unpack("!H", read_exactly(connection, 2))
    return read_exactly(connection, length)
