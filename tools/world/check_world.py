#!/usr/bin/python3
"""Self-check of the signed world: starts it in a temporary directory, looks at every DNSSEC case.

  1. how long World.start() takes (and the signing part of it);
  2. ldns-verify-zone on every served zone file (the good ones must verify, the broken ones must
     fail the way they were broken);
  3. for every case of world_zones.DNSSEC_CASES, `dig +dnssec +cd` through the world's
     non-validating Unbound: rcode, answer, RRSIGs present or not, and that bogus data comes back
     rather than SERVFAIL (also without +cd);
  4. the DS of example.test. comes with an RRSIG by test.; each KeyTrap zone serves its DNSKEYs
     that share one key tag and its trapped RRsets with as many RRSIGs carrying that tag;
  5. the same cases through a second, validating Unbound that trusts only root-anchor.ds: its
     verdict (AD / no AD / SERVFAIL) and EDE against the table's, as an independent opinion.
Exits 0 when the world serves what the table says and the validating Unbound agrees on every
verdict; 1 otherwise. Usage: check_world.py [--base-port P] [--keep]
"""

import argparse
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import world as world_module  # noqa: E402
import world_servers  # noqa: E402
import world_signing  # noqa: E402
import world_zones  # noqa: E402

# Zone files that must not verify, and the ldns-verify-zone message that shows why.
EXPECTED_VERIFY_ERRORS = {
    "badsig.test.": "Bogus DNSSEC signature for www.badsig.test.",
    "keytrap.test.": "Bogus DNSSEC signature for www.keytrap.test.",
    "expired.test.": "signature has expired",
    "future.test.": "not incepted yet",
    "stripped.test.": "no signatures",
    "nodnskey.test.": "No DNSKEY records",
    "insecure.test.": "No DNSKEY records",
    "child.nsec3optout.test.": "No DNSKEY records",
}

# Cases where the validating Unbound's policy differs from vigil's, which the table follows.
POLICY_DIFFERENCES = {
    ("www.unsupported.test.", "A"): "Unbound still validates RSASHA1 (5); vigil does not "
                                    "(RFC 8624 / RFC 9905), so for vigil it is insecure",
}


def dig(port, name, rrtype, *options):
    command = ["dig", "@127.0.0.1", "-p", str(port), "+time=5", "+tries=2", "+dnssec", *options,
               name, rrtype]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    return parse_dig(result.stdout)


def parse_dig(text):
    reply = {"status": None, "flags": set(), "ede": None, "answer": [], "authority": []}
    section = None
    for line in text.splitlines():
        if match := re.search(r"status: (\w+)", line):
            reply["status"] = match.group(1)
        if match := re.match(r";; flags: ([\w ]+);", line):
            reply["flags"] = set(match.group(1).split())
        if match := re.match(r"; EDE: (\d+)", line):
            reply["ede"] = int(match.group(1))
        if line.startswith(";; ANSWER SECTION"):
            section = "answer"
        elif line.startswith(";; AUTHORITY SECTION"):
            section = "authority"
        elif line.startswith(";; ADDITIONAL SECTION") or not line.strip():
            section = None
        elif section and not line.startswith(";"):
            owner, _ttl, _class, rrtype, *rdata = line.split()
            reply[section].append((owner.lower(), rrtype, " ".join(rdata)))
    return reply


def rrsigs(records, covered=None):
    """(covered type, signer) of each RRSIG among `records`."""
    found = []
    for _owner, rrtype, rdata in records:
        if rrtype == "RRSIG":
            fields = rdata.split()
            if covered is None or fields[0] == covered:
                found.append((fields[0], fields[7]))
    return found


def describe_served(case, reply):
    answer = [r for r in reply["answer"] if r[1] == case["type"]]
    sigs = rrsigs(reply["answer"], case["type"]) or rrsigs(reply["authority"])
    denial = sorted({r[1] for r in reply["authority"] if r[1] in ("NSEC", "NSEC3")})
    signers = sorted({signer for _, signer in sigs})
    parts = [reply["status"] or "no reply", f"answer {[r[2] for r in answer]}"[:70],
             f"RRSIG {len(sigs)}" + (f" by {','.join(signers)}" if signers else " (none)")]
    if denial:
        parts.append("+".join(denial))
    return "; ".join(parts)


