#!/usr/bin/python3
"""Writes the seed corpora of the fuzz targets, tests/fuzz/corpus/<target>/, and
tests/fuzz/validator_world.h. Run it by hand when a target's input format changes; its output is
checked in (the smoke never regenerates it).

Real DNS messages, from three places:
  - the signed world of tools/world (NSD + a non-validating Unbound, fresh keys): for every case
    of world_zones.DNSSEC_CASES (secure, insecure and bogus answers; NSEC, NSEC3, wildcards,
    CNAME and DNAME chains, KeyTrap), the answer as vigild receives it (RD, DO, CD, over TCP)
    and the DS and DNSKEY replies its validator asks for. The world's root trust anchor and the
    time of the run go to validator_world.h, so the validator target sees the seeds as the world
    was: signatures valid, anchor matching;
  - dnspython: client queries of every shape check_client_query sorts, and upstream replies
    shaped like the attacks of ../../shared/THREATS.md (MaginotDNS NS and glue, long or looping
    CNAME chains, RRSIG floods, referrals, TSIG);
  - the project's own files: trust-anchors/root.ds, Debian's root.key, vigil.conf.sample.

Usage: tests/fuzz/make_corpus.py   (takes about 20 s: the world signs its zones)
"""
import os
import pathlib
import re
import shutil
import struct
import sys
import time

import dns.edns
import dns.flags
import dns.message
import dns.name
import dns.opcode
import dns.query
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset
import dns.tsigkeyring

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CORPUS = HERE / "corpus"
sys.path.insert(0, str(ROOT / "tools" / "world"))

import world as world_module  # noqa: E402
import world_zones  # noqa: E402


def write(target, name, data):
    directory = CORPUS / target
    directory.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_")
    (directory / safe).write_bytes(data if isinstance(data, bytes) else data.encode())


def frames(*messages):
    """DNS over TCP framing (RFC 1035 4.2.2), the format of the multi-message targets."""
    return b"".join(struct.pack("!H", len(m)) + m for m in messages)


def rrset(text_lines):
    """An RRset from zone-file lines "owner ttl class type rdata" (all one RRset)."""
    first = text_lines[0].split(None, 4)
    result = dns.rrset.from_text(first[0], int(first[1]), first[2], first[3],
                                 *[line.split(None, 4)[4] for line in text_lines])
    return result


def reply(qname, qtype, answer=(), authority=(), additional=(), rcode=dns.rcode.NOERROR,
          flags=dns.flags.QR | dns.flags.RD | dns.flags.RA):
    query = dns.message.make_query(qname, qtype, want_dnssec=True)
    message = dns.message.make_response(query)
    message.flags = flags
    message.set_rcode(rcode)
    for section, rrsets in ((message.answer, answer), (message.authority, authority),
                            (message.additional, additional)):
        for lines in rrsets:
            section.append(rrset(lines))
    return message


# --- client queries --------------------------------------------------------------------------

