// Frozen NSEC and NSEC3 records for denial_test.cc, cut from one small zone signed once with the
// ldns tools (ECDSAP256SHA256 key 3195, -i 20250101000000 -e 20350101000000). The proofs take
// their input as already validated, so only the NSEC/NSEC3 records are kept, not their RRSIGs.
//
//   $ORIGIN example.test.
//   @        SOA ns.example.test. hostmaster.example.test. 2025010101 7200 3600 1209600 300
//   @        NS  ns.example.test.
//   ns       A   192.0.2.53
//   a        A   192.0.2.1
//   b        A   192.0.2.2
//   b        TXT "b"
//   c        CNAME a.example.test.
//   *.w      TXT "wildcard"          ; w.example.test. is an empty non-terminal
//   x.y      A   192.0.2.24          ; y.example.test. is an empty non-terminal
//   sec      NS  ns.sec.example.test.     ; a secure delegation (with DS)
//   sec      DS  12345 13 2 0123...EF
//   ns.sec   A   192.0.2.80
//   insec    NS  ns.insec.example.test.   ; an insecure delegation (no DS)
//   ns.insec A   192.0.2.81
//
//   ldns-keygen -a ECDSAP256SHA256 example.test
//   ldns-signzone -i 20250101000000 -e 20350101000000 example.test.zone K...        (NSEC)
//   ldns-signzone ... -n -s AABBCCDD -t 0 example.test.zone K...                    (NSEC3)
//   ldns-signzone ... -n -s AABBCCDD -t 0 -p example.test.zone K...                 (opt-out)
//   ldns-signzone ... -n -s AABBCCDD -t 51 example.test.zone K...                   (51 iter.)
// and the child zone sec.example.test. (SOA, NS, ns A) signed the same ways.
#pragma once

