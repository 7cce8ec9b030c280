"""Signs the world's zones with ldns at every start, so that no signature ever expires.

For each zone with a `Signing` plan (world_zones.py), in a `keys/` directory of the world:
  1. ldns-keygen makes its keys (each in a directory of its own, so that two keys with the same
     key tag cannot overwrite each other); ldns-key2ds -2 makes the DS of its KSK (and, for a
     "mismatch" zone, of a decoy key that never enters the zone);
  2. bottom-up, deepest zones first, each zone is written unsigned with its children's DS records
     (<zone>.zone.unsigned), signed by ldns-signzone (<zone>.zone.signed), then post-processed
     (corrupted signatures, stripped records, late opt-out delegations) into <zone>.zone, the file
     NSD serves. Unsigned zones are served as they are.
A zone with a KeyTrap plan (CVE-2023-50387) gets, before signing, extra DNSKEYs crafted to share
the key tag of one of its real ZSKs (the "target"), and, after signing, extra RRSIGs with that
tag and random signature bytes. ldns-signzone signs with the key files it is given, never with a
DNSKEY it finds in the zone; but it does look in the zone for each given key's DNSKEY by key tag
(tag or tag+1), so the target is a ZSK whose tag is not within 1 of any other key's, and its
real DNSKEY is written into the unsigned file ahead of the crafted ones.
The DS of the root's KSK becomes the trust anchor, root-anchor.ds. All the ldns processes of one
step run at once. (The served files are not run through nsd-checkzone here, which costs ~20 ms
each: World.start() asks NSD for every zone's SOA instead, and runs nsd-checkzone only on a zone
that does not answer, to say why.)
"""

import base64
import dataclasses
import os
import pathlib
import shutil
import struct
import subprocess
import time

ALGORITHM_NAMES = {5: "RSASHA1", 7: "RSASHA1-NSEC3-SHA1", 8: "RSASHA256", 10: "RSASHA512",
                   13: "ECDSAP256SHA256", 14: "ECDSAP384SHA384", 15: "ED25519", 16: "ED448"}
DAY = 86400
TRUST_ANCHOR_FILE = "root-anchor.ds"
DENIAL_TYPES = {"RRSIG", "NSEC", "NSEC3", "NSEC3PARAM"}


@dataclasses.dataclass
class Key:
    zone: str
    role: str  # "ksk" (flags 257: a KSK, or the CSK when the zone has no ZSK), "zsk", "decoy"
    directory: pathlib.Path
    base: pathlib.Path = None  # K<zone>+<alg>+<tag>, without extension
    ds: str = ""  # the DS RR (SHA-256) for a KSK or decoy


@dataclasses.dataclass
class SignedWorld:
    trust_anchor_file: pathlib.Path
    ds: dict  # zone origin -> DS RR lines placed in its parent
    seconds: float
    keytrap_tags: dict = dataclasses.field(default_factory=dict)  # zone origin -> shared tag


def run_all(jobs):
    """Runs every (argv, cwd) at once; returns their outputs, or raises on the first failure."""
    processes = [(argv, subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL,
                                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                         text=True))
                 for argv, cwd in jobs]
    outputs, failure = [], None
    for argv, process in processes:
        out, err = process.communicate()
        if process.returncode != 0 and failure is None:
            failure = f"{' '.join(map(str, argv))} failed ({process.returncode}):\n{out}{err}"
        outputs.append(out)
    if failure:
        raise RuntimeError(failure)
    return outputs


def parent_of(zone, zones):
    """The closest enclosing zone of `zone` among `zones`, or None for the root."""
    if zone.origin == ".":
        return None
    labels = zone.origin.split(".")
    origins = {other.origin for other in zones}
    for cut in range(1, len(labels)):
        candidate = ".".join(labels[cut:]) or "."
        if candidate in origins:
            return candidate
    return None


def label_count(origin):
    return 0 if origin == "." else origin.rstrip(".").count(".") + 1


def make_keys(zones, keys_directory):
    keys = {}
    jobs = []
    for zone in zones:
        plan = zone.signing
        if plan is None:
            continue
        roles = ["ksk"] + ["zsk"] * plan.zsks + (["decoy"] if plan.ds == "mismatch" else [])
        name = zone.origin.rstrip(".") or "root"
        for index, role in enumerate(roles):
            directory = keys_directory / name / f"{index:02d}-{role}"
            directory.mkdir(parents=True)
            keys.setdefault(zone.origin, []).append(Key(zone.origin, role, directory))
            argv = ["ldns-keygen", "-r", "/dev/urandom", "-a", ALGORITHM_NAMES[plan.algorithm]]
            if plan.bits:
                argv += ["-b", str(plan.bits)]
            if role != "zsk":
                argv.append("-k")
            jobs.append((argv + [zone.origin], directory))
    flat = [key for zone_keys in keys.values() for key in zone_keys]
    for key, out in zip(flat, run_all(jobs)):
        key.base = key.directory / out.strip()
    with_ds = [key for key in flat if key.role != "zsk"]
    outputs = run_all([(["ldns-key2ds", "-n", "-2", f"{key.base}.key"], key.directory)
                       for key in with_ds])
    for key, out in zip(with_ds, outputs):
        key.ds = out.strip()
    return keys


