#!/usr/bin/python3
"""vigil's demo: vigild in front of a self-contained DNS world on loopback.

NSD serves the world's signed zones (fresh keys and signatures at every start) on
127.0.0.1:53530, a non-validating Unbound resolves them on 127.0.0.1:53531, and vigild listens
on 127.0.0.1:5300 and [::1]:5300 with Unbound as its upstream, the world's private root as its
trust anchor, and corp.test forwarded straight to NSD (split DNS). It prints the dig commands to try and runs until Ctrl-C.
With --check it runs those commands itself, checks the answers, and exits 0 or 1.
"""
import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import world as world_module  # noqa: E402
import world_zones  # noqa: E402

VIGILD = os.path.join(ROOT, "build", "daemon", "vigild")
VIGILCTL = os.path.join(ROOT, "build", "tools", "vigilctl", "vigilctl")
BASE_PORT = 53530
VIGIL_PORT = 5300

# (dig arguments, what the answer must contain, why it is worth trying)
TRIES = [
    (["www.example.test"], "192.0.2.80", "forwarded over UDP to Unbound, which asks NSD"),
    (["www.example.test", "+tcp"], "192.0.2.80", "the same over TCP"),
    (["alias2.example.test"], "192.0.2.80", "a CNAME chain"),
    (["big.example.test", "TXT", "+ignore", "+bufsize=1232"], "flags: qr tc",
     "too big for UDP: vigild fetched it over TCP and truncates it for this UDP client"),
    (["big.example.test", "TXT"], "chunk-09", "dig retries over TCP and gets all of it"),
    (["db.corp.test"], "10.0.0.5", "split DNS: corp.test goes straight to NSD"),
    (["no-such-name.example.test"], "status: NXDOMAIN", "a name that does not exist"),
    (["example.test", "ANY"], "RFC8482", "ANY gets the RFC 8482 minimal answer"),
    (["www.example.test", "+dnssec"], "flags: qr rd ra ad",
     "secure: validated from the world's root anchor, AD set, RRSIGs shown"),
    (["www.insecure.test", "+dnssec"], "flags: qr rd ra;",
     "insecure: a delegation proven unsigned, answered without AD"),
    (["www.badsig.test", "+dnssec"], "EDE: 6 (DNSSEC Bogus)",
     "bogus: a damaged signature, SERVFAIL with an Extended DNS Error"),
    (["www.expired.test", "+dnssec"], "EDE: 7 (Signature Expired)", "bogus: expired signatures"),
    (["www.badsig.test", "+dnssec", "+cd"], "192.0.2.60",
     "CD=1: the client asked for the data unchecked, and gets it without AD"),
]


def world_base_port(wanted):
    """`wanted` if it and the next port are free, else another free pair: a run that just ended
    leaves NSD's port in TIME_WAIT for a minute, and NSD cannot bind it then."""
    if world_module.ports_free(wanted, 2):
        return wanted
    for candidate in range(wanted + 2, wanted + 200, 2):
        if world_module.ports_free(candidate, 2):
            print(f"(port {wanted} is busy, the world uses {candidate} and {candidate + 1})")
            return candidate
    return wanted


def dig_command(arguments, port=VIGIL_PORT):
    return ["dig", "@127.0.0.1", "-p", str(port)] + arguments


def wait_for_vigild(vigild, log_path, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if vigild.poll() is not None:
            return False
        with open(log_path) as log:
            if "ready: listening on" in log.read():
                return True
        time.sleep(0.05)
    return False


def check_all(port):
    failures = 0
    for arguments, expected, why in TRIES:
        result = subprocess.run(dig_command(arguments, port), capture_output=True, text=True,
                                timeout=20, check=False)
        ok = result.returncode == 0 and expected in result.stdout
        failures += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {' '.join(dig_command(arguments, port))}   # {why}")
        if not ok:
            print(result.stdout + result.stderr)
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-port", type=int, default=BASE_PORT,
                        help="NSD's port; Unbound takes the next one (default %(default)s)")
    parser.add_argument("--port", type=int, default=VIGIL_PORT,
                        help="vigild's port (default %(default)s)")
    parser.add_argument("--check", action="store_true",
                        help="run the dig commands, check the answers, stop, exit 0 or 1")
    args = parser.parse_args()

    stop_requested = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop_requested.append(True))

    directory = tempfile.mkdtemp(prefix="vigil-demo-")
    world = world_module.World(directory, base_port=world_base_port(args.base_port))
    vigild = None
    try:
        world.start()
        print(f"NSD     {world.nsd_address}  zones: . test. example.test. corp.test. and "
              f"{len(world.zones) - 4} DNSSEC test zones, signed (anchor: "
              f"{world.trust_anchor_file})")
        print(f"Unbound {world.unbound_address}  non-validating recursive resolver")
        log_path = os.path.join(directory, "vigild.log")
        control_socket = os.path.join(directory, "control.sock")
        command = [VIGILD, "--listen", f"127.0.0.1:{args.port}", "--listen", f"[::1]:{args.port}",
                   "--upstream", world.unbound_address, "--dnssec", "validate",
                   "--trust-anchor", str(world.trust_anchor_file),
                   "--trust-anchor-state", os.path.join(directory, "anchor-state"),
                   "--forward", f"{world_zones.SPLIT_DNS_ZONE}={world.nsd_address}",
                   # The demo's own socket: a real vigild may hold /run/vigil/control.sock.
                   "--control-socket", control_socket]
        print("vigild  " + " ".join(command[1:]))
        with open(log_path, "w") as log:
            vigild = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        if not wait_for_vigild(vigild, log_path):
            with open(log_path) as log:
                print("vigild did not start:\n" + log.read(), file=sys.stderr)
            return 1
        if args.check:
            failures = check_all(args.port)
            print(f"demo check: {len(TRIES) - failures} ok, {failures} failed")
            return 1 if failures else 0
        print("\nTry:")
        for arguments, _, why in TRIES:
            print(f"  {' '.join(dig_command(arguments, args.port)):<62} # {why}")
        print(f"\nvigild's log: {log_path}")
        print(f"Its state: {VIGILCTL} --socket {control_socket} status  "
              "(or stats, cache dump, help)")
        print("Ctrl-C stops everything.")
        while not stop_requested and vigild.poll() is None:
            time.sleep(0.2)
        if not stop_requested:  # Ctrl-C reaches vigild too; only an unasked exit is an error
            print(f"vigild exited with status {vigild.returncode}", file=sys.stderr)
            return 1
        return 0
    except RuntimeError as error:
        print(f"demo: {error}", file=sys.stderr)
        return 1
    finally:
        if vigild is not None and vigild.poll() is None:
            vigild.send_signal(signal.SIGTERM)
            try:
                vigild.wait(timeout=10)
            except subprocess.TimeoutExpired:
                vigild.kill()
                vigild.wait()
        world.stop()
        print("stopped vigild, Unbound and NSD")


if __name__ == "__main__":
    sys.exit(main())
