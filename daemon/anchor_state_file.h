// The RFC 5011 trust anchor state file on disk (trust-anchors/rfc5011.h owns its text): an
// atomic, durable replace on write and a bounded read. The calls block on fsync; vigild makes
// them at start-up and after an anchor refresh, at most once an hour per anchored zone, where a
// few milliseconds on the loop thread are an acceptable price for never losing a rollover.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace vigil {

// A state file holds a handful of keys (a few KB); anything far larger is not ours, and reading
// it whole would let a wrong path (a log file, a device) eat memory at start-up.
constexpr std::size_t kMaxStateFileBytes = 1 << 20;

// Replaces PATH atomically and durably: writes PATH.tmp (mode 0644), fsyncs it, renames it over
// PATH, fsyncs the directory. A reader sees the old file or the new one, never a torn one, even
// across a crash. Returns "" on success, else a message naming the file and the failed step; the
// .tmp file is removed on failure. Never throws: the caller logs the message loudly (an anchor
// state that cannot be saved would be lost at restart, undoing a key rollover).
std::string write_state_file(const std::string& path, const std::string& contents);

struct StateFileRead {
  std::optional<std::string> contents;  // set on success
  std::string error;                    // set on failure: names the file and the reason
  bool missing = false;                 // the file does not exist (first start: use the config)
};

// Never throws.
StateFileRead read_state_file(const std::string& path);

}  // namespace vigil
