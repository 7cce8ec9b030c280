// Frozen signed data for signature_test.cc, made once with the ldns 1.8.3 tools:
//   ldns-keygen [-k] -a ECDSAP256SHA256 example.test.  (and -k with -b 1024 RSASHA256,
//     -b 1024 RSASHA512, ECDSAP384SHA384, ED25519, ED448 for alg8.test. ... alg16.test.)
//   ldns-signzone [-A] -i 20260101000000 -e 20270101000000 <zone file> <keys>
//   ldns-key2ds -n [-f] -1|-2|-4 <key file>
// Every zone holds www 300 IN A 192.0.2.1 and 192.0.2.2, and * 600 IN A 192.0.2.99.
#pragma once

#include <cstdint>

namespace vigil::validator::signature_test_data {

// 2026-01-01T00:00:00Z, 2027-01-01T00:00:00Z: the validity period of every RRSIG below but one.
constexpr int64_t kInception = 1767225600;
constexpr int64_t kExpiration = 1798761600;
constexpr int64_t kJune2026 = 1780272000;  // 2026-06-01T00:00:00Z: "now" in the tests

// example.test.: ECDSAP256SHA256 (13), ZSK 10693 and KSK 55933, signed with ldns-signzone -A
// (both keys sign the DNSKEY RRset) from 2026-01-01 to 2027-01-01.
constexpr const char* kExampleZsk =
    "example.test. 3600 IN DNSKEY 256 3 13 "
    "yxYMbxWXi92ewiJbDD+sH/pdHQIWM7AL9gMe60RgRr8sQhuTT7VoCUM3KfrsxAJLEgd2Xr8gfpnWs9LmHrzLRw==";
constexpr const char* kExampleKsk =
    "example.test. 3600 IN DNSKEY 257 3 13 "
    "ChlsNxQRkf2b5q7mHi+wOVV0wezlvy8PBg/kMS9QfzLKxDzZHOogG1YfiCUEXOI5SdoiODC1K5OrM9u2RG8+tA==";
constexpr const char* kExampleDnskeyRrsigByZsk =
    "example.test. 3600 IN RRSIG DNSKEY 13 2 3600 20270101000000 20260101000000 10693 "
    "example.test. "
    "yofI3nWShmKEy+O6kkloG7DU9zeKh2NxA2CFHVH2nNMPfs1+D7MCW46MF5UxLMLbNFq99jqRaBklhsZCayBPCQ==";
constexpr const char* kExampleDnskeyRrsigByKsk =
    "example.test. 3600 IN RRSIG DNSKEY 13 2 3600 20270101000000 20260101000000 55933 "
    "example.test. "
    "LVXE1sd/2AdgZ1PJ99YqOGpC0DPaLaeY9+Mkc+h27WmZ/Qk5M+4OofbCHSGdEt1O5kM2KUe7dMfGnmN4fKOn6w==";
constexpr const char* kWwwA1 =
    "www.example.test. 300 IN A 192.0.2.1";
constexpr const char* kWwwA2 =
    "www.example.test. 300 IN A 192.0.2.2";
constexpr const char* kWwwRrsig =
    "www.example.test. 300 IN RRSIG A 13 3 300 20270101000000 20260101000000 10693 example.test. "
    "Qhxp2p00opbd2bQR8XHQT+L6v6oCofXjPH07TfJplGVNLkRrQ5aOicZGmflshpKl4qkqloAWLfuworQOTDX2sg==";
constexpr const char* kWildcardA =
    "*.example.test. 600 IN A 192.0.2.99";
constexpr const char* kWildcardRrsig =
    "*.example.test. 600 IN RRSIG A 13 2 600 20270101000000 20260101000000 10693 example.test. "
    "plmrAC3ECh4TOHoEV5BrlDqSSEYevP6axI9to/kQukVi8la3g3vN2Slzslb3fq9JBYsdgQ2wwpt8CJOMEuIhGg==";
// ldns-key2ds -f -1/-2/-4 of both keys.
constexpr const char* kExampleDs55933Digest1 =
    "example.test. 3600 IN DS 55933 13 1 b2761c205c3b4c2ff754b96d91e06e09588f5c1f";
constexpr const char* kExampleDs55933Digest2 =
    "example.test. 3600 IN DS 55933 13 2 "
    "cbb2592060878a14c4a15a7c454cda3eec7ca791f32127af5ef5cdfb6df43a41";
constexpr const char* kExampleDs55933Digest4 =
    "example.test. 3600 IN DS 55933 13 4 "
    "183843b6cd043f5275d7dfb6b934932424385e03347177a2fadd6c3358d86d108efa3fbeed25f4754dc183e19368"
    "5f7b";
constexpr const char* kExampleDs10693Digest1 =
    "example.test. 3600 IN DS 10693 13 1 5222278f1567c64fb52fde824487f0ef40b9e004";
constexpr const char* kExampleDs10693Digest2 =
    "example.test. 3600 IN DS 10693 13 2 "
    "34180039c82ef0f5e5bb29204bac05c110c2ce5cd1f37a8d5ccdbd4338d92bb2";
constexpr const char* kExampleDs10693Digest4 =
    "example.test. 3600 IN DS 10693 13 4 "
    "4e2162b9700596c0e89a6ca0a329e5ac77ade5f0aa9fb5a5f27986dc59b71dacf28a9bc9d675d51e95e448651790"
    "3ee6";
// A ZSK of example.test. with the REVOKE flag (384; key tag 38162) and its signature over www/A.
constexpr const char* kRevokedZsk =
    "example.test. 3600 IN DNSKEY 384 3 13 "
    "Co2H0axo37p4QgdeYDKmfCiyvC0izuqPjBfixk7mz9V+atIxWsnO6jjEpd9H1IQaRtjRgx0hs0IMBcoy+CqP1Q==";
constexpr const char* kWwwRrsigByRevoked =
    "www.example.test. 300 IN RRSIG A 13 3 300 20270101000000 20260101000000 38162 example.test. "
    "xd62OPZmH2wIaFDQerpYIxLRjP2wFFZbSeItgPJNb3o/05dwcWp+q/qVHUIrN+FLHCf+cYPUd5pcRusIo92GgA==";
// ZSK 10693 over www/A, valid from 2106-01-01 (4291747200) to 2107-01-01 (2^32 + 28315904):
// the Expiration field wrapped past 2^32 and is smaller than the Inception field.
constexpr const char* kWwwRrsigAcross2106 =
    "www.example.test. 300 IN RRSIG A 13 3 300 28315904 4291747200 10693 example.test. "
    "aW9RcEnAZoV6EdsAhBSGWtzGPqdq5cCGgnm0JohWn7JW9uWjOjxpEwCEqU1l447aV0cxEBzdAGgrBYDwii0o6w==";

// One zone per algorithm with a single KSK that signs everything; DS by ldns-key2ds -2.
struct AlgorithmZone {
  uint8_t algorithm;
  const char* dnskey;
  const char* dnskey_rrsig;
  const char* www_a1;
  const char* www_a2;
  const char* www_rrsig;
  const char* ds;
};
constexpr AlgorithmZone kAlgorithmZones[] = {
    {8,
     "alg8.test. 3600 IN DNSKEY 257 3 8 "
     "AwEAAcJLCFwtWr3V9KFV8LtDwNYok7J8mzsDTM6pldcqHPrsrOViLlnjX8RM/D24Vio+jhl2XyeOOwKXuHIKiR8hOfY"
     "n3y/7O2xDtCxrpkqwM/sQ7XZoyYEd33VbOAYOpW+c451s7CZIMHTE/NHkmKQCgOwVnlUzteC2AC6rDuK27Iu5",
     "alg8.test. 3600 IN RRSIG DNSKEY 8 2 3600 20270101000000 20260101000000 59272 alg8.test. "
     "XhM2D0VoiuypSchRL4jKh2TgnaOP432y0dxNVC4wsMMNC1tEN7NLv1rn4T5zSuU5a3UaiLSDDJRUGe83QdT3Iii6Znm"
     "kVDcg85VAsAGJenR+/7L4O8TP3xaRNx1iwfNXv2z8QAgDhlE0tjLbUs8BALQpupeTb/+6XufQx6YW0cA=",
     "www.alg8.test. 300 IN A 192.0.2.1",
     "www.alg8.test. 300 IN A 192.0.2.2",
     "www.alg8.test. 300 IN RRSIG A 8 3 300 20270101000000 20260101000000 59272 alg8.test. "
     "KAMfEtIC8Iackt1Kqs2MZKIiZz1mV0/xquXPbl20lT9X55Niccev9LfZxX0cfLZu00iFQpwBRCY6SnEW9TbnRk6Rwf6"
     "d8lUDddjCZ44cC0lx7QROVIQemQHfuH6u39Xz3qWsXapdlS8Vukr0luKwGPvrblS9jPlkxNsFwi7KQsw=",
     "alg8.test. 3600 IN DS 59272 8 2 "
     "ade8a340760eb53106647628999d626ff8002ade64e6556faa65866293a78c28"},
    {10,
     "alg10.test. 3600 IN DNSKEY 257 3 10 "
     "AwEAAeVOltvhEdkl0sGRPfZFFeV/6QMOPftOL3BKdRg0rOaf6d1a8S40TJLacH8CH52QaNYHTeMCQCqArEFEsKawZ82"
     "3ndeHhIjuez9EoepSAqWJw0jnYYZ52xucAgrlCz68N1++bZ5uhKZCso2J398B9rsUj5vdUYr1SCYbs/dkrZfz",
     "alg10.test. 3600 IN RRSIG DNSKEY 10 2 3600 20270101000000 20260101000000 61017 alg10.test. "
     "dchnnR8fLrHs0vvhKW+M8IvudjNhO/ihUNHLGBov2A/pWomWjEZ+dRIrm4Q0nejZ3Qlg6WMLTHlEJkzmNFEE0LgFtdw"
     "GTWZYcz+qagPG1FRL0N0+2Ez/dMutONCwI6v6FUlMSFN/9spBVvl4r79pxzgjo4SVz+NTu/QvuFAOe/E=",
     "www.alg10.test. 300 IN A 192.0.2.1",
     "www.alg10.test. 300 IN A 192.0.2.2",
     "www.alg10.test. 300 IN RRSIG A 10 3 300 20270101000000 20260101000000 61017 alg10.test. "
     "znDXG9KWEf1HiJbQuv1hy7TRmRYKZDwYRJ/m9J9aEj3YYdHorHn9pmx+Zl8UguQhRytgbgDgx65OEBIljYSHeko0Amz"
     "7Fq4wtx1jJfvirgGtGR07D8YKKAD9jI2YOaFYkogDdeIPmZ/igqwNvO79iNZ8HxYgJscQ49uj4qsp/N4=",
     "alg10.test. 3600 IN DS 61017 10 2 "
     "1c046bb080051b766414a839f7f649d1f6a2fe57ff52ddfee904c5cc1b5e4130"},
    {14,
     "alg14.test. 3600 IN DNSKEY 257 3 14 "
     "mt3wMlQQpB8bqdFXNH1HiXvo5IrzdQDBdABQfQcwnIsU3yXhkUJ9mVGiTZl2r2I2Tfp0NyvfPUbmWqmPMr/V0K+hzmi"
     "zZIbcHiFZ5wt4E1QiohM0z62s1EXYEhiQF+Ul",
     "alg14.test. 3600 IN RRSIG DNSKEY 14 2 3600 20270101000000 20260101000000 369 alg14.test. "
     "bByW5rCT3BNLn+ziOmpiF23wFFnCU5PIvGxr5t6CsjHcYCAjQhilQhB67BbPQSnErNl0PtZiVkVTuV1f2QloFDLtlVw"
     "ZJXxn0epy5abYklE29P3euRSHmXOTBDYG4dmt",
     "www.alg14.test. 300 IN A 192.0.2.1",
     "www.alg14.test. 300 IN A 192.0.2.2",
     "www.alg14.test. 300 IN RRSIG A 14 3 300 20270101000000 20260101000000 369 alg14.test. "
     "/YFeQPra59i1iudp/Fm0Ve4ZyzX8r6DIesDVpsyxOtl1FgPzLjZVnVv/kLXXi/YSgIGRv9jhqXCmJ06sjq5FNzXIQ2t"
     "Y1qVx4Z4EiMbyfAos4/xx1vZU2mivwabo36pD",
     "alg14.test. 3600 IN DS 369 14 2 "
     "8cfd5454f71cc5bbcbdab302dff632b51215184c7bb012b72a67b0f60f46ffe3"},
    {15,
     "alg15.test. 3600 IN DNSKEY 257 3 15 f62s5kJytOpnVTzvYHXltjM37+hECht42slMpJzlJRk=",
     "alg15.test. 3600 IN RRSIG DNSKEY 15 2 3600 20270101000000 20260101000000 32385 alg15.test. "
     "0XpR2KMeWHn896JpqTJVpwpiwIyPgdGSF6DURpEKevGUbF8RFaSzcC5C1yLk5W6HbbLn7SYDdP72A5fmZqutDw==",
     "www.alg15.test. 300 IN A 192.0.2.1",
     "www.alg15.test. 300 IN A 192.0.2.2",
     "www.alg15.test. 300 IN RRSIG A 15 3 300 20270101000000 20260101000000 32385 alg15.test. "
     "7DUvZr6itmRkmB8pV3iFfFMG7KgU4OPY/1DsQlR4v9ad/ep9Hm/Y2uUL7r0Gc/pqyx6CaDpOrEvcoK01pN44CQ==",
     "alg15.test. 3600 IN DS 32385 15 2 "
     "0407561b84b4a411a1b2f544153755d5b8d94158c2bee344fd2370ab9208e622"},
    {16,
     "alg16.test. 3600 IN DNSKEY 257 3 16 "
     "t+2SZ/ea9pSdKaBloNZ+HJxs5dBUjmWeIlPLhWq+8MGPgndk5nbPIgPJ3VJDMn9JvFBA4mP6dDgA",
     "alg16.test. 3600 IN RRSIG DNSKEY 16 2 3600 20270101000000 20260101000000 21594 alg16.test. "
     "7Vhkh+pMXWiQFTQ5JnCqB3xJoNYIEJQqyUI8ZvtpnmFqCVH0dTa1scoSzMuVpILdsbQf9MZxFaaAN24tyVkrEXkMSrc"
     "sY74ip63qe83IKQFALW1BYwcKxZXOMM6vNJKDLW7AV60f6duMv9p8y36LxBEA",
     "www.alg16.test. 300 IN A 192.0.2.1",
     "www.alg16.test. 300 IN A 192.0.2.2",
     "www.alg16.test. 300 IN RRSIG A 16 3 300 20270101000000 20260101000000 21594 alg16.test. "
     "0oAXVlCbFfsJUYxSihE6yBW/nNecBBKqCOl6N9STS/KpLp9SSFwsgLHsnA7ZC8c7w8j/97LVZ7oAS1pLngXd14eEPZb"
     "DIzGTWkVVtM6l2ilUcKk/A0cHJ4FLPEZekhv7CcHV0kBZW934bWICyvfscAEA",
     "alg16.test. 3600 IN DS 21594 16 2 "
     "626bb15c4c90919401c4c21a89e6a28c3b3d7636c5a7ce813ff0bb84eb0c4919"},
};

}  // namespace vigil::validator::signature_test_data
