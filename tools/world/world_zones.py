"""The demo world's DNS tree: zone contents, their master files, and the answers tests expect.

Every zone is served by one NSD on 127.0.0.1; glue points at 127.0.0.1 too, so a stray query can
never leave loopback. Zones are unsigned for now; signing will post-process the files written by
`write_zone_files`, so each zone stays a plain list of records.
"""

import dataclasses
import pathlib
import subprocess

SOA_TIMERS = "2024010101 3600 900 604800 300"  # serial refresh retry expire negative-TTL
TTL = 3600
LOOPBACK = "127.0.0.1"

# A TXT RRset larger than the 1232-byte EDNS buffer of DNS Flag Day 2020, so that over UDP the
# answer must come back truncated (TC=1) and the client must retry over TCP.
BIG_TXT_NAME = "big.example.test."
BIG_TXT_STRINGS = tuple(f"chunk-{i:02d}-" + "x" * 190 for i in range(10))


@dataclasses.dataclass
class Zone:
    origin: str  # absolute, e.g. "example.test." ("." for the root)
    records: list  # (owner, type, rdata) with absolute owner names

    @property
    def file_name(self):
        return "root.zone" if self.origin == "." else f"{self.origin.rstrip('.')}.zone"

    def add(self, owner, rrtype, rdata):
        self.records.append((owner, rrtype, rdata))

    def master_file(self):
        lines = [f"$ORIGIN {self.origin}", f"$TTL {TTL}"]
        lines += [f"{owner} {TTL} IN {rrtype} {rdata}" for owner, rrtype, rdata in self.records]
        return "\n".join(lines) + "\n"


def child_of(label, origin):
    return f"{label}.{origin}" if origin != "." else f"{label}."


def new_zone(origin):
    """A zone with its SOA, one name server ns1.<origin> (except the root's) and its address."""
    zone = Zone(origin, [])
    primary = "ns1.test." if origin == "." else child_of("ns1", origin)
    zone.add(origin, "SOA", f"{primary} hostmaster.{origin.lstrip('.')} {SOA_TIMERS}")
    zone.add(origin, "NS", primary)
    if origin != ".":
        zone.add(primary, "A", LOOPBACK)
    return zone


def delegate(parent, child):
    """A zone cut in `parent` for `child`, with glue for its in-bailiwick name server."""
    server = child_of("ns1", child)
    parent.add(child, "NS", server)
    parent.add(server, "A", LOOPBACK)


def build_zones():
    root = new_zone(".")
    test = new_zone("test.")
    delegate(root, "test.")  # its glue, ns1.test., is also the root's own server's address

    example = new_zone("example.test.")
    example.add("example.test.", "MX", "10 mail.example.test.")
    example.add("example.test.", "TXT", '"vigil demo zone"')
    example.add("www.example.test.", "A", "192.0.2.80")
    example.add("www.example.test.", "AAAA", "2001:db8::80")
    example.add("mail.example.test.", "A", "192.0.2.25")
    example.add("alias.example.test.", "CNAME", "www.example.test.")
    example.add("alias2.example.test.", "CNAME", "alias.example.test.")
    for text in BIG_TXT_STRINGS:
        example.add(BIG_TXT_NAME, "TXT", f'"{text}"')

    corp = new_zone("corp.test.")
    corp.add("db.corp.test.", "A", "10.0.0.5")
    corp.add("intranet.corp.test.", "A", "10.0.0.80")

    delegate(test, "example.test.")
    delegate(test, "corp.test.")
    return [root, test, example, corp]


# Expected answers, keyed by (owner, type): the RDATA of the final RRset, as presentation text.
# A CNAME chain's key names the first owner; CNAMES below lists each link.
FACTS = {
    ("www.example.test.", "A"): ("192.0.2.80",),
    ("www.example.test.", "AAAA"): ("2001:db8::80",),
    ("example.test.", "MX"): ("10 mail.example.test.",),
    ("example.test.", "TXT"): ('"vigil demo zone"',),
    ("mail.example.test.", "A"): ("192.0.2.25",),
    ("alias.example.test.", "A"): ("192.0.2.80",),
    ("alias2.example.test.", "A"): ("192.0.2.80",),
    (BIG_TXT_NAME, "TXT"): tuple(f'"{text}"' for text in BIG_TXT_STRINGS),
    ("db.corp.test.", "A"): ("10.0.0.5",),
    ("intranet.corp.test.", "A"): ("10.0.0.80",),
}
CNAMES = {
    "alias.example.test.": "www.example.test.",
    "alias2.example.test.": "alias.example.test.",
}
NXDOMAIN_NAME = "no-such-name.example.test."  # answered NXDOMAIN with example.test.'s SOA
SPLIT_DNS_ZONE = "corp.test."  # the zone tests forward straight to NSD


def write_zone_files(zones, directory):
    """Writes each zone's master file into `directory` and checks it with nsd-checkzone."""
    directory = pathlib.Path(directory)
    for zone in zones:
        path = directory / zone.file_name
        path.write_text(zone.master_file())
        check = subprocess.run(["nsd-checkzone", zone.origin, str(path)],
                               capture_output=True, text=True, check=False)
        if check.returncode != 0:
            raise RuntimeError(f"nsd-checkzone rejected {path}:\n{check.stdout}{check.stderr}")
