#!/usr/bin/python3
"""A self-contained DNS world on loopback: NSD serves a small fake, DNSSEC-signed tree (., test.,
example.test., corp.test. and one zone per DNSSEC case) on 127.0.0.1@P and a non-validating
Unbound resolves it by iteration on 127.0.0.1@P+1.

Every start makes new keys and signatures (world_signing.py), so nothing ever expires; the root's
trust anchor (DS records, zone-file format) is then in `world.trust_anchor_file`.

As a module:
    with World(base_port=20000) as world:
        world.unbound_address  # "127.0.0.1:20001", an upstream for vigild
        world.facts[("www.example.test.", "A")]  # ("192.0.2.80",)
        world.trust_anchor_file  # DIR/root-anchor.ds, the DS of the root's KSK
        world_zones.DNSSEC_CASES  # what a validator must conclude, case by case
As a command (the servers outlive it until `stop`):
    world.py start --dir DIR --base-port P
    world.py stop --dir DIR
"""

import argparse
import json
import random
import socket
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import world_servers  # noqa: E402  (found through the line above when run as a script)
import world_signing  # noqa: E402
import world_zones  # noqa: E402

STATE_FILE = "world.json"


def ports_free(base, count=1):
    """True if `count` consecutive ports from `base` are free on 127.0.0.1 for UDP and TCP (a
    port in TIME_WAIT is not: NSD could not bind it)."""
    for port in range(base, base + count):
        for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
            with socket.socket(socket.AF_INET, kind) as probe:
                try:
                    probe.bind(("127.0.0.1", port))
                except OSError:
                    return False
    return True


def free_base_port(count=2):
    """A base port with `count` free ports from it: NSD's, Unbound's (and a spare)."""
    for _ in range(100):
        base = random.randrange(20000, 60000)
        if ports_free(base, count):
            return base
    raise RuntimeError(f"no {count} consecutive free ports")


class World:
    """Starts both servers on entry and always stops them on exit, exception or not."""

    def __init__(self, directory=None, base_port=20000, detach=False):
        self.own_directory = directory is None
        self.directory = pathlib.Path(directory or tempfile.mkdtemp(prefix="vigil-world-"))
        self.directory = self.directory.resolve()
        self.nsd_port = base_port
        self.unbound_port = base_port + 1
        self.nsd_address = f"127.0.0.1:{self.nsd_port}"
        self.unbound_address = f"127.0.0.1:{self.unbound_port}"
        self.detach = detach  # servers in their own session, to outlive a CLI `start`
        self.zones = world_zones.build_zones()
        self.facts = world_zones.FACTS
        self.cnames = world_zones.CNAMES
        self.big_txt_name = world_zones.BIG_TXT_NAME
        self.nxdomain_name = world_zones.NXDOMAIN_NAME
        self.split_dns_zone = world_zones.SPLIT_DNS_ZONE
        self.dnssec_cases = world_zones.DNSSEC_CASES
        self.signed = None  # world_signing.SignedWorld, after start
        self.timings = {}  # seconds: "sign", "start" (the whole of start())
        self.nsd = None
        self.unbound = None

    @property
    def trust_anchor_file(self):
        """The root's trust anchor: the DS of its KSK, one RR a line (written by start())."""
        return self.directory / world_signing.TRUST_ANCHOR_FILE

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc_info):
        self.stop()

    @property
    def nsd_conf(self):
        return self.directory / "nsd.conf"

    @property
    def unbound_conf(self):
        return self.directory / "unbound.conf"

    def start(self):
        started = time.monotonic()
        try:
            self._write_files()
            self.nsd = world_servers.Server.start(
                "nsd", ["nsd", "-d", "-c", str(self.nsd_conf)], self.directory / "nsd.log",
                self.detach)
            world_servers.wait_until_ready(self.nsd, self.nsd_port, ".", "SOA")
            world_servers.check_zones_served(self.nsd_port, self.zones, self.directory)
            self.unbound = world_servers.Server.start(
                "unbound", ["unbound", "-d", "-c", str(self.unbound_conf)],
                self.directory / "unbound.log", self.detach)
            world_servers.wait_until_ready(self.unbound, self.unbound_port, "www.example.test.", "A")
        except BaseException:
            self.stop()
            raise
        self._save_state()
        self.timings["start"] = time.monotonic() - started

    def stop(self):
        if self.unbound is not None:
            self.unbound.stop(str(self.unbound_conf))
        if self.nsd is not None:
            self.nsd.stop(str(self.nsd_conf))
        self.unbound = self.nsd = None
        (self.directory / STATE_FILE).unlink(missing_ok=True)
        if self.own_directory:
            shutil.rmtree(self.directory, ignore_errors=True)

    def _write_files(self):
        self.directory.mkdir(parents=True, exist_ok=True)
        self.signed = world_signing.sign_world(self.zones, self.directory)
        self.timings["sign"] = self.signed.seconds
        self.nsd_conf.write_text(world_servers.nsd_config(self.directory, self.nsd_port, self.zones))
        self.unbound_conf.write_text(world_servers.unbound_config(
            self.directory, self.unbound_port, self.nsd_port, self.zones))
        for checker, conf in (("nsd-checkconf", self.nsd_conf),
                              ("unbound-checkconf", self.unbound_conf)):
            check = subprocess.run([checker, str(conf)], capture_output=True, text=True,
                                   check=False)
            if check.returncode != 0:
                raise RuntimeError(f"{checker} rejected {conf}:\n{check.stdout}{check.stderr}")

    def _save_state(self):
        state = {"base_port": self.nsd_port, "nsd_pid": self.nsd.pid,
                 "unbound_pid": self.unbound.pid}
        (self.directory / STATE_FILE).write_text(json.dumps(state) + "\n")

    @classmethod
    def from_state(cls, directory):
        """The world an earlier `start` left running in `directory`, or None."""
        path = pathlib.Path(directory) / STATE_FILE
        if not path.exists():
            return None
        state = json.loads(path.read_text())
        world = cls(directory, state["base_port"])
        world.nsd = world_servers.Server("nsd", state["nsd_pid"], world.directory / "nsd.log")
        world.unbound = world_servers.Server("unbound", state["unbound_pid"],
                                       world.directory / "unbound.log")
        return world


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    start = commands.add_parser("start", help="start NSD and Unbound, then return")
    start.add_argument("--dir", required=True, help="where configs, zones, logs and PIDs go")
    start.add_argument("--base-port", type=int, required=True,
                       help="NSD listens on this port, Unbound on the next")
    stop = commands.add_parser("stop", help="stop the servers an earlier start left running")
    stop.add_argument("--dir", required=True)
    args = parser.parse_args(argv)

    if args.command == "start":
        if World.from_state(args.dir) is not None:
            World.from_state(args.dir).stop()  # a world left over from an interrupted run
        try:
            world = World(args.dir, args.base_port, detach=True)
            world.start()
        except (RuntimeError, OSError) as error:
            print(f"world: {error}", file=sys.stderr)
            return 1
        print(f"nsd {world.nsd_address} (pid {world.nsd.pid})")
        print(f"unbound {world.unbound_address} (pid {world.unbound.pid})")
        print(f"trust anchor {world.trust_anchor_file}")
        print(f"started in {world.timings['start']:.2f} s "
              f"(signing {world.timings['sign']:.2f} s)")
    else:
        world = World.from_state(args.dir)
        if world is not None:
            world.stop()
        print("world stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
