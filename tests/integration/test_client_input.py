"""What vigild does with what clients send: opcodes, malformed and hostile packets, special
question types, TCP framing, pipelining, stalled and idle connections, connection limits and
access control."""
import random
import select
import socket
import struct
import time
import unittest

import dns.message
import dns.name
import dns.opcode
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset

from harness import (Vigild, malformed_queries, rcode_of, receive_tcp_message,
                     send_tcp_message, started)
from scripted_upstream import ScriptedUpstream, Send, reply_wire

BIG_TXT = " ".join(f'"{"b" * 240}{i}"' for i in range(4))  # about 1 KB: fits 1232 octets
RECORDS = {
    ("www.example.test.", "A"): ["www.example.test. 300 IN A 192.0.2.80"],
    ("first.example.test.", "A"): ["first.example.test. 300 IN A 192.0.2.1"],
    ("second.example.test.", "A"): ["second.example.test. 300 IN A 192.0.2.2"],
    ("third.example.test.", "A"): ["third.example.test. 300 IN A 192.0.2.3"],
}
# Seconds the upstream waits before answering these names (for the pipelining test).
DELAYS = {"first.example.test.": 0.6, "second.example.test.": 0.3, "third.example.test.": 0.0}

HEADER = struct.Struct("!HHHHHH")
QR = 0x8000


def upstream_script(request):
    """Answers from RECORDS (with DELAYS), any *.big.example.test TXT with about 1 KB of TXT,
    NXDOMAIN otherwise."""
    question = request.message.question[0]
    name = question.name.to_text().lower()
    rdtype = dns.rdatatype.to_text(question.rdtype)
    if name.endswith("big.example.test.") and rdtype == "TXT":
        return [Send(reply_wire(request, [f"{question.name.to_text()} 300 IN TXT {BIG_TXT}"]))]
    if (name, rdtype) in RECORDS:
        return [Send(reply_wire(request, RECORDS[(name, rdtype)]), delay=DELAYS.get(name, 0.0))]
    return [Send(reply_wire(request, rcode=dns.rcode.NXDOMAIN))]


def header_of(wire):
    """(id, flags, qdcount, ancount, nscount, arcount) of a DNS message."""
    return HEADER.unpack(wire[:12])


def query_wire(qid, flags, questions, counts=None):
    """A hand-built query: `questions` are raw question-section bytes; `counts` overrides the
    header's (qd, an, ns, ar)."""
    counts = counts or (len(questions), 0, 0, 0)
    return HEADER.pack(qid, flags, *counts) + b"".join(questions)


def question(name_wire, qtype=1, qclass=1):
    return name_wire + struct.pack("!HH", qtype, qclass)


WWW_NAME = b"\x03www\x07example\x04test\x00"


def recv_or_closed(connection, timeout):
    """b'' if the peer closed (or reset) the connection within `timeout`, else the data read or
    None on timeout."""
    connection.settimeout(timeout)
    try:
        return connection.recv(65535)
    except socket.timeout:
        return None
    except (ConnectionResetError, BrokenPipeError):
        return b""