def client_queries():
    """(name, wire) for queries of every shape check_client_query decides on."""
    q = dns.message.make_query
    out = [
        ("a", q("www.example.test.", "A")),
        ("aaaa-do", q("www.example.test.", "AAAA", want_dnssec=True)),
        ("mx-edns0", q("example.test.", "MX", use_edns=0)),
        ("txt-cd", q("big.example.test.", "TXT", want_dnssec=True)),
        ("any", q("example.test.", "ANY")),
        ("axfr", q("example.test.", "AXFR")),
        ("maila", q("example.test.", "MAILA")),
        ("opt-qtype", q("example.test.", "OPT")),
        ("tsig-qtype", q("example.test.", "TSIG")),
        ("ds-root", q(".", "DNSKEY", want_dnssec=True)),
        ("class-ch", q("version.bind.", "TXT", rdclass="CH")),
        ("edns-version1", q("www.example.test.", "A", use_edns=1)),
        ("cookie", q("www.example.test.", "A", use_edns=0,
                     options=[dns.edns.GenericOption(10, b"\x01\x02\x03\x04\x05\x06\x07\x08")])),
        ("ecs", q("www.example.test.", "A", use_edns=0,
                  options=[dns.edns.ECSOption("192.0.2.0", 24)])),
        ("payload-4096", q("www.example.test.", "A", use_edns=0, payload=4096)),
        ("long-name", q(".".join(["a" * 63] * 3 + ["b" * 61]) + ".", "A")),
        ("escaped-name", q(dns.name.from_text(r"a\.b\000c.example.test."), "A")),
    ]
    wires = [(name, m.to_wire()) for name, m in out]
    cd = q("www.example.test.", "A", want_dnssec=True)
    cd.flags |= dns.flags.CD
    wires.append(("cd", cd.to_wire()))
    notify = q("example.test.", "SOA")
    notify.set_opcode(dns.opcode.NOTIFY)
    wires.append(("opcode-notify", notify.to_wire()))
    update = q("example.test.", "SOA")
    update.set_opcode(dns.opcode.UPDATE)
    wires.append(("opcode-update", update.to_wire()))
    response = q("www.example.test.", "A")
    response.flags |= dns.flags.QR
    wires.append(("qr-set", response.to_wire()))
    ixfr = q("example.test.", "IXFR")
    ixfr.authority.append(rrset(["example.test. 300 IN SOA ns.example.test. h.example.test. "
                                 "1 7200 3600 1209600 300"]))
    wires.append(("ixfr-soa", ixfr.to_wire()))
    with_answer = q("www.example.test.", "A")
    with_answer.answer.append(rrset(["www.example.test. 300 IN A 192.0.2.1"]))
    wires.append(("answer-in-query", with_answer.to_wire()))
    plain = q("www.example.test.", "A").to_wire()
    wires += [
        ("short", plain[:11]),
        ("header-only", plain[:2] + b"\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00"),
        ("qdcount-2", plain[:4] + b"\x00\x02" + plain[6:] + plain[12:]),
        ("truncated-question", plain[:20]),
        ("trailing-bytes", plain + b"\x00\x00"),
        ("compressed-qname", plain[:12] + b"\x03www\xc0\x0c\x00\x01\x00\x01"),
        ("label-64", plain[:12] + b"\x40" + b"a" * 64 + b"\x00\x00\x01\x00\x01"),
        ("two-opts", _two_opts()),
        ("opt-in-answer", _opt_in_answer()),
    ]
    return wires


def _two_opts():
    wire = bytearray(dns.message.make_query("www.example.test.", "A", use_edns=0).to_wire())
    opt = wire[-11:]
    wire[11] = 2  # ARCOUNT
    return bytes(wire + opt)


def _opt_in_answer():
    wire = bytearray(dns.message.make_query("www.example.test.", "A", use_edns=0).to_wire())
    wire[7], wire[11] = 1, 0  # the OPT counted as an answer record
    return bytes(wire)


# --- upstream replies shaped like attacks ----------------------------------------------------

