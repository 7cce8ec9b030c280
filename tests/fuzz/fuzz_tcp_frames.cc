// Fuzz target: what a client sends on a TCP connection (RFC 7766): a stream of messages, each
// after its length in two bytes (RFC 1035 4.2.2). The framing itself lives in
// TcpConnection::dispatch_frames (daemon/net/tcp_connection.cc), a member that reads libuv's
// buffers and stops reading or closes the handle as it goes; it is no pure function to call
// here. So this target reads the stream as that loop does (a zero length is nonsense framing
// and ends the connection; an incomplete last frame waits for more bytes) and sends every whole
// frame where the connection sends it: the pipeline's first check, check_client_query, and the
// parser underneath it.
#include <cstddef>
#include <cstdint>

#include "daemon/pipeline/query_check.h"
#include "dns/message.h"
#include "tests/fuzz/frames.h"

using namespace vigil;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const auto frames = fuzz::split_frames(data, size);
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const dns::Bytes frame = frames[i];
    if (frame.empty()) break;  // a zero length: the connection is closed
    if (dns::read_u16(frame.data() - 2) != frame.size()) break;  // waiting for the rest
    (void)dns::parse_message(frame);
    const QueryCheck check = check_client_query(frame);
    if (check.action == QueryCheck::Action::Reply && !dns::parse_message(check.reply).ok()) {
      __builtin_trap();  // what goes back must be a well-formed message
    }
  }
  return 0;
}
