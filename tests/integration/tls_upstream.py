"""DNS over TLS upstreams for tests: a throwaway PKI made with the openssl command, and a scripted
TLS upstream (Python's ssl module in front of the same scripts as scripted_upstream.py) that
counts its connections and can drop one mid-stream.

make_pki(directory) writes, with a fresh CA:
  ca.pem                 the CA certificate (vigild's ca=)
  good.pem / good.key    issued by the CA for dns.test (subjectAltName DNS:dns.test)
  expired.pem / .key     issued by the CA for dns.test, valid only in 2020
  self.pem / self.key    self-signed for dns.test
and returns {name: (certificate, key)} with "ca" mapping to (ca.pem, ca.key).
"""
import base64
import hashlib
import os
import select
import socket
import ssl
import struct
import subprocess
import threading

from scripted_upstream import Request, ThreadedServer, free_port, read_tcp_message

AUTH_NAME = "dns.test"


def openssl(*args, cwd=None, stdin=None):
    return subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=cwd,
                          input=stdin, timeout=30).stdout


def _key(path):
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", path)


def make_pki(directory):
    os.makedirs(directory, exist_ok=True)
    path = lambda name: os.path.join(directory, name)  # noqa: E731
    _key(path("ca.key"))
    openssl("req", "-x509", "-new", "-key", path("ca.key"), "-subj", "/CN=vigil test CA",
            "-days", "2", "-out", path("ca.pem"),
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    # `openssl ca` can set any validity period (an expired certificate), given a database.
    with open(path("index.txt"), "w"):
        pass
    with open(path("ca.cnf"), "w") as out:
        out.write(f"""[ca]
default_ca = test
[test]
database = {path("index.txt")}
new_certs_dir = {directory}
certificate = {path("ca.pem")}
private_key = {path("ca.key")}
serial = {path("serial")}
default_md = sha256
policy = anything
copy_extensions = copy
unique_subject = no
[anything]
commonName = supplied
""")
    with open(path("serial"), "w") as out:
        out.write("1000\n")
    for name, dates in (("good", ["-days", "2"]),
                        ("expired", ["-startdate", "20200101000000Z",
                                     "-enddate", "20200201000000Z"])):
        _key(path(f"{name}.key"))
        openssl("req", "-new", "-key", path(f"{name}.key"), "-subj", f"/CN={AUTH_NAME}",
                "-addext", f"subjectAltName=DNS:{AUTH_NAME}", "-out", path(f"{name}.csr"))
        openssl("ca", "-batch", "-config", path("ca.cnf"), "-notext", "-in", path(f"{name}.csr"),
                "-out", path(f"{name}.pem"), *dates)
    _key(path("self.key"))
    openssl("req", "-x509", "-new", "-key", path("self.key"), "-subj", f"/CN={AUTH_NAME}",
            "-addext", f"subjectAltName=DNS:{AUTH_NAME}", "-days", "2", "-out", path("self.pem"))
    return {"ca": (path("ca.pem"), path("ca.key")),
            **{name: (path(f"{name}.pem"), path(f"{name}.key"))
               for name in ("good", "expired", "self")}}


def spki_pin(certificate):
    """The pin as vigild takes it, computed as the README says an operator does it."""
    public = openssl("x509", "-in", certificate, "-pubkey", "-noout")
    der = openssl("pkey", "-pubin", "-outform", "der", stdin=public)
    digest = base64.b64encode(hashlib.sha256(der).digest()).decode()
    return f"sha256/{digest}"


class TlsScriptedUpstream(ThreadedServer):
    """A DNS over TLS server on `address`: each query is answered by `script` (a Request with
    transport "tls" in, Send actions out), each in its own thread, so delayed replies come back
    out of order. `drop_after`: the first connection is closed without an answer once it has
    received that many queries (an upstream closing mid-stream)."""

    def __init__(self, certificate, key, script, address="127.0.0.1", drop_after=None):
        super().__init__()
        self.address = address
        self.port = free_port(address)
        self.script = script
        self.requests = []
        self.connections = 0  # TLS handshakes completed
        self.resumed = 0      # of which resumed a session
        self.drop_after = drop_after
        self.dropped = False
        self._lock = threading.Lock()
        self._context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self._context.load_cert_chain(certificate, key)
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind((address, self.port))
        self._listener.listen(64)
        self._listener.settimeout(0.1)

    def use_certificate(self, certificate, key):
        """From the next connection on, present this certificate instead."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(certificate, key)
        self._context = context

    def endpoint(self, auth_name=AUTH_NAME, options=""):
        return f"tls://{self.address}:{self.port}#{auth_name} {options}".strip()

    def _serving_loops(self):
        return (self._accept,)

    def _sockets(self):
        return (self._listener,)

    def _accept(self):
        while not self._stopping.is_set():
            try:
                connection, client = self._listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(connection, client), daemon=True)
            thread.start()

    def _serve(self, raw, client):
        raw.settimeout(5)
        try:
            connection = self._context.wrap_socket(raw, server_side=True)
        except (ssl.SSLError, OSError):
            raw.close()  # the client refused our certificate (or gave up)
            return
        with self._lock:
            self.connections += 1
            self.resumed += connection.session_reused
            drop = self.drop_after is not None and not self.dropped
            self.dropped = self.dropped or drop
        connection.settimeout(0.2)
        # OpenSSL's connection objects are not safe for a read in one thread and a write in
        # another: the reader waits for data without the lock and reads it under the lock the
        # answering threads write under.
        ssl_lock = threading.Lock()
        received = 0
        with connection:
            while not self._stopping.is_set():
                if not connection.pending() and not select.select([connection], [], [], 0.2)[0]:
                    continue
                try:
                    with ssl_lock:
                        wire = read_tcp_message(connection)
                except socket.timeout:
                    continue
                except (OSError, EOFError, ssl.SSLError):
                    return
                request = self._record(wire, client)
                received += 1
                if drop and received >= self.drop_after:
                    return  # closed with queries in flight
                threading.Thread(target=self._answer, args=(connection, ssl_lock, request),
                                 daemon=True).start()

    def _answer(self, connection, ssl_lock, request):
        if request.message is None:
            return
        for action in self.script(request):
            if action.delay:
                self._stopping.wait(action.delay)
            with ssl_lock:
                try:
                    connection.sendall(struct.pack("!H", len(action.wire)) + action.wire)
                except (OSError, ssl.SSLError):
                    return

    def _record(self, wire, client):
        import dns.message
        try:
            message = dns.message.from_wire(wire)
        except Exception:  # noqa: BLE001 - recorded as malformed
            message = None
        request = Request(wire, message, "tls", client)
        with self._lock:
            self.requests.append(request)
        return request
