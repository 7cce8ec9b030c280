"""The benchmark's authoritative side: two generated zones of N names each, plain.bench.
(unsigned) and signed.bench. (signed with algorithm 13, ECDSA P-256, NSEC), served by one NSD on
loopback. Everything is written into the run's temporary directory; the demo world's helpers
(tools/world/) make the key, its DS and the NSD configuration."""

import dataclasses
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools" / "world"))

import world  # noqa: E402
import world_servers  # noqa: E402
import world_signing  # noqa: E402
import world_zones  # noqa: E402

PLAIN = "plain.bench."
SIGNED = "signed.bench."
# Asked by every readiness check, so that the names of a workload stay uncached until it runs.
READY_NAME = "ready.plain.bench."
NSD_START_TIMEOUT = 120.0  # seconds: loading 2 x 100,000 names takes a few


def host_name(index, origin):
    return f"h{index}.{origin}"


def host_address(index):
    return f"10.{(index >> 16) & 255}.{(index >> 8) & 255}.{index & 255}"


def build_zone(origin, names, signing=None):
    zone = world_zones.new_zone(origin, signing)
    for index in range(names):
        zone.add(host_name(index, origin), "A", host_address(index))
    return zone


@dataclasses.dataclass
class Authority:
    nsd: world_servers.Server
    port: int
    anchor_file: pathlib.Path  # the DS of signed.bench.'s key, zone-file format
    conf: pathlib.Path
    sign_seconds: float

    def stop(self):
        self.nsd.stop(str(self.conf))


def sign(zone, directory):
    """Signs `zone` with one algorithm-13 key (a CSK) valid from a day ago for 30 days; returns
    the file of its DS record."""
    keys = world_signing.make_keys([zone], directory / "keys")
    ksk = keys[zone.origin][0]
    unsigned = directory / f"{zone.file_name}.unsigned"
    unsigned.write_text(zone.master_file())
    now = int(time.time())
    world_signing.run_all([(["ldns-signzone", "-o", zone.origin, "-f", zone.file_name,
                             "-i", str(now - world_signing.DAY),
                             "-e", str(now + 30 * world_signing.DAY),
                             unsigned.name, str(ksk.base)], directory)])
    unsigned.unlink()
    anchor = directory / f"{zone.origin.rstrip('.')}.ds"
    anchor.write_text(ksk.ds + "\n")
    return anchor


def nsd_config(directory, port, zones, minimal_responses):
    """The demo world's NSD configuration, plus minimal responses: answers without the zone's
    NS RRset and glue, as a recursive resolver (vigild's usual upstream) sends them."""
    text = world_servers.nsd_config(directory, port, zones)
    if minimal_responses:
        text = text.replace("server:\n", "server:\n  minimal-responses: yes\n", 1)
    return text


def start_authority(directory, port, names, cpu, minimal_responses=True):
    """Writes and signs the zones, starts NSD pinned to `cpu` and waits until it serves both."""
    directory = pathlib.Path(directory)
    started = time.monotonic()
    plain = build_zone(PLAIN, names)
    plain.add(READY_NAME, "A", "127.0.0.9")
    (directory / plain.file_name).write_text(plain.master_file())
    signed = build_zone(SIGNED, names, world_zones.Signing(13))
    anchor = sign(signed, directory)
    sign_seconds = time.monotonic() - started
    zones = [plain, signed]
    conf = directory / "nsd.conf"
    conf.write_text(nsd_config(directory, port, zones, minimal_responses))
    check = subprocess.run(["nsd-checkconf", str(conf)], capture_output=True, text=True,
                           check=False)
    if check.returncode != 0:
        raise RuntimeError(f"nsd-checkconf rejected {conf}:\n{check.stdout}{check.stderr}")
    nsd = world_servers.Server.start(
        "nsd", ["taskset", "-c", str(cpu), "nsd", "-d", "-c", str(conf)], directory / "nsd.log")
    authority = Authority(nsd, port, anchor, conf, sign_seconds)
    try:
        world_servers.wait_until_ready(nsd, port, PLAIN, "SOA", timeout=NSD_START_TIMEOUT)
        world_servers.wait_until_ready(nsd, port, SIGNED, "SOA", timeout=NSD_START_TIMEOUT)
        world_servers.check_zones_served(port, zones, directory)
    except BaseException:
        authority.stop()
        raise
    return authority


def names_of(origin, count, offset=0):
    return [host_name(index, origin) for index in range(offset, offset + count)]


def free_port():
    """A port free for UDP and TCP on 127.0.0.1 (the demo world's check)."""
    return world.free_base_port(1)