namespace vigil::validator::denial_test_data {

// --- NSEC chain of example.test., in canonical order; the last wraps to the apex.
inline constexpr const char* kNsecApex =
    "example.test. 300 IN NSEC a.example.test. NS SOA RRSIG NSEC DNSKEY";
inline constexpr const char* kNsecA = "a.example.test. 300 IN NSEC b.example.test. A RRSIG NSEC";
inline constexpr const char* kNsecB =
    "b.example.test. 300 IN NSEC c.example.test. A TXT RRSIG NSEC";
inline constexpr const char* kNsecC =
    "c.example.test. 300 IN NSEC insec.example.test. CNAME RRSIG NSEC";
inline constexpr const char* kNsecInsec =
    "insec.example.test. 300 IN NSEC ns.example.test. NS RRSIG NSEC";
inline constexpr const char* kNsecNs =
    "ns.example.test. 300 IN NSEC sec.example.test. A RRSIG NSEC";
inline constexpr const char* kNsecSec =
    "sec.example.test. 300 IN NSEC *.w.example.test. NS DS RRSIG NSEC";
inline constexpr const char* kNsecWildcardW =
    "*.w.example.test. 300 IN NSEC x.y.example.test. TXT RRSIG NSEC";
inline constexpr const char* kNsecXY = "x.y.example.test. 300 IN NSEC example.test. A RRSIG NSEC";

// Hand-made: kNsecC with a next name outside the zone.
inline constexpr const char* kNsecCLeavingZone =
    "c.example.test. 300 IN NSEC zz.other.test. CNAME RRSIG NSEC";
// Hand-made: an NSEC owned outside example.test. whose span reaches into it, over
// d.example.test. and *.example.test.
inline constexpr const char* kNsecOutsideZone = "c.test. 300 IN NSEC e.example.test. A RRSIG NSEC";

// Child zone sec.example.test.: its apex NSEC (SOA set), not the parent's NSEC at the cut.
inline constexpr const char* kChildNsecApex =
    "sec.example.test. 300 IN NSEC ns.sec.example.test. NS SOA RRSIG NSEC DNSKEY";

// --- NSEC3 chain of example.test. (SHA-1, no opt-out, 0 iterations, salt AABBCCDD). The owner
// of each is H(name) in base32hex; the chain in hash order is:
//   3q88 ns, 5kbj a, 6mju insec, 9a26 w (ENT), dbsv sec, e1hf apex, koue y (ENT), msvk c,
//   teh9 x.y, ubeg *.w, vnik b.
// Names that do not exist: d (hc5p), *.example.test. (v77f), foo.w (mqm0),
// nope.insec (3acp), q.a (krfm).
inline constexpr const char* kNsec3Apex =
    "e1hfrcimdsladkv1ttd2vajcrrhi3v0o.example.test. 300 IN NSEC3 1 0 0 aabbccdd "
    "koue32qvvgocfclmu43r4eb6eo9elvbh NS SOA RRSIG DNSKEY NSEC3PARAM";
inline constexpr const char* kNsec3A =
    "5kbjg10lfvs0ontu68cu91uo7tlhtb6b.example.test. 300 IN NSEC3 1 0 0 aabbccdd "
    "6mju6gpj3ne2i2snicrgp40nhafs31ev A RRSIG";
inline constexpr const char* kNsec3B =
    "vniktib8p3eudmult51hk4cij53dhucu.example.test. 300 IN NSEC3 1 0 0 aabbccdd "
    "3q88l7395jjqr4t0isu6hdkts4tijpoq A TXT RRSIG";
inline constexpr const char* kNsec3C =
    "msvkaip6hkteehtgduo03b4r9r6ksh1d.example.test. 300 IN NSEC3 1 0 0 aabbccdd "
    "teh9vhockipg2qoa8drqlpq9mmvvhego CNAME RRSIG";
inline constexpr const char* kNsec3Insec =
    "6mju6gpj3ne2i2snicrgp40nhafs31ev.example.test. 300 IN NSEC3 1 0 0 aabbccdd "
    "9a263b599pof8mq8p7lsj5768gufpbh5 NS";
inline constexpr const char* kNsec3Ns =
    "3q88l7395jjqr4t0isu6hdkts4tijpoq.example.test. 300 IN NSEC3 1 0 0 aabbccdd "
    "5kbjg10lfvs0ontu68cu91uo7tlhtb6b A RRSIG";
inline constexpr const char* kNsec3Sec =
    "dbsvuu35bovvucha1g6ph2hgrge2e087.example.test. 300 IN NSEC3 1 0 0 aabbccdd "
    "e1hfrcimdsladkv1ttd2vajcrrhi3v0o NS DS RRSIG";
inline constexpr const char* kNsec3W =
    "9a263b599pof8mq8p7lsj5768gufpbh5.example.test. 300 IN NSEC3 1 0 0 aabbccdd "
    "dbsvuu35bovvucha1g6ph2hgrge2e087";
inline constexpr const char* kNsec3WildcardW =
    "ubeg3ll4h48020voqhs0r5f5f0g4gptc.example.test. 300 IN NSEC3 1 0 0 aabbccdd "
    "vniktib8p3eudmult51hk4cij53dhucu TXT RRSIG";
inline constexpr const char* kNsec3Y =
    "koue32qvvgocfclmu43r4eb6eo9elvbh.example.test. 300 IN NSEC3 1 0 0 aabbccdd "
    "msvkaip6hkteehtgduo03b4r9r6ksh1d";
inline constexpr const char* kNsec3XY =
    "teh9vhockipg2qoa8drqlpq9mmvvhego.example.test. 300 IN NSEC3 1 0 0 aabbccdd "
    "ubeg3ll4h48020voqhs0r5f5f0g4gptc A RRSIG";

// Hand-made: kNsec3Apex with hash algorithm 2 (unknown, RFC 5155 8.1).
inline constexpr const char* kNsec3ApexUnknownAlgorithm =
    "e1hfrcimdsladkv1ttd2vajcrrhi3v0o.example.test. 300 IN NSEC3 2 0 0 aabbccdd "
    "koue32qvvgocfclmu43r4eb6eo9elvbh NS SOA RRSIG DNSKEY NSEC3PARAM";

// --- Opt-out chain (ldns-signzone -p sets the flag; as an opt-out signer would, RFC 5155 7.1,
// the NSEC3 of the insecure delegation insec (6mju) is left out, so the NSEC3 of a (5kbj) now
// runs to w (9a26) and covers insec).
inline constexpr const char* kOptOutApex =
    "e1hfrcimdsladkv1ttd2vajcrrhi3v0o.example.test. 300 IN NSEC3 1 1 0 aabbccdd "
    "koue32qvvgocfclmu43r4eb6eo9elvbh NS SOA RRSIG DNSKEY NSEC3PARAM";
inline constexpr const char* kOptOutA =
    "5kbjg10lfvs0ontu68cu91uo7tlhtb6b.example.test. 300 IN NSEC3 1 1 0 aabbccdd "
    "9a263b599pof8mq8p7lsj5768gufpbh5 A RRSIG";
inline constexpr const char* kOptOutWildcardW =
    "ubeg3ll4h48020voqhs0r5f5f0g4gptc.example.test. 300 IN NSEC3 1 1 0 aabbccdd "
    "vniktib8p3eudmult51hk4cij53dhucu TXT RRSIG";

// --- 51 iterations (above RFC 9276's and vigil's default limit of 50): the NXDOMAIN proof for
// d.example.test. (5job): apex k975, 4bgr (a) covering d, qr8r (w) covering *.example.test.
inline constexpr const char* kIter51Apex =
    "k9758j4vs18dbcoljhqsicarj23mmaui.example.test. 300 IN NSEC3 1 0 51 aabbccdd "
    "ni099ssqcst2p07alohmdqbna0depbru NS SOA RRSIG DNSKEY NSEC3PARAM";
inline constexpr const char* kIter51A =
    "4bgrsmq1rultccrg90gnh52hfvo2dfur.example.test. 300 IN NSEC3 1 0 51 aabbccdd "
    "7pev74sf9r9s43d5jssfgor0cucknnra A RRSIG";
inline constexpr const char* kIter51W =
    "qr8rgrogjia9nrrc2a7b907k14l5s9f2.example.test. 300 IN NSEC3 1 0 51 aabbccdd "
    "4bgrsmq1rultccrg90gnh52hfvo2dfur";

// Child zone sec.example.test.: the NSEC3 of its apex (SOA set).
inline constexpr const char* kChildNsec3Apex =
    "dbsvuu35bovvucha1g6ph2hgrge2e087.sec.example.test. 300 IN NSEC3 1 0 0 aabbccdd "
    "kg4anmhf41gdejd14ap37o4pbnf4vj1k NS SOA RRSIG DNSKEY NSEC3PARAM";

}  // namespace vigil::validator::denial_test_data
