"""The demo world's DNS tree: zone contents, how each zone is signed, and the answers tests expect.

Every zone is served by one NSD on 127.0.0.1; glue points at 127.0.0.1 too, so a stray query can
never leave loopback. Each zone is a plain list of records plus a `Signing` plan (None: the zone
stays unsigned); world_signing.py turns the plans into keys, DS records and signed files at every
start of the world, so signatures never expire.

Keys: most zones have one combined signing key (CSK: flags 257, signs every RRset); the root,
example.test. (and keytrap.test., by design) have a KSK (257, signs DNSKEY) and ZSKs (256, sign
the rest), so both layouts are exercised. Every DS uses digest SHA-256 (2). The trust anchor is
the DS of the root KSK, in <world directory>/root-anchor.ds (World.trust_anchor_file).

The tree (every zone below test. is delegated from test.):
  .                   alg 13, KSK + ZSK, NSEC
  test.               alg 8 (RSA 2048), CSK, NSEC
  example.test.       alg 13, KSK + ZSK, NSEC; wildcards, CNAMEs into other zones
  corp.test.          alg 13, CSK, NSEC (also the split-DNS zone)
  nsec3.test.         alg 8, CSK, NSEC3 (hash 1, 0 extra iterations, salt c0ffee42)
  ed.test.            alg 15 (Ed25519), CSK, NSEC
  insecure.test.      unsigned, no DS in test.
  nsec3optout.test.   alg 13, CSK, NSEC3 opt-out (0 iterations, no salt, RFC 9276), with an
                      unsigned delegation child.nsec3optout.test. that has no NSEC3 of its own
  child.nsec3optout.test.  unsigned
  badsig.test.        alg 13; the RRSIG over www.badsig.test. A is corrupted
  expired.test.       alg 13; signed from now-20 days to now-10 days
  future.test.        alg 13; signed from now+10 days to now+40 days
  dsmismatch.test.    alg 13; the DS in test. is that of another key, absent from the zone
  stripped.test.      alg 13; DS in test., served with its DNSKEY RRset but every RRSIG, NSEC
                      and NSEC3PARAM removed
  nodnskey.test.      alg 13; DS in test., served as the unsigned file: no DNSKEY at all
  unsupported.test.   alg 5 (RSASHA1, RSA 2048), CSK, NSEC; DS (SHA-256) in test.
  keytrap.test.       alg 13, a KeyTrap zone (CVE-2023-50387): 1 KSK + 2 ZSKs, plus 40
                      DNSKEYs (flags 256) crafted to share the key tag of one real ZSK, which
                      have no private key and are (almost surely) not P-256 points. The DNSKEY
                      RRset (43 keys) is signed by the KSK, every other RRset by both ZSKs.
                      www.keytrap.test. A has its 2 real RRSIGs corrupted and 6 more with the
                      shared tag and random bytes (8: the most THREATS rule 11 lets through): a
                      validator that tries every key with a matching tag against every
                      signature does about 7 x 41 ECDSA verifications there. good.keytrap.test.
                      A stays valid through the ZSK whose tag nobody shares.
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


@dataclasses.dataclass(frozen=True)
class Nsec3:
    salt: str = ""  # hex, "" for none
    iterations: int = 0  # extra iterations; RFC 9276 says 0
    optout: bool = False


@dataclasses.dataclass(frozen=True)
class KeyTrap:
    """KeyTrap (CVE-2023-50387), for a zone with ZSKs: `keys` extra DNSKEYs (flags 256, the zone's
    algorithm) whose public key bytes are random but for the last two, chosen so that their key
    tag equals that of one real ZSK; they join the DNSKEY RRset before signing. After signing,
    each RRset of `rrsets` gets `signatures` extra RRSIGs with that same key tag and random
    signature bytes (the other fields copied from one of its real RRSIGs)."""
    keys: int = 40
    signatures: int = 40
    rrsets: tuple = ()  # (owner, type)


@dataclasses.dataclass(frozen=True)
class Signing:
    """How world_signing.py signs a zone and how its parent delegates to it."""
    algorithm: int = 13  # 5 RSASHA1, 8 RSASHA256, 13 ECDSAP256SHA256, 15 ED25519
    bits: int = 0  # RSA modulus size; 0 for the algorithms with a fixed key size
    zsks: int = 0  # 0: the KSK is a CSK that signs everything; else that many ZSKs
    dnskey_signed_by_all: bool = False  # ldns-signzone -A: every key signs the DNSKEY RRset
    nsec3: Nsec3 = None  # None: NSEC
    valid_days: tuple = (-1, 30)  # RRSIG inception and expiration, in days from now
    ds: str = "valid"  # the DS in the parent: "valid" or "mismatch" (that of an unused key)
    serve: str = "signed"  # what NSD loads: "signed", "stripped" (no RRSIG/NSEC*), "unsigned"
    corrupt: tuple = ()  # (owner, type) RRsets whose every RRSIG gets a damaged signature
    keytrap: KeyTrap = None  # None: no crafted keys or signatures


@dataclasses.dataclass
class Zone:
    origin: str  # absolute, e.g. "example.test." ("." for the root)
    records: list  # (owner, type, rdata) with absolute owner names
    signing: Signing = None  # None: an unsigned zone, and no DS in its parent
    # Records appended to the signed file, unsigned and outside the NSEC/NSEC3 chain: the NS and
    # glue of an opt-out (insecure) delegation.
    late_records: list = dataclasses.field(default_factory=list)

    @property
    def file_name(self):
        return "root.zone" if self.origin == "." else f"{self.origin.rstrip('.')}.zone"

    def add(self, owner, rrtype, rdata):
        self.records.append((owner, rrtype, rdata))

    def master_file(self, extra_records=(), late=True):
        lines = [f"$ORIGIN {self.origin}", f"$TTL {TTL}"]
        records = list(self.records) + list(extra_records)
        if late:
            records += self.late_records
        lines += [record_line(*record) for record in records]
        return "\n".join(lines) + "\n"


def record_line(owner, rrtype, rdata):
    return f"{owner} {TTL} IN {rrtype} {rdata}"


def child_of(label, origin):
    return f"{label}.{origin}" if origin != "." else f"{label}."


def new_zone(origin, signing=None):
    """A zone with its SOA, one name server ns1.<origin> (except the root's) and its address."""
    zone = Zone(origin, [], signing)
    primary = "ns1.test." if origin == "." else child_of("ns1", origin)
    zone.add(origin, "SOA", f"{primary} hostmaster.{origin.lstrip('.')} {SOA_TIMERS}")
    zone.add(origin, "NS", primary)
    if origin != ".":
        zone.add(primary, "A", LOOPBACK)
    return zone


def delegate(parent, child, late=False):
    """A zone cut in `parent` for `child`, with glue for its in-bailiwick name server; `late`
    adds them after signing, outside the NSEC3 chain (an opt-out delegation)."""
    server = child_of("ns1", child)
    records = parent.late_records if late else parent.records
    records.append((child, "NS", server))
    records.append((server, "A", LOOPBACK))


def build_zones():
    root = new_zone(".", Signing(13, zsks=1))
    test = new_zone("test.", Signing(8, bits=2048))
    delegate(root, "test.")  # its glue, ns1.test., is also the root's own server's address
    test.add("www.test.", "A", "192.0.2.8")

    example = new_zone("example.test.", Signing(13, zsks=1))
    example.add("example.test.", "MX", "10 mail.example.test.")
    example.add("example.test.", "TXT", '"vigil demo zone"')
    example.add("www.example.test.", "A", "192.0.2.80")
    example.add("www.example.test.", "AAAA", "2001:db8::80")
    example.add("mail.example.test.", "A", "192.0.2.25")
    example.add("alias.example.test.", "CNAME", "www.example.test.")
    example.add("alias2.example.test.", "CNAME", "alias.example.test.")
    for text in BIG_TXT_STRINGS:
        example.add(BIG_TXT_NAME, "TXT", f'"{text}"')
    example.add("*.wild.example.test.", "A", "192.0.2.99")
    example.add("*.wild.example.test.", "TXT", '"wildcard"')
    example.add("cross.example.test.", "CNAME", "www.nsec3.test.")
    example.add("tobogus.example.test.", "CNAME", "www.badsig.test.")
    example.add("dname.example.test.", "DNAME", "nsec3.test.")  # RFC 6672: a signed DNAME

    corp = new_zone("corp.test.", Signing(13))
    corp.add("db.corp.test.", "A", "10.0.0.5")
    corp.add("intranet.corp.test.", "A", "10.0.0.80")

    nsec3 = new_zone("nsec3.test.", Signing(8, bits=2048, nsec3=Nsec3(salt="c0ffee42")))
    nsec3.add("www.nsec3.test.", "A", "192.0.2.30")
    nsec3.add("*.wild.nsec3.test.", "A", "192.0.2.31")
    nsec3.add("onlytxt.nsec3.test.", "TXT", '"only TXT here"')

    # RFC 9276 3.2: more NSEC3 iterations than a validator accepts (vigil's limit is 50).
    iterations = new_zone("iterations.test.", Signing(13, nsec3=Nsec3(salt="ab", iterations=51)))
    iterations.add("www.iterations.test.", "A", "192.0.2.51")

    ed = new_zone("ed.test.", Signing(15))
    ed.add("www.ed.test.", "A", "192.0.2.15")

    insecure = new_zone("insecure.test.")
    insecure.add("www.insecure.test.", "A", "192.0.2.40")

    optout = new_zone("nsec3optout.test.", Signing(13, nsec3=Nsec3(optout=True)))
    optout.add("www.nsec3optout.test.", "A", "192.0.2.42")
    child = new_zone("child.nsec3optout.test.")
    child.add("www.child.nsec3optout.test.", "A", "192.0.2.41")
    delegate(optout, "child.nsec3optout.test.", late=True)

    badsig = new_zone("badsig.test.", Signing(13, corrupt=(("www.badsig.test.", "A"),)))
    badsig.add("www.badsig.test.", "A", "192.0.2.60")
    badsig.add("good.badsig.test.", "A", "192.0.2.61")

    def one_name_zone(origin, address, signing):
        zone = new_zone(origin, signing)
        zone.add(f"www.{origin}", "A", address)
        return zone

    zones_under_test = [
        example, corp, nsec3, iterations, ed, insecure, optout, badsig,
        one_name_zone("expired.test.", "192.0.2.70", Signing(13, valid_days=(-20, -10))),
        one_name_zone("future.test.", "192.0.2.71", Signing(13, valid_days=(10, 40))),
        one_name_zone("dsmismatch.test.", "192.0.2.72", Signing(13, ds="mismatch")),
        one_name_zone("stripped.test.", "192.0.2.73", Signing(13, serve="stripped")),
        one_name_zone("nodnskey.test.", "192.0.2.74", Signing(13, serve="unsigned")),
        one_name_zone("unsupported.test.", "192.0.2.50", Signing(5, bits=2048)),
    ]
    keytrap = one_name_zone("keytrap.test.", "192.0.2.75", Signing(
        # Within THREATS rule 11 (at most 8 RRSIGs per RRset), or the scrubber would refuse the
        # answers before the validator's own KeyTrap limits are ever reached.
        13, zsks=2, corrupt=(("www.keytrap.test.", "A"),),
        keytrap=KeyTrap(keys=40, signatures=6, rrsets=(("www.keytrap.test.", "A"),))))
    keytrap.add("good.keytrap.test.", "A", "192.0.2.76")
    zones_under_test.append(keytrap)
    for zone in zones_under_test:
        delegate(test, zone.origin)
    return [root, test, *zones_under_test, child]


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


# What a validating resolver must conclude for each DNSSEC case of the world, with the root's
# trust anchor (World.trust_anchor_file). Each entry:
#   name, type  the query
#   expect      "secure", "insecure" or "bogus"
#   ede         the Extended DNS Error (RFC 8914) that fits: 1 unsupported DNSKEY algorithm,
#               6 DNSSEC bogus, 7 signature expired, 8 signature not yet valid, 9 DNSKEY missing
#               (no DNSKEY matches the DS), 10 RRSIGs missing; None when nothing is wrong
#   rcode       the rcode of the answer as the world serves it, i.e. what a client sees with CD=1
#               (a validator answers the bogus cases SERVFAIL instead, without CD)
#   rdata       the RDATA of the final answer RRset as served (with CD=1 for the bogus cases), as
#               presentation text; [] for NXDOMAIN and NODATA; None when it changes at every
#               start (DS, DNSKEY)
#   note        what the case exercises
def _case(name, rrtype, expect, rdata, ede=None, rcode="NOERROR", note=""):
    return {"name": name, "type": rrtype, "expect": expect, "ede": ede, "rcode": rcode,
            "rdata": rdata, "note": note}


DNSSEC_CASES = [
    # Secure: positive answers, one per algorithm and denial flavour.
    _case(".", "DNSKEY", "secure", None, note="the root's keys, matched by the trust anchor"),
    _case("test.", "DS", "secure", None, note="a DS in the root, alg 13 signature"),
    _case("www.test.", "A", "secure", ["192.0.2.8"], note="alg 8 (RSASHA256) data"),
    _case("www.example.test.", "A", "secure", ["192.0.2.80"], note="alg 13, KSK + ZSK"),
    _case("www.example.test.", "AAAA", "secure", ["2001:db8::80"]),
    _case("example.test.", "MX", "secure", ["10 mail.example.test."]),
    _case("example.test.", "DS", "secure", None, note="a DS in test., alg 8 signature"),
    _case("alias2.example.test.", "A", "secure", ["192.0.2.80"],
          note="a CNAME chain inside one zone"),
    _case(BIG_TXT_NAME, "TXT", "secure", [f'"{text}"' for text in BIG_TXT_STRINGS],
          note="truncated over UDP: validate after the TCP retry"),
    _case("a.wild.example.test.", "A", "secure", ["192.0.2.99"],
          note="wildcard expansion, NSEC proof that a.wild.example.test. does not exist"),
    _case("b.c.wild.example.test.", "TXT", "secure", ['"wildcard"'],
          note="wildcard expanded two labels deep"),
    _case("a.wild.example.test.", "MX", "secure", [], note="wildcard NODATA (NSEC)"),
    _case("cross.example.test.", "A", "secure", ["192.0.2.30"],
          note="CNAME from example.test. (alg 13, NSEC) into nsec3.test. (alg 8, NSEC3)"),
    _case("db.corp.test.", "A", "secure", ["10.0.0.5"]),
    _case("www.nsec3.test.", "A", "secure", ["192.0.2.30"], note="alg 8 in an NSEC3 zone"),
    _case("a.wild.nsec3.test.", "A", "secure", ["192.0.2.31"],
          note="wildcard expansion, NSEC3 proof of the next closer name"),
    _case("a.wild.nsec3.test.", "TXT", "secure", [], note="wildcard NODATA (NSEC3)"),
    _case("onlytxt.nsec3.test.", "TXT", "secure", ['"only TXT here"']),
    _case("www.ed.test.", "A", "secure", ["192.0.2.15"], note="alg 15 (Ed25519)"),
    _case("www.nsec3optout.test.", "A", "secure", ["192.0.2.42"],
          note="signed data in an opt-out zone"),
    _case("good.badsig.test.", "A", "secure", ["192.0.2.61"],
          note="the bad signature in badsig.test. spoils only www's A RRset"),
    _case("good.keytrap.test.", "A", "secure", ["192.0.2.76"],
          note="2 valid RRSIGs, one by the ZSK whose key tag 40 crafted DNSKEYs share, one by "
               "the other ZSK; DNSKEY RRset of 43 keys"),
    # Secure denial of existence.
    _case("nothing.example.test.", "A", "secure", [], rcode="NXDOMAIN",
          note="NSEC: name covered, no wildcard"),
    _case(NXDOMAIN_NAME, "A", "secure", [], rcode="NXDOMAIN"),
    _case("www.example.test.", "MX", "secure", [], note="NODATA, NSEC bitmap without MX"),
    _case("nothing.test.", "A", "secure", [], rcode="NXDOMAIN", note="NSEC, alg 8"),
    _case("nothing.nsec3.test.", "A", "secure", [], rcode="NXDOMAIN",
          note="NSEC3 closest-encloser proof (salted, 0 iterations)"),
    _case("onlytxt.nsec3.test.", "A", "secure", [], note="NODATA, matching NSEC3"),
    _case("nothing.ed.test.", "A", "secure", [], rcode="NXDOMAIN", note="NSEC, alg 15"),
    _case("insecure.test.", "DS", "secure", [],
          note="NSEC at the cut: NS without DS proves the delegation insecure"),
    # Insecure: provably unsigned.
    _case("www.insecure.test.", "A", "insecure", ["192.0.2.40"],
          note="delegation without DS, NSEC proof in test."),
    _case("nothing.insecure.test.", "A", "insecure", [], rcode="NXDOMAIN",
          note="an unsigned NXDOMAIN below an insecure delegation"),
    _case("www.child.nsec3optout.test.", "A", "insecure", ["192.0.2.41"],
          note="unsigned delegation covered by an opt-out NSEC3 (no NSEC3 of its own)"),
    _case("child.nsec3optout.test.", "DS", "insecure", [],
          note="closest-encloser proof whose next-closer NSEC3 has opt-out: no DS"),
    _case("nothing.nsec3optout.test.", "A", "insecure", [], rcode="NXDOMAIN",
          note="the NSEC3 covering the next closer name has opt-out set, so it cannot deny an "
               "unsigned delegation there: the NXDOMAIN is proven only as insecure (as Unbound "
               "says); unsalted NSEC3"),
    _case("www.dname.example.test.", "A", "secure", ["192.0.2.30"],
          note="a signed DNAME in example.test. (RFC 6672); the synthesized CNAME is unsigned"),
    _case("www.iterations.test.", "A", "secure", ["192.0.2.51"],
          note="positive data in a zone whose NSEC3 has 51 iterations: signatures still count"),
    _case("nothing.iterations.test.", "A", "insecure", [], ede=27, rcode="NXDOMAIN",
          note="an NXDOMAIN proven only by NSEC3 with 51 iterations (RFC 9276 3.2: EDE 27)"),
    _case("www.unsupported.test.", "A", "insecure", ["192.0.2.50"], ede=1,
          note="DS and DNSKEY of alg 5 (RSASHA1): insecure when the validator's policy does "
               "not support the algorithm (RFC 8624 section 3 / RFC 9905)"),
    # Bogus.
    _case("www.badsig.test.", "A", "bogus", ["192.0.2.60"], ede=6,
          note="the RRSIG's signature bytes are damaged"),
    _case("tobogus.example.test.", "A", "bogus", ["192.0.2.60"], ede=6,
          note="a secure CNAME into the bogus RRset of www.badsig.test."),
    _case("www.expired.test.", "A", "bogus", ["192.0.2.70"], ede=7,
          note="every RRSIG of the zone expired 10 days ago"),
    _case("www.future.test.", "A", "bogus", ["192.0.2.71"], ede=8,
          note="every RRSIG of the zone becomes valid in 10 days"),
    _case("www.dsmismatch.test.", "A", "bogus", ["192.0.2.72"], ede=9,
          note="the DS in test. matches no DNSKEY of the zone"),
    _case("www.stripped.test.", "A", "bogus", ["192.0.2.73"], ede=10,
          note="DS in test.; the zone is served with its DNSKEYs but without any RRSIG"),
    _case("www.nodnskey.test.", "A", "bogus", ["192.0.2.74"], ede=9,
          note="DS in test.; the zone is served unsigned, without DNSKEY"),
    _case("www.keytrap.test.", "A", "bogus", ["192.0.2.75"], ede=6,
          note="KeyTrap (CVE-2023-50387): 41 DNSKEYs share one key tag (1 real ZSK, 40 "
               "crafted), and 8 RRSIGs, all bad: the 2 real ones damaged, 6 more with the "
               "shared tag and random bytes (about 7 x 41 verifications for a naive "
               "validator). A validator must give up after a bounded number of attempts"),
]


def write_zone_files(zones, directory):
    """Writes each zone's unsigned master file into `directory` and checks it with nsd-checkzone.
    World no longer uses it: world_signing.sign_world writes the (mostly signed) files it serves."""
    directory = pathlib.Path(directory)
    for zone in zones:
        path = directory / zone.file_name
        path.write_text(zone.master_file())
        check = subprocess.run(["nsd-checkzone", zone.origin, str(path)],
                               capture_output=True, text=True, check=False)
        if check.returncode != 0:
            raise RuntimeError(f"nsd-checkzone rejected {path}:\n{check.stdout}{check.stderr}")