def crafted_replies():
    soa = "example.test. 300 IN SOA ns.example.test. hostmaster.example.test. 1 7200 3600 1209600 300"
    sig = ("{owner} 300 IN RRSIG A 13 3 300 20300101000000 20200101000000 {tag} example.test. "
           "dGhpcyBpcyBub3QgYSByZWFsIHNpZ25hdHVyZSwganVzdCBieXRlcyBvZiB0aGUgcmlnaHQgc2l6ZSE=")
    out = {}
    out["maginot-ns-glue"] = reply(
        "www.example.test.", "A", [["www.example.test. 300 IN A 192.0.2.80"]],
        authority=[["test. 86400 IN NS ns.attacker.example."],
                   ["victim.test. 86400 IN NS ns.attacker.example."]],
        additional=[["ns.attacker.example. 86400 IN A 203.0.113.66"],
                    ["www.victim.test. 86400 IN A 203.0.113.66"]])
    out["unrelated-answer"] = reply(
        "www.example.test.", "A", [["www.example.test. 300 IN A 192.0.2.80"],
                                   ["www.bank.test. 86400 IN A 203.0.113.66"]])
    chain = [[f"c{i}.example.test. 300 IN CNAME c{i + 1}.example.test."] for i in range(12)]
    out["cname-chain-12"] = reply("c0.example.test.", "A",
                                  chain + [["c12.example.test. 300 IN A 192.0.2.1"]])
    out["cname-chain-3"] = reply("c9.example.test.", "A",
                                 chain[9:] + [["c12.example.test. 300 IN A 192.0.2.1"]])
    out["cname-loop"] = reply("a.example.test.", "A",
                              [["a.example.test. 300 IN CNAME b.example.test."],
                               ["b.example.test. 300 IN CNAME a.example.test."]])
    out["dname"] = reply("www.dname.example.test.", "A",
                         [["dname.example.test. 300 IN DNAME other.test."],
                          ["www.dname.example.test. 300 IN CNAME www.other.test."],
                          ["www.other.test. 300 IN A 192.0.2.30"]])
    out["rrsig-flood-9"] = reply(
        "www.example.test.", "A", [["www.example.test. 300 IN A 192.0.2.80"],
                                   [sig.format(owner="www.example.test.", tag=1000 + i)
                                    for i in range(9)]])
    out["wildcard-labels"] = reply(
        "a.b.wild.example.test.", "A",
        [["a.b.wild.example.test. 300 IN A 192.0.2.99"],
         [sig.format(owner="a.b.wild.example.test.", tag=4242).replace(" A 13 3 ", " A 13 2 ")]])
    out["answer-101-records"] = reply(
        "many.example.test.", "A",
        [[f"many.example.test. 300 IN A 10.0.{i // 256}.{i % 256}" for i in range(101)]])
    out["any"] = reply("example.test.", "ANY", [[soa], ["example.test. 300 IN NS ns.example.test."],
                                               ["example.test. 300 IN MX 10 mail.example.test."]])
    out["rrsig-query"] = reply("www.example.test.", "RRSIG",
                               [[sig.format(owner="www.example.test.", tag=7)]])
    out["cname-query"] = reply("alias.example.test.", "CNAME",
                               [["alias.example.test. 300 IN CNAME www.example.test."],
                                ["www.example.test. 300 IN A 192.0.2.80"]])
    out["nxdomain-foreign-soa"] = reply(
        "nothing.example.test.", "A",
        authority=[["victim.test. 300 IN SOA ns.victim.test. h.victim.test. 1 2 3 4 5"], [soa],
                   ["example.test. 300 IN NSEC zzz.example.test. NS SOA RRSIG NSEC DNSKEY"]],
        rcode=dns.rcode.NXDOMAIN)
    out["referral"] = reply("www.example.test.", "A",
                            authority=[["example.test. 86400 IN NS ns1.example.test."]],
                            additional=[["ns1.example.test. 86400 IN A 192.0.2.53"]],
                            flags=dns.flags.QR)
    out["class-ch-answer"] = reply("www.example.test.", "A",
                                   [["www.example.test. 300 CH A ch.example.test. 1234"]])
    out["nsec3-nodata"] = reply(
        "onlytxt.nsec3.test.", "A",
        authority=[["nsec3.test. 300 IN SOA ns.nsec3.test. h.nsec3.test. 1 2 3 4 5"],
                   ["8bjvqbiruft4fp3fo0qu5m8hdqgsl3fl.nsec3.test. 300 IN NSEC3 1 0 0 - "
                    "8bjvqbiruft4fp3fo0qu5m8hdqgsl3fm TXT RRSIG"]])
    truncated = reply("big.example.test.", "TXT")
    truncated.flags |= dns.flags.TC
    out["truncated"] = truncated
    wires = {name: message.to_wire(max_size=65535) for name, message in out.items()}
    signed = reply("www.example.test.", "A", [["www.example.test. 300 IN A 192.0.2.80"]])
    keyring = dns.tsigkeyring.from_text({"key.example.": "c2VjcmV0c2VjcmV0c2VjcmV0"})
    signed.use_tsig(keyring, "key.example.")
    wires["tsig"] = signed.to_wire()
    cookie = reply("www.example.test.", "A", [["www.example.test. 300 IN A 192.0.2.80"]])
    cookie.use_edns(0, 0, 1232, options=[
        dns.edns.GenericOption(10, bytes(range(24))),
        dns.edns.GenericOption(15, b"\x00\x06bogus")])
    wires["cookie-ede"] = cookie.to_wire()
    return wires


# --- the signed world ------------------------------------------------------------------------

def ask(address, name, rrtype):
    """The reply vigild would get: RD, DO, CD (it validates itself), over TCP (no truncation)."""
    host, port = address.rsplit(":", 1)
    query = dns.message.make_query(name, rrtype, want_dnssec=True, payload=1232)
    query.flags |= dns.flags.CD
    return dns.query.tcp(query, host, port=int(port), timeout=10).to_wire()


def ancestors(name):
    labels = dns.name.from_text(name)
    while True:
        yield labels.to_text().lower()
        if labels == dns.name.root:
            return
        labels = labels.parent()


def names_in(wire):
    """Every owner and RRSIG signer of the answer and authority sections."""
    message = dns.message.from_wire(wire)
    names = {message.question[0].name.to_text()}
    for section in (message.answer, message.authority):
        for found in section:
            names.add(found.name.to_text())
            if found.rdtype == dns.rdatatype.RRSIG:
                names.update(rr.signer.to_text() for rr in found)
            if found.rdtype in (dns.rdatatype.CNAME, dns.rdatatype.DNAME):
                names.update(rr.target.to_text() for rr in found)
    return names