def key_tag(rdata):
    """RFC 4034 appendix B: the key tag of a DNSKEY, from its wire-format RDATA."""
    total = 0
    for index, byte in enumerate(rdata):
        total += byte if index & 1 else byte << 8
    total += (total >> 16) & 0xFFFF
    return total & 0xFFFF


def dnskey_wire(rdata_text):
    """The wire-format RDATA of a DNSKEY from its presentation: flags protocol algorithm key."""
    flags, protocol, algorithm, *key = rdata_text.split()
    return (struct.pack("!HBB", int(flags), int(protocol), int(algorithm))
            + base64.b64decode("".join(key)))


def read_dnskey(key):
    """The presentation RDATA of `key`'s DNSKEY, from its .key file (comment dropped)."""
    line = pathlib.Path(f"{key.base}.key").read_text().split(";")[0]
    _owner, _class, rrtype, rdata = line.split(None, 3)
    assert rrtype == "DNSKEY", line
    return " ".join(rdata.split())


def crafted_dnskey(flags, algorithm, key_size, target):
    """A DNSKEY RDATA (presentation) with `key_size` public key bytes, random but for the last
    two, which are chosen so that its key tag is `target`. Not a usable key of any kind."""
    prefix = struct.pack("!HBB", flags, 3, algorithm)
    while True:
        body = prefix + os.urandom(key_size - 2)
        assert len(body) % 2 == 0  # the last two bytes are one 16-bit word of the sum
        total = sum(byte if index & 1 else byte << 8 for index, byte in enumerate(body))
        # The tag is (total + word) folded once: try both carries the fold can see.
        for carry in (total >> 16, (total >> 16) + 1):
            word = (target - total - carry) & 0xFFFF
            rdata = body + struct.pack("!H", word)
            if key_tag(rdata) == target:
                return f"{flags} 3 {algorithm} {base64.b64encode(rdata[4:]).decode()}"
        # An unlucky body for which the fold skips `target`: draw another.


def keytrap_dnskeys(zone, zone_keys):
    """(shared tag, DNSKEY records to add before signing) for a zone with a KeyTrap plan: the
    target ZSK's own DNSKEY first, then the crafted ones."""
    plan = zone.signing
    tags = {id(key): key_tag(dnskey_wire(read_dnskey(key))) for key in zone_keys}
    for key in zone_keys:  # ldns-keygen names a key K<zone>+<algorithm>+<tag>
        if tags[id(key)] != int(key.base.name.rsplit("+", 1)[1]):
            raise RuntimeError(f"key tag {tags[id(key)]} computed for {key.base.name}")
    for key in zone_keys:
        if key.role != "zsk":
            continue
        target = tags[id(key)]
        others = [tags[id(other)] for other in zone_keys if other is not key]
        if all(abs(other - target) > 1 for other in others):
            break
    else:
        raise RuntimeError(f"{zone.origin}: every ZSK's key tag is within 1 of another key's")
    real = read_dnskey(key)
    key_size = len(dnskey_wire(real)) - 4
    records = [(zone.origin, "DNSKEY", real)]
    for _ in range(plan.keytrap.keys):
        crafted = crafted_dnskey(256, plan.algorithm, key_size, target)
        assert key_tag(dnskey_wire(crafted)) == target
        records.append((zone.origin, "DNSKEY", crafted))
    return target, records


def keytrap_signatures(template_fields, tag, count):
    """`count` RRSIG lines like the one split into `template_fields` (owner TTL class RRSIG
    covered algorithm labels original-TTL expiration inception tag signer signature), but with
    key tag `tag` and random signature bytes of the same length."""
    size = len(base64.b64decode(template_fields[12]))
    lines = []
    for _ in range(count):
        fields = template_fields[:10] + [str(tag), template_fields[11],
                                         base64.b64encode(os.urandom(size)).decode()]
        lines.append("\t".join(fields[:4]) + "\t" + " ".join(fields[4:]))
    return lines