def served_problems(case, reply):
    problems = []
    if reply["status"] != case["rcode"]:
        problems.append(f"rcode {reply['status']}, table says {case['rcode']}")
    answer = sorted(r[2] for r in reply["answer"] if r[1] == case["type"])
    if case["rdata"] is not None and answer != sorted(case["rdata"]):
        problems.append(f"answer {answer}, table says {sorted(case['rdata'])}")
    if case["rdata"] is None and not answer:
        problems.append("empty answer")
    signed_zone = case["expect"] != "insecure" or case["ede"] == 1
    has_sigs = bool(rrsigs(reply["answer"], case["type"]) or rrsigs(reply["authority"]))
    stripped = case["ede"] in (9, 10) and case["name"].endswith(("stripped.test.",
                                                                 "nodnskey.test."))
    if signed_zone and not stripped and not has_sigs:
        problems.append("no RRSIG")
    if not signed_zone and rrsigs(reply["answer"], case["type"]):
        problems.append("RRSIG over data of an unsigned zone")
    if stripped and has_sigs:
        problems.append("RRSIG in a stripped zone")
    return problems


def verdict(reply):
    if reply["status"] == "SERVFAIL":
        return "bogus"
    if reply["status"] is None:
        return "no reply"
    return "secure" if "ad" in reply["flags"] else "insecure"


def verify_zones(world):
    failures = 0
    print("\nldns-verify-zone on every served file")
    for zone in world.zones:
        result = subprocess.run(["ldns-verify-zone", str(world.directory / zone.file_name)],
                                capture_output=True, text=True, check=False)
        output = (result.stdout + result.stderr).strip()
        expected_error = EXPECTED_VERIFY_ERRORS.get(zone.origin)
        if expected_error is None:
            ok = result.returncode == 0
            seen = "verified" if ok else output.splitlines()[0]
        else:
            ok = result.returncode != 0 and expected_error in output
            seen = f"fails as it should: {expected_error}" if ok else output[:200]
        failures += not ok
        print(f"  {'ok  ' if ok else 'FAIL'} {zone.origin:<26} {seen}")
    return failures