def world_seeds(world):
    """(case name, answer wire, [DS and DNSKEY reply wires]) for every DNSSEC case."""
    replies = {}
    seeds = []
    for case in world_zones.DNSSEC_CASES:
        answer = ask(world.unbound_address, case["name"], case["type"])
        needed = []
        for owner in sorted({a for n in names_in(answer) for a in ancestors(n)}):
            for rrtype in ("DNSKEY", "DS"):
                key = (owner, rrtype)
                if key not in replies:
                    replies[key] = ask(world.unbound_address, owner, rrtype)
                needed.append(replies[key])
        seeds.append((f"{case['expect']}-{case['name']}{case['type']}", answer, needed))
    return seeds


def write_validator_world(anchor_text, now):
    lines = [" ".join(line.split()) for line in anchor_text.splitlines() if line.strip()]
    body = "".join(f'    "{line}\\n"\n' for line in lines)
    (HERE / "validator_world.h").write_text(
        "// Written by make_corpus.py with the seeds of corpus/validator/: the trust anchor of the\n"
        "// signed world (tools/world) they were taken from, and a time at which its signatures were\n"
        "// valid. Regenerate both together.\n"
        "#pragma once\n\n"
        "#include <cstdint>\n\n"
        "namespace vigil::fuzz {\n\n"
        "inline constexpr const char* kWorldTrustAnchor =\n"
        f"{body.rstrip()};\n"
        f"inline constexpr int64_t kWorldNow = {now};  // {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(now))}\n\n"
        "}  // namespace vigil::fuzz\n")


# --- text inputs -----------------------------------------------------------------------------

def trust_anchor_seeds(world_anchor):
    root_ds = (ROOT / "trust-anchors" / "root.ds").read_text()
    out = {
        "root.ds": root_ds,
        "world-root-anchor.ds": world_anchor,
        "debian-root.key": pathlib.Path("/usr/share/dns/root.key").read_text(),
        "debian-root.ds": pathlib.Path("/usr/share/dns/root.ds").read_text(),
        "ds-ttl-class": ". 172800 IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D\n",
        "ds-sha1-sha384": "example.test. DS 12345 13 1 0123456789ABCDEF0123456789ABCDEF01234567\n"
                          "example.test. DS 12345 13 4 " + "AB" * 48 + "\n",
        "dnskey-zsk": "example.test. 3600 IN DNSKEY 256 3 13 "
                      "mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==\n",
        "dnskey-not-zone-key": "example.test. DNSKEY 0 3 13 "
                               "mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==\n",
        "comments-only": "; nothing but a comment\n\n   ; and another\n",
        "bad-base64": ". DNSKEY 257 3 8 not*base64\n",
        "a-record": "www.example.test. A 192.0.2.1\n",
        "mixed": "; two zones\n" + root_ds + "example.test. DS 1 13 2 " + "CD" * 32 + " ; trailing\n",
    }
    xml = ('<?xml version="1.0" encoding="UTF-8"?>\n'
           '<TrustAnchor id="0" source="http://data.iana.org/root-anchors/root-anchors.xml">\n'
           "<Zone>.</Zone>\n")
    for tag, digest, until in ((19036, "49AAC11D7B6F6446702E54A1607371607A1A41855200FD2CE1CDDE32F24E8FB5",
                                ' validUntil="2019-01-11T00:00:00+00:00"'),
                               (20326, "E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D", ""),
                               (38696, "683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16", "")):
        xml += (f'<KeyDigest id="{tag}" validFrom="2010-07-15T00:00:00+00:00"{until}>\n'
                f"<KeyTag>{tag}</KeyTag>\n<Algorithm>8</Algorithm>\n<DigestType>2</DigestType>\n"
                f"<Digest>{digest}</Digest>\n</KeyDigest>\n")
    out["root-anchors.xml"] = xml + "</TrustAnchor>\n"
    out["xml-truncated"] = out["root-anchors.xml"][:300]
    return out