def damage(signature):
    """The same base64 text with a few characters changed: still parseable, no longer valid."""
    chars = list(signature)
    body = len(signature.rstrip("="))
    for position in (body // 4, body // 2, 3 * body // 4):
        chars[position] = "A" if chars[position] != "A" else "B"
    return "".join(chars)


def post_process(zone, signed_text, keytrap_tag=None):
    """The file to serve, from ldns-signzone's output (one RR a line, absolute owners)."""
    plan = zone.signing
    corrupt = {(owner.lower(), rrtype.upper()) for owner, rrtype in plan.corrupt}
    trapped = set()
    if plan.keytrap is not None:
        trapped = {(owner.lower(), rrtype.upper()) for owner, rrtype in plan.keytrap.rrsets}
    last_rrsig = {}  # trapped (owner, covered type) -> (index of its last RRSIG line, fields)
    lines = []
    for line in signed_text.splitlines():
        fields = line.split()
        if len(fields) < 5 or line.startswith(("$", ";")):
            lines.append(line)
            continue
        owner, rrtype = fields[0].lower(), fields[3].upper()
        if plan.serve == "stripped" and rrtype in DENIAL_TYPES:
            continue
        if rrtype == "RRSIG" and (owner, fields[4].upper()) in corrupt:
            fields[-1] = damage(fields[-1])
            line = "\t".join(fields[:4]) + "\t" + " ".join(fields[4:])
        if rrtype == "RRSIG" and (owner, fields[4].upper()) in trapped:
            last_rrsig[(owner, fields[4].upper())] = (len(lines), fields)
        lines.append(line)
    if trapped:
        missing = trapped - set(last_rrsig)
        if missing:
            raise RuntimeError(f"{zone.origin}: no RRSIG to copy for the KeyTrap of {missing}")
        for index, fields in sorted(last_rrsig.values(), key=lambda item: -item[0]):
            if len(fields) != 13:  # the signature must be one base64 field
                raise RuntimeError(f"{zone.origin}: unexpected RRSIG line {fields}")
            lines[index + 1:index + 1] = keytrap_signatures(fields, keytrap_tag,
                                                            plan.keytrap.signatures)
    if zone.late_records:
        lines.append(";; unsigned, outside the NSEC3 chain (opt-out)")
        lines += [f"{owner} 3600 IN {rrtype} {rdata}" for owner, rrtype, rdata in zone.late_records]
    return "\n".join(lines) + "\n"


def sign_world(zones, directory, now=None):
    """Makes keys, DS records and served zone files for `zones` in `directory`."""
    started = time.monotonic()
    directory = pathlib.Path(directory)
    now = int(time.time()) if now is None else int(now)
    keys_directory = directory / "keys"
    shutil.rmtree(keys_directory, ignore_errors=True)
    keys_directory.mkdir(parents=True)
    keys = make_keys(zones, keys_directory)

    children = {}
    for zone in zones:
        children.setdefault(parent_of(zone, zones), []).append(zone)
    ds_in_parent = {}
    for zone in zones:
        plan = zone.signing
        if plan is None:
            continue
        role = "decoy" if plan.ds == "mismatch" else "ksk"
        ds_in_parent[zone.origin] = [key.ds for key in keys[zone.origin] if key.role == role]
    keytrap_tags, keytrap_records = {}, {}
    for zone in zones:
        if zone.signing is not None and zone.signing.keytrap is not None:
            keytrap_tags[zone.origin], keytrap_records[zone.origin] = keytrap_dnskeys(
                zone, [key for key in keys[zone.origin] if key.role != "decoy"])

    depths = sorted({label_count(zone.origin) for zone in zones}, reverse=True)
    for depth in depths:
        level = [zone for zone in zones if label_count(zone.origin) == depth]
        jobs = []
        for zone in level:
            ds_records = []
            for child in children.get(zone.origin, []):
                for ds in ds_in_parent.get(child.origin, []):
                    owner, _ttl, _class, rrtype, rdata = ds.split(None, 4)
                    ds_records.append((owner, rrtype, rdata))
            unsigned = directory / f"{zone.file_name}.unsigned"
            plan = zone.signing
            if plan is None:
                (directory / zone.file_name).write_text(zone.master_file(ds_records))
                continue
            unsigned.write_text(zone.master_file(ds_records + keytrap_records.get(zone.origin, []),
                                                 late=False))
            inception, expiration = (now + days * DAY for days in plan.valid_days)
            argv = ["ldns-signzone", "-o", zone.origin, "-f", f"{zone.file_name}.signed",
                    "-i", str(inception), "-e", str(expiration)]
            if plan.dnskey_signed_by_all:
                argv.append("-A")
            if plan.nsec3 is not None:
                argv += ["-n", "-a", "1", "-t", str(plan.nsec3.iterations)]
                if plan.nsec3.salt:
                    argv += ["-s", plan.nsec3.salt]
                if plan.nsec3.optout:
                    argv.append("-p")
            argv.append(unsigned.name)
            argv += [str(key.base) for key in keys[zone.origin] if key.role != "decoy"]
            jobs.append((argv, directory))
        run_all(jobs)
        for zone in level:
            if zone.signing is None:
                continue
            if zone.signing.serve == "unsigned":
                served = zone.master_file()
            else:
                signed = (directory / f"{zone.file_name}.signed").read_text()
                served = post_process(zone, signed, keytrap_tags.get(zone.origin))
            (directory / zone.file_name).write_text(served)

    anchor = directory / TRUST_ANCHOR_FILE
    anchor.write_text("".join(line + "\n" for line in ds_in_parent["."]))
    return SignedWorld(anchor, ds_in_parent, time.monotonic() - started, keytrap_tags)