def check_keytrap(world):
    """Each KeyTrap zone as the non-validating Unbound serves it (CVE-2023-50387)."""
    failures = 0
    for zone in world.zones:
        trap = zone.signing.keytrap if zone.signing is not None else None
        if trap is None:
            continue
        tag = world.signed.keytrap_tags[zone.origin]
        print(f"\nKeyTrap zone {zone.origin} through the non-validating Unbound (+cd +dnssec), "
              f"shared key tag {tag}")
        reply = dig(world.unbound_port, zone.origin, "DNSKEY", "+cd")
        keys = [rdata for _owner, rrtype, rdata in reply["answer"] if rrtype == "DNSKEY"]
        sharing = sum(world_signing.key_tag(world_signing.dnskey_wire(key)) == tag
                      for key in keys)
        ok = sharing == trap.keys + 1
        failures += not ok
        print(f"  {'ok  ' if ok else 'FAIL'} DNSKEY: {len(keys)} keys, {sharing} with tag {tag} "
              f"(1 real ZSK + {trap.keys} crafted); RRSIG {len(rrsigs(reply['answer'], 'DNSKEY'))}")
        for owner, rrtype in trap.rrsets:
            reply = dig(world.unbound_port, owner, rrtype, "+cd")
            sigs = [rdata.split() for _owner, kind, rdata in reply["answer"]
                    if kind == "RRSIG" and rdata.split()[0] == rrtype]
            with_tag = sum(int(fields[6]) == tag for fields in sigs)
            udp = dig(world.unbound_port, owner, rrtype, "+cd", "+ignore", "+bufsize=1232")
            ok = reply["status"] == "NOERROR" and with_tag == trap.signatures + 1
            failures += not ok
            print(f"  {'ok  ' if ok else 'FAIL'} {owner} {rrtype}: {len(sigs)} RRSIGs, {with_tag} "
                  f"with tag {tag} (1 real + {trap.signatures} random); "
                  f"{'truncated over UDP, whole over TCP' if 'tc' in udp['flags'] else 'fits UDP'}")
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-port", type=int, help="NSD's port; Unbounds on the next two")
    parser.add_argument("--keep", action="store_true", help="keep the directory, print its path")
    args = parser.parse_args()
    base = args.base_port or world_module.free_base_port(3)
    directory = pathlib.Path(tempfile.mkdtemp(prefix="vigil-check-world-"))
    world = world_module.World(directory, base_port=base)
    validating = None
    failures = 0
    try:
        world.start()
        print(f"World.start() took {world.timings['start']:.2f} s "
              f"(keys + signing + checks {world.timings['sign']:.2f} s); directory {directory}")
        print(f"trust anchor {world.trust_anchor_file}:")
        print("  " + world.trust_anchor_file.read_text().strip().replace("\n", "\n  "))

        validating_port = base + 2
        conf = directory / "unbound-validating.conf"
        conf.write_text(world_servers.unbound_config(
            directory, validating_port, world.nsd_port, world.zones,
            trust_anchor_file=world.trust_anchor_file, name="unbound-validating"))
        validating = world_servers.Server.start(
            "unbound-validating", ["unbound", "-d", "-c", str(conf)],
            directory / "unbound-validating.log")
        world_servers.wait_until_ready(validating, validating_port, "www.example.test.", "A")

        failures += verify_zones(world)

        print("\nDS example.test. through the non-validating Unbound (+cd +dnssec)")
        reply = dig(world.unbound_port, "example.test.", "DS", "+cd")
        signers = [signer for _, signer in rrsigs(reply["answer"], "DS")]
        ok = bool([r for r in reply["answer"] if r[1] == "DS"]) and signers == ["test."]
        failures += not ok
        print(f"  {'ok  ' if ok else 'FAIL'} {describe_served({'type': 'DS'}, reply)}")

        failures += check_keytrap(world)

        print(f"\nEvery case of DNSSEC_CASES through the non-validating Unbound "
              f"({world.unbound_address}), dig +dnssec +cd")
        for case in world_zones.DNSSEC_CASES:
            reply = dig(world.unbound_port, case["name"], case["type"], "+cd")
            problems = served_problems(case, reply)
            if case["expect"] == "bogus":
                plain = dig(world.unbound_port, case["name"], case["type"])
                if plain["status"] == "SERVFAIL":
                    problems.append("SERVFAIL without +cd")
            failures += bool(problems)
            print(f"  {'ok  ' if not problems else 'FAIL'} {case['name']:<28} {case['type']:<6} "
                  f"{describe_served(case, reply)}" + (f"  <- {'; '.join(problems)}"
                                                         if problems else ""))

        print(f"\nThe same cases through a validating Unbound (127.0.0.1:{validating_port}, "
              f"trust anchor root-anchor.ds), dig +dnssec: verdict and EDE")
        for case in world_zones.DNSSEC_CASES:
            reply = dig(validating_port, case["name"], case["type"])
            seen = verdict(reply)
            ok = seen == case["expect"]
            note = ""
            if reply["ede"] != case["ede"]:
                note = f"  (EDE {reply['ede']}, table {case['ede']})"
            policy = POLICY_DIFFERENCES.get((case["name"], case["type"]))
            if not ok and policy:
                note += f"  policy: {policy}"
            failures += not ok and not policy
            mark = "ok  " if ok else "POLICY" if policy else "DIFF"
            print(f"  {mark:<4} {case['name']:<28} {case['type']:<6} "
                  f"table {case['expect']:<8} unbound {seen:<8} {reply['status']}{note}")
    except RuntimeError as error:
        print(f"check_world: {error}", file=sys.stderr)
        failures += 1
    finally:
        if validating is not None:
            validating.stop()
        world.stop()
        if not args.keep:
            shutil.rmtree(directory, ignore_errors=True)
    print(f"\ncheck_world: {'all good' if not failures else f'{failures} problem(s)'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