def config_seeds():
    sample = (ROOT / "daemon" / "config" / "vigil.conf.sample").read_text()
    out = {"sample": sample}
    examples = re.findall(r"(?m)^#(?:   )?([a-z0-9-]+) (.+)$", sample)
    for index, (key, value) in enumerate(examples):
        out[f"{index:02d}-{key}"] = f"{key} {value}\n"
    out["typical"] = ("listen 127.0.0.1:5300\nupstream 192.0.2.1\nupstream [2001:db8::1]:53\n"
                      "forward corp.test=10.0.0.53,10.0.0.54:5353\ndnssec validate\n"
                      "pin 'api.pay.test A 192.0.2.7'\nguard '*.bank.test 192.0.2.0/24 2001:db8::/32'\n"
                      "insecure 'lab.test 2030-01-01'\ncache-size 32m\nuse-0x20 yes\n"
                      "query-timeout 3s\nupstream-timeout 1500ms\nlog-level info\n")
    out["quotes-comments"] = ("upstream \"192.0.2.1\"   # primary\n"
                              "pin \"x.test TXT \\\"a # b\\\"\"\r\n'log-level' debug\n#\n\t\n")
    out["errors"] = "frobnicate 1\nupstream\nquery-timeout 1s\nupstream-timeout 2s\n"
    return out


def config_dictionary():
    keys = set(re.findall(r'ConfigKey\{"([a-z0-9-]+)"',
                          (ROOT / "daemon" / "config" / "config_keys.cc").read_text()))
    words = sorted(keys) + ["yes", "no", "validate", "off", "none", "allow", "refuse", "deny",
                            "ms", "s", "m", "k", "g", "A", "AAAA", "TXT", "CNAME", "MX", "*.",
                            "127.0.0.1:53", "[::1]:53", "/24", "/128", "=", ",", "'", "\"", "#"]
    (HERE / "config.dict").write_text(
        "# libFuzzer dictionary for fuzz_config (written by make_corpus.py): the config keys of\n"
        "# daemon/config/config_keys.cc and the words their values use.\n"
        + "".join(f'"{w}"\n' if '"' not in w else '"\\""\n' for w in words))


def main():
    for target in ("client_query", "tcp_frames", "upstream_reply", "validator", "trust_anchors",
                   "config"):
        shutil.rmtree(CORPUS / target, ignore_errors=True)

    queries = client_queries()
    for name, wire in queries:
        write("client_query", name, wire)
    by_name = dict(queries)
    streams = {
        "one": [by_name["a"]],
        "three": [by_name["a"], by_name["aaaa-do"], by_name["any"]],
        "pipelined-mixed": [by_name["cookie"], by_name["qr-set"], by_name["axfr"],
                            by_name["two-opts"], by_name["a"]],
        "short-frame": [by_name["a"], by_name["short"], by_name["mx-edns0"]],
        "bad-then-good": [by_name["compressed-qname"], by_name["trailing-bytes"], by_name["cd"]],
    }
    for index in range(0, len(queries) - 2, 3):  # more neighbours, pipelined
        streams[f"{queries[index][0]}+{queries[index + 1][0]}+{queries[index + 2][0]}"] = [
            wire for _, wire in queries[index:index + 3]]
    for name, messages in streams.items():
        write("tcp_frames", name, frames(*messages))
    write("tcp_frames", "zero-length", frames(by_name["a"], b"", by_name["a"]))
    write("tcp_frames", "incomplete-last", frames(by_name["a"], by_name["any"])[:-5])
    write("tcp_frames", "length-65535", b"\xff\xff" + by_name["a"])

    for name, wire in crafted_replies().items():
        write("upstream_reply", "crafted-" + name, wire)

    with world_module.World(base_port=world_module.free_base_port()) as world:
        anchor = world.trust_anchor_file.read_text()
        now = int(time.time()) + 3600
        for name, answer, needed in world_seeds(world):
            write("upstream_reply", "world-" + name, answer)
            write("validator", name, frames(answer, *needed))
        host, port = world.nsd_address.rsplit(":", 1)
        for name, rrtype in (("www.example.test.", "A"), ("www.insecure.test.", "A"),
                             ("nothing.nsec3.test.", "A")):
            query = dns.message.make_query(name, rrtype, want_dnssec=True)
            referral = dns.query.tcp(query, host, port=int(port), timeout=10).to_wire()
            write("upstream_reply", f"nsd-{name}{rrtype}", referral)
    write_validator_world(anchor, now)

    for name, text in trust_anchor_seeds(anchor).items():
        write("trust_anchors", name, text)
    for name, text in config_seeds().items():
        write("config", name, text)
    config_dictionary()
    for target in sorted(os.listdir(CORPUS)):
        files = list((CORPUS / target).iterdir())
        print(f"{target}: {len(files)} files, {sum(f.stat().st_size for f in files)} bytes")


if __name__ == "__main__":
    main()
