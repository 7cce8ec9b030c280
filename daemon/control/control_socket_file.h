// The control socket's place in the file system: its directory, a stale socket left by a vigild
// that did not stop cleanly, who may connect (mode 0660, group vigil) and its removal at stop.
// Anyone who can connect can flush the cache and reload, so the file's mode is the access check.
#pragma once

#include <sys/types.h>

#include <string>

namespace vigil {

// Before bind(): creates the missing directories above `path` (mode 0755) and removes a socket
// file nobody listens on any more. Throws std::runtime_error when `path` is something else than
// a socket, or a running process still listens on it (the caller names the path).
void prepare_socket_path(const std::string& path);

// After bind(): mode 0660 and, if a group named `group` exists, that group. Returns a note for
// the log when the group could not be set (not root), or an empty string.
std::string restrict_socket_access(const std::string& path, const char* group = "vigil");

// The socket file's identity, so that stopping removes our socket and not a newer one. Inode
// numbers are reused at once (tmpfs), hence the change time too: take it after the last chmod.
struct SocketFileId {
  dev_t device = 0;
  ino_t inode = 0;
  timespec changed{};
};
SocketFileId socket_file_id(const std::string& path);
void remove_socket_file(const std::string& path, SocketFileId id);

}  // namespace vigil