class ClientInputTest(unittest.TestCase):
    def setUp(self):
        self.upstream = ScriptedUpstream("127.0.0.1", upstream_script)
        self.upstream.__enter__()
        self.addCleanup(self.upstream.stop)
        self.vigild = self.start_vigild()

    def start_vigild(self, *args):
        return started(self, Vigild("--upstream", self.upstream.endpoint, *args))

    def assert_www_answered(self, vigild=None, tcp=False, timeout=2, source=None):
        vigild = vigild or self.vigild
        query = dns.message.make_query("www.example.test.", "A")
        started = time.monotonic()
        reply = vigild.send(query, tcp=tcp, timeout=timeout, source=source)
        self.assertLess(time.monotonic() - started, timeout)
        self.assertEqual(reply.id, query.id)
        self.assertEqual(rcode_of(reply), "NOERROR")
        self.assertEqual([r.to_text() for r in reply.answer[0]], ["192.0.2.80"])

    def tcp_exchange(self, connection, message):
        send_tcp_message(connection, message.to_wire())
        reply = dns.message.from_wire(receive_tcp_message(connection))
        self.assertEqual(reply.id, message.id)
        return reply

    # 1. Opcodes.

    def test_opcodes_other_than_query_get_notimp_and_are_not_forwarded(self):
        for opcode in (dns.opcode.STATUS, dns.opcode.NOTIFY, dns.opcode.UPDATE):
            with self.subTest(opcode=dns.opcode.to_text(opcode)):
                query = dns.message.make_query("www.example.test.", "SOA")
                query.set_opcode(opcode)
                reply = self.vigild.send(query, timeout=2)
                self.assertEqual(reply.id, query.id)
                self.assertEqual(rcode_of(reply), "NOTIMP")
                self.assertEqual(reply.opcode(), opcode, "the reply keeps the query's opcode")
                self.assertEqual(reply.question[0].name.to_text(), "www.example.test.")
                self.assertEqual(len(reply.answer), 0)
        # A NOTIMP also for an opcode with no question at all (header-only reply).
        wire = self.vigild.send_raw_udp(query_wire(0x4242, 2 << 11, [], (0, 0, 0, 0)))
        self.assertIsNotNone(wire)
        qid, flags, qdcount, *_ = header_of(wire)
        self.assertEqual((qid, flags & QR, (flags >> 11) & 0xF, flags & 0xF), (0x4242, QR, 2, 4))
        self.assertEqual(self.upstream.requests, [], "the upstream saw no query")
        self.assertEqual(self.vigild.stats()["notimp"], 4)

    # 2. Malformed headers and questions.

    def assert_header_only_formerr(self, wire, qid):
        self.assertIsNotNone(wire, "expected a FORMERR reply")
        self.assertEqual(len(wire), 12, "a header-only reply")
        rid, flags, qdcount, ancount, nscount, arcount = header_of(wire)
        self.assertEqual(rid, qid)
        self.assertTrue(flags & QR)
        self.assertEqual(flags & 0xF, dns.rcode.FORMERR)
        self.assertEqual((qdcount, ancount, nscount, arcount), (0, 0, 0, 0))

    def test_wrong_question_counts_and_malformed_names_get_formerr(self):
        cases = {
            "qdcount 0": query_wire(0x1001, 0x0100, [], (0, 0, 0, 0)),
            "qdcount 2": query_wire(0x1002, 0x0100, [question(WWW_NAME), question(WWW_NAME)]),
            "qdcount 2, one question present": query_wire(0x1003, 0x0100, [question(WWW_NAME)],
                                                          (2, 0, 0, 0)),
            "label past the end": query_wire(0x1004, 0x0100, [b"\x03www\x3fexample"]),
            "label past the end, type and class bytes": query_wire(
                0x1005, 0x0100, [b"\x03www\x20exa\x00\x00\x01\x00\x01"]),
            "compression pointer loop": query_wire(0x1006, 0x0100, [b"\xc0\x0c\x00\x01\x00\x01"]),
            "pointer into the header": query_wire(0x1007, 0x0100,
                                                  [b"\x03www\xc0\x02\x00\x01\x00\x01"]),
            "reserved label type 0x40": query_wire(0x1008, 0x0100,
                                                   [b"\x41" + b"a" * 65 + b"\x00\x00\x01\x00\x01"]),
            "name over 255 octets": query_wire(
                0x1009, 0x0100, [(b"\x3f" + b"a" * 63) * 4 + b"\x00\x00\x01\x00\x01"]),
            "no type and class": query_wire(0x100a, 0x0100, [WWW_NAME + b"\x00"]),
        }
        for label, wire in cases.items():
            with self.subTest(case=label):
                qid = header_of(wire)[0]
                self.assert_header_only_formerr(self.vigild.send_raw_udp(wire, timeout=1), qid)
        self.assertEqual(self.upstream.requests, [])
        self.assertEqual(self.vigild.stats()["formerr"], len(cases))

    def test_a_formerr_flood_is_reported_once_as_a_security_event(self):
        wire = query_wire(0x2000, 0x0100, [], (0, 0, 0, 0))  # QDCOUNT 0: FORMERR
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as client:
            client.bind(("127.0.0.1", 0))
            for _ in range(150):  # well within one second
                client.sendto(wire, (self.vigild.address, self.vigild.port))
        self.vigild.wait_for_log(r"event=formerr_flood")
        events = self.vigild.security_events("formerr_flood")
        self.assertEqual(events, [{"event": "formerr_flood", "threshold_per_second": "100"}])
        self.assert_www_answered()

    def test_short_packets_and_responses_get_no_reply(self):
        valid = dns.message.make_query("www.example.test.", "A").to_wire()
        response = bytearray(valid)
        response[2] |= 0x80  # QR=1
        cases = {
            "empty header": b"",
            "1 octet": b"\x12",
            "11 octets": valid[:11],
            "a response": bytes(response),
            "a response without question": query_wire(0x2001, 0x8180, [], (0, 0, 0, 0)),
        }
        for label, wire in cases.items():
            with self.subTest(case=label):
                self.assertIsNone(self.vigild.send_raw_udp(wire, timeout=0.3))
        # The daemon still answers, and counted the dropped ones (the empty datagram carries
        # no query at all).
        self.assert_www_answered()
        stats = self.vigild.stats()
        self.assertEqual(stats["client_dropped"], len(cases) - 1)
        self.assertEqual(self.upstream.requests_by("udp")[0].message.question[0].name.to_text()
                         .lower(), "www.example.test.")
        self.assertEqual(len(self.upstream.requests), 1, "only the valid query went upstream")

    # 3. Classes and types answered locally.

    def test_chaos_class_is_refused(self):
        query = dns.message.make_query("version.bind.", "TXT", rdclass=dns.rdataclass.CH)
        reply = self.vigild.send(query, timeout=2)
        self.assertEqual(rcode_of(reply), "REFUSED")
        self.assertEqual(reply.question[0].rdclass, dns.rdataclass.CH)
        self.assertEqual(len(reply.answer), 0)
        self.assertEqual(self.upstream.requests, [])

    def test_zone_transfers_are_refused(self):
        for qtype in ("AXFR", "IXFR"):
            with self.subTest(qtype=qtype):
                query = dns.message.make_query("example.test.", qtype)
                reply = self.vigild.send(query, timeout=2)
                self.assertEqual(rcode_of(reply), "REFUSED")
                self.assertEqual(reply.question[0].rdtype, dns.rdatatype.from_text(qtype))
                self.assertEqual(len(reply.answer), 0)
        self.assertEqual(self.upstream.requests, [])

    def test_rfc1995_ixfr_with_soa_in_authority_is_refused(self):
        # RFC 1995 section 3: an IXFR query carries the client's SOA in its authority section.
        # It is a well-formed query for something a stub does not serve: REFUSED, not FORMERR.
        query = dns.message.make_query("example.test.", "IXFR")
        query.authority.append(dns.rrset.from_text(
            "example.test.", 0, "IN", "SOA", "ns.example.test. host.example.test. 5 1 1 1 1"))
        reply = self.vigild.send(query, timeout=2)
        self.assertEqual(rcode_of(reply), "REFUSED")
        self.assertEqual(self.upstream.requests, [])

    def test_any_gets_the_rfc8482_hinfo_answer_without_asking_upstream(self):
        for use_edns in (False, 0):
            with self.subTest(use_edns=use_edns):
                query = dns.message.make_query("Example.TEST.", "ANY", use_edns=use_edns)
                reply = self.vigild.send(query, timeout=2)
                self.assertEqual(rcode_of(reply), "NOERROR")
                self.assertEqual(reply.question[0].name.to_text(), "Example.TEST.")
                self.assertEqual(len(reply.answer), 1)
                rrset = reply.answer[0]
                self.assertEqual(rrset.rdtype, dns.rdatatype.HINFO)
                self.assertEqual(rrset.name, dns.name.from_text("example.test."))
                self.assertEqual(len(rrset), 1)
                self.assertEqual(rrset[0].cpu, b"RFC8482")
                self.assertEqual(reply.edns, 0 if use_edns is not False else -1)
        self.assertEqual(self.upstream.requests, [])
        self.assertEqual(self.vigild.stats()["any_answered"], 2)

    def test_local_replies_over_tcp_come_once_and_the_daemon_survives(self):
        # Replies vigild makes itself (ANY, REFUSED, FORMERR) over TCP: exactly one reply per
        # query, the connection keeps working, the daemon keeps running.
        connection = self.vigild.tcp_connection(timeout=2)
        self.addCleanup(connection.close)
        reply = self.tcp_exchange(connection, dns.message.make_query("example.test.", "ANY"))
        self.assertEqual(rcode_of(reply), "NOERROR")
        self.assertEqual(reply.answer[0][0].cpu, b"RFC8482")
        extra = recv_or_closed(connection, 0.3)
        if extra is not None:
            self.fail(f"after the one reply: {len(extra)} more octets (starting {extra[:40]!r})"
                      if extra else "after the one reply: the connection was closed")
        reply = self.tcp_exchange(connection, dns.message.make_query("example.test.", "AXFR"))
        self.assertEqual(rcode_of(reply), "REFUSED")
        query = dns.message.make_query("www.example.test.", "A")
        reply = self.tcp_exchange(connection, query)
        self.assertEqual([r.to_text() for r in reply.answer[0]], ["192.0.2.80"])
        self.assertTrue(self.vigild.alive(), self.vigild.log())
        self.assert_www_answered()

    # 4. Garbage.

    def test_500_malformed_udp_packets_leave_the_daemon_answering(self):
        rng = random.Random(2026)
        packets = malformed_queries(rng, 500)
        sent = {}
        for index, packet in enumerate(packets):
            if len(packet) >= 2:
                packet[0:2] = struct.pack("!H", index)  # an ID to match replies to packets
            sent[index] = bytes(packet)
        replies = []
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as client:
            client.bind(("127.0.0.1", 0))
            client.setblocking(False)

            def drain(wait):
                while select.select([client], [], [], wait)[0]:
                    replies.append(client.recv(65535))
                    wait = 0

            for packet in sent.values():
                client.sendto(packet, (self.vigild.address, self.vigild.port))
                drain(0.002)
            deadline = time.monotonic() + 2
            while time.monotonic() < deadline:
                before = len(replies)
                drain(0.3)
                if len(replies) == before:
                    break
        self.assertTrue(self.vigild.alive(), self.vigild.log())
        for wire in replies:
            self.assertGreaterEqual(len(wire), 12)
            rid, flags = struct.unpack("!HH", wire[:4])
            self.assertIn(rid, sent, "a reply to a packet that was sent")
            packet = sent[rid]
            self.assertGreaterEqual(len(packet), 12, "no reply to a packet without a header")
            self.assertFalse(packet[2] & 0x80, "no reply to a response")
            self.assertTrue(flags & QR)
            opcode = (packet[2] >> 3) & 0xF
            self.assertEqual((flags >> 11) & 0xF, opcode)
            if opcode != 0:
                self.assertEqual(flags & 0xF, dns.rcode.NOTIMP)
        self.assertEqual(len({struct.unpack("!H", w[:2])[0] for w in replies}), len(replies),
                         "at most one reply per packet")
        self.assertGreater(len(replies), 100, "the mutated queries with a header get replies")
        self.assert_www_answered()
        stats = self.vigild.stats()
        nonempty = sum(1 for p in sent.values() if p)
        self.assertGreaterEqual(stats["client_queries_udp"], nonempty * 0.9)
        self.assertTrue(self.vigild.alive())

    def test_20_malformed_tcp_messages_leave_the_connection_and_daemon_working(self):
        rng = random.Random(2026)
        messages = [m for m in malformed_queries(rng, 60) if len(m) >= 1][:20]
        self.assertEqual(len(messages), 20)
        sent_ids = set()
        connection = self.vigild.tcp_connection(timeout=3)
        self.addCleanup(connection.close)
        for index, message in enumerate(messages):
            if len(message) >= 2:
                message[0:2] = struct.pack("!H", index)
                sent_ids.add(index)
            send_tcp_message(connection, bytes(message))
        query = dns.message.make_query("www.example.test.", "A")
        query.id = 40000
        send_tcp_message(connection, query.to_wire())
        answered = set()
        while True:
            try:
                wire = receive_tcp_message(connection)
            except (EOFError, OSError) as error:
                self.fail(f"connection lost before the valid query's answer ({error!r}); vigild "
                          f"alive: {self.vigild.alive()}\n{self.vigild.log()}")
            rid, flags = struct.unpack("!HH", wire[:4])
            if rid == query.id:
                break
            self.assertIn(rid, sent_ids)
            self.assertTrue(flags & QR)
            self.assertNotIn(rid, answered, f"a second reply to malformed message {rid}")
            answered.add(rid)
        reply = dns.message.from_wire(wire)
        self.assertEqual([r.to_text() for r in reply.answer[0]], ["192.0.2.80"])
        self.assertTrue(self.vigild.alive(), self.vigild.log())
        self.assert_www_answered(tcp=True)

    # 5. Stalled TCP clients.

    def test_stalled_tcp_clients_do_not_delay_others(self):
        # One sends one octet of a length prefix, then nothing.
        half = self.vigild.tcp_connection()
        self.addCleanup(half.close)
        half.sendall(b"\x00")
        # One pipelines 200 queries for about 1 KB answers and never reads; a small receive
        # buffer makes the replies back up in vigild.
        sink = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.addCleanup(sink.close)
        sink.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sink.connect((self.vigild.address, self.vigild.port))
        burst = b""
        for index in range(200):
            wire = dns.message.make_query(f"q{index}.big.example.test.", "TXT").to_wire()
            burst += struct.pack("!H", len(wire)) + wire
        sink.sendall(burst)
        time.sleep(0.2)
        # Meanwhile everybody else is answered at once, over UDP and a fresh TCP connection.
        for _ in range(3):
            self.assert_www_answered(timeout=2)
            self.assert_www_answered(tcp=True, timeout=2)
            started = time.monotonic()
            reply = self.vigild.query("fresh.big.example.test.", "TXT", tcp=True, timeout=2)
            self.assertLess(time.monotonic() - started, 2)
            self.assertEqual(len(reply.answer[0]), 1)
            self.assertGreater(len(reply.to_wire()), 900)
            time.sleep(0.1)
        self.assertTrue(self.vigild.alive(), self.vigild.log())
        self.assertGreaterEqual(len(self.upstream.requests), 64, "the stalled client's queries "
                                "were worked on")

    # 6. Pipelining.

    def test_pipelined_tcp_queries_are_answered_as_they_complete(self):
        connection = self.vigild.tcp_connection(timeout=3)
        self.addCleanup(connection.close)
        queries = [dns.message.make_query(f"{name}.example.test.", "A")
                   for name in ("first", "second", "third")]
        for index, query in enumerate(queries):
            query.id = 1000 + index
        connection.sendall(b"".join(struct.pack("!H", len(w)) + w
                                    for w in (q.to_wire() for q in queries)))
        by_id = {query.id: query for query in queries}
        order = []
        for _ in queries:
            reply = dns.message.from_wire(receive_tcp_message(connection))
            query = by_id[reply.id]
            self.assertTrue(query.is_response(reply))
            self.assertEqual(reply.question[0].name, query.question[0].name)
            self.assertEqual(rcode_of(reply), "NOERROR")
            address = {"first": "192.0.2.1", "second": "192.0.2.2", "third": "192.0.2.3"}[
                query.question[0].name.labels[0].decode()]
            self.assertEqual([r.to_text() for r in reply.answer[0]], [address])
            order.append(reply.question[0].name.labels[0].decode())
        self.assertEqual(order, ["third", "second", "first"], "answers as they complete")

    def test_identical_pipelined_queries_beyond_the_in_flight_limit_are_all_answered(self):
        # 100 identical queries on one connection: 64 (the default) go in flight and are
        # deduplicated into one upstream query, the rest wait for room. Each gets its answer.
        connection = self.vigild.tcp_connection(timeout=3)
        self.addCleanup(connection.close)
        burst = b""
        for index in range(100):
            query = dns.message.make_query("www.example.test.", "A")
            query.id = index
            wire = query.to_wire()
            burst += struct.pack("!H", len(wire)) + wire
        connection.sendall(burst)
        ids = []
        try:
            for _ in range(100):
                reply = dns.message.from_wire(receive_tcp_message(connection))
                self.assertEqual([r.to_text() for r in reply.answer[0]], ["192.0.2.80"])
                ids.append(reply.id)
        except (EOFError, OSError) as error:
            self.fail(f"{len(ids)} of 100 answers, then {error!r}; vigild alive: "
                      f"{self.vigild.alive()}\n{self.vigild.log()}")
        self.assertEqual(sorted(ids), list(range(100)))
        self.assertTrue(self.vigild.alive())

    # 7. Idle timeout.

    def test_idle_connections_are_closed_busy_ones_kept(self):
        vigild = self.start_vigild("--tcp-idle-timeout", "500ms")
        silent = vigild.tcp_connection()
        self.addCleanup(silent.close)
        trickle = vigild.tcp_connection()
        self.addCleanup(trickle.close)
        busy = vigild.tcp_connection(timeout=2)
        self.addCleanup(busy.close)
        started = time.monotonic()
        trickle.sendall(b"\x01")  # a 256+ octet message, one octet every 100 ms
        closed = {}
        next_query = started
        query_count = 0
        while time.monotonic() - started < 1.6:
            now = time.monotonic()
            if "silent" not in closed and recv_or_closed(silent, 0.001) == b"":
                closed["silent"] = now - started
            if "trickle" not in closed:
                try:
                    trickle.sendall(b"x")
                except OSError:
                    closed["trickle"] = now - started
                else:
                    if recv_or_closed(trickle, 0.001) == b"":
                        closed["trickle"] = now - started
            if now >= next_query:
                reply = self.tcp_exchange(busy, dns.message.make_query("www.example.test.", "A"))
                self.assertEqual([r.to_text() for r in reply.answer[0]], ["192.0.2.80"])
                query_count += 1
                next_query += 0.2
            time.sleep(0.1)
        for name in ("silent", "trickle"):
            if name not in closed:
                connection = silent if name == "silent" else trickle
                self.assertEqual(recv_or_closed(connection, 3 - (time.monotonic() - started)),
                                 b"", f"the {name} connection was not closed within 3 s")
                closed[name] = time.monotonic() - started
            self.assertGreaterEqual(closed[name], 0.4, name)
            self.assertLessEqual(closed[name], 3.0, name)
        self.assertGreaterEqual(query_count, 7)
        # Still open after 1.6 s of queries every 200 ms.
        reply = self.tcp_exchange(busy, dns.message.make_query("www.example.test.", "A"))
        self.assertEqual(rcode_of(reply), "NOERROR")
        self.assertGreaterEqual(vigild.stats()["tcp_idle_closed"], 2)

    # 8. Connection limit.

    def test_connections_beyond_the_limit_are_closed_at_once(self):
        vigild = self.start_vigild("--tcp-max-connections", "2")
        first = vigild.tcp_connection(timeout=2)
        self.addCleanup(first.close)
        second = vigild.tcp_connection(timeout=2)
        self.addCleanup(second.close)
        for connection in (first, second):
            self.tcp_exchange(connection, dns.message.make_query("www.example.test.", "A"))
        started = time.monotonic()
        try:
            third = vigild.tcp_connection(timeout=2)
        except OSError:
            third = None  # refused outright: as good
        if third is not None:
            self.addCleanup(third.close)
            try:
                send_tcp_message(third, dns.message.make_query("www.example.test.", "A").to_wire())
            except OSError:
                pass
            self.assertEqual(recv_or_closed(third, 2), b"", "the third connection is closed")
            self.assertLess(time.monotonic() - started, 1.0)
        for connection in (first, second):
            reply = self.tcp_exchange(connection, dns.message.make_query("www.example.test.", "A"))
            self.assertEqual([r.to_text() for r in reply.answer[0]], ["192.0.2.80"])
        self.assertEqual(vigild.stats()["tcp_rejected"], 1)
        # A closed connection makes room for a new one.
        first.close()
        deadline = time.monotonic() + 2
        while True:
            fourth = vigild.tcp_connection(timeout=2)
            try:
                reply = self.tcp_exchange(fourth, dns.message.make_query("www.example.test.", "A"))
                break
            except (EOFError, OSError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
            finally:
                fourth.close()
        self.assertEqual(rcode_of(reply), "NOERROR")

    # 9. Access control.

    def test_access_control_allow_refuse_deny(self):
        vigild = self.start_vigild("--access-control", "127.0.0.1/32 allow",
                                   "--access-control", "127.0.0.2/32 refuse",
                                   "--access-control", "127.0.0.3/32 deny")
        self.assert_www_answered(vigild, source="127.0.0.1")
        self.assertEqual(len(self.upstream.requests), 1)
        for source in ("127.0.0.2", "127.0.0.9"):  # refused, and unmatched (refused)
            with self.subTest(source=source):
                query = dns.message.make_query("www.example.test.", "A")
                reply = vigild.send(query, timeout=2, source=source)
                self.assertEqual(rcode_of(reply), "REFUSED")
                self.assertEqual(reply.question[0].name.to_text(), "www.example.test.")
                self.assertEqual(len(reply.answer), 0)
        # A refused client gets REFUSED even for what vigild answers itself (ANY) ...
        reply = vigild.send(dns.message.make_query("www.example.test.", "ANY"), timeout=2,
                            source="127.0.0.2")
        self.assertEqual(rcode_of(reply), "REFUSED")
        self.assertEqual(len(reply.answer), 0)
        # ... and a denied one gets nothing at all.
        query = dns.message.make_query("www.example.test.", "A")
        self.assertIsNone(vigild.send_raw_udp(query.to_wire(), timeout=0.5,
                                              source=("127.0.0.3", 0)))
        self.assertEqual(len(self.upstream.requests), 1, "refused and denied: nothing upstream")
        stats = vigild.stats()
        self.assertEqual(stats["refused"], 3)
        self.assertEqual(stats["client_dropped"], 1)
        self.assert_www_answered(vigild, source="127.0.0.1")

    def test_default_access_control_allows_all_of_loopback(self):
        self.assert_www_answered(source="127.0.0.5")
        self.assert_www_answered(tcp=True, source="127.0.0.5")


if __name__ == "__main__":
    unittest.main()
