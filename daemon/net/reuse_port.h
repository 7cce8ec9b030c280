// SO_REUSEPORT on a libuv socket before it is bound: every worker (daemon/worker.h) binds its
// own socket to the same address and the kernel spreads clients over them. Only sockets of the
// same user may join such a group, and vigild binds as root (or its service user).
#pragma once

#include <sys/socket.h>
#include <uv.h>

#include <cerrno>

namespace vigil {

// 0, or a libuv error code.
inline int set_reuse_port(uv_handle_t* handle) {
  uv_os_fd_t fd = -1;
  if (const int rc = uv_fileno(handle, &fd); rc != 0) return rc;
  const int on = 1;
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on) != 0) {
    return uv_translate_sys_error(errno);
  }
  return 0;
}

}  // namespace vigil
