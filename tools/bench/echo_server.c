/* The benchmark's floor: a UDP server that answers each DNS query with the query itself, QR bit
 * set, in batches (recvmmsg/sendmmsg). No parsing, no cache, no upstream: what any server on this
 * machine pays at least per query. Usage: echo_server ADDRESS PORT (IPv4); runs until killed. */
#define _GNU_SOURCE  // NOLINT(bugprone-reserved-identifier): glibc's switch for recvmmsg
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

enum { kBatch = 64, kMaxMessage = 4096, kDnsHeaderSize = 12 };

static unsigned char buffers[kBatch][kMaxMessage];
static struct sockaddr_in peers[kBatch];
static struct iovec iovs[kBatch];
static struct mmsghdr messages[kBatch];

static int open_socket(const char *address, const char *port) {
  struct sockaddr_in local;
  memset(&local, 0, sizeof local);
  local.sin_family = AF_INET;
  char *end = NULL;
  const long number = strtol(port, &end, 10);
  if (*port == '\0' || *end != '\0' || number < 1 || number > 65535) {
    fprintf(stderr, "echo_server: not a port: %s\n", port);
    return -1;
  }
  local.sin_port = htons((unsigned short)number);
  if (inet_pton(AF_INET, address, &local.sin_addr) != 1) {
    fprintf(stderr, "echo_server: not an IPv4 address: %s\n", address);
    return -1;
  }
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0 || bind(fd, (struct sockaddr *)&local, sizeof local) != 0) {
    perror("echo_server: socket/bind");
    return -1;
  }
  return fd;
}

static void reset_batch(void) {
  for (int i = 0; i < kBatch; ++i) {
    iovs[i].iov_base = buffers[i];
    iovs[i].iov_len = kMaxMessage;
    memset(&messages[i].msg_hdr, 0, sizeof messages[i].msg_hdr);
    messages[i].msg_hdr.msg_name = &peers[i];
    messages[i].msg_hdr.msg_namelen = sizeof peers[i];
    messages[i].msg_hdr.msg_iov = &iovs[i];
    messages[i].msg_hdr.msg_iovlen = 1;
  }
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: echo_server ADDRESS PORT\n");
    return 2;
  }
  int fd = open_socket(argv[1], argv[2]);
  if (fd < 0) return 1;
  for (;;) {
    reset_batch();
    // MSG_WAITFORONE: block for the first datagram, then take whatever else is already queued.
    int received = recvmmsg(fd, messages, kBatch, MSG_WAITFORONE, NULL);
    if (received <= 0) continue;
    int replies = 0;
    for (int i = 0; i < received; ++i) {
      unsigned int length = messages[i].msg_len;
      if (length < kDnsHeaderSize || (buffers[i][2] & 0x80) != 0) continue;  // not a query
      buffers[i][2] |= 0x80;  // QR: this is a response
      iovs[i].iov_len = length;
      if (replies != i) messages[replies] = messages[i];
      ++replies;
    }
    if (replies > 0) sendmmsg(fd, messages, (unsigned int)replies, 0);
  }
}
