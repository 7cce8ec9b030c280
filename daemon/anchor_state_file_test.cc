#include "daemon/anchor_state_file.h"

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "trust-anchors/rfc5011.h"

using namespace vigil;

namespace {

// A fresh directory under the system temp dir, removed with everything in it.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "vigil-anchor-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::permissions(path, std::filesystem::perms::owner_all, ignored);
    std::filesystem::remove_all(path, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

const char* const kState =
    "$ZONE .\n"
    "$LAST_REFRESH 1780000000\n"
    ". IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D "
    ";state=Unbound\n";

}  // namespace

TEST_CASE("anchor_state file: write_state_file then read_state_file gives the same text") {
  const TempDir dir;
  const std::string path = (dir.path / "root.state").string();
  CHECK(write_state_file(path, kState) == "");
  CHECK_FALSE(std::filesystem::exists(path + ".tmp"));
  const auto read = read_state_file(path);
  REQUIRE(read.contents.has_value());
  CHECK(*read.contents == kState);
  CHECK(read.error.empty());
  CHECK_FALSE(read.missing);

  // A second write replaces the first whole.
  CHECK(write_state_file(path, "$ZONE .\n") == "");
  CHECK(read_state_file(path).contents == std::optional<std::string>("$ZONE .\n"));
  CHECK(((std::filesystem::status(path).permissions() & std::filesystem::perms::owner_write) !=
         std::filesystem::perms::none));
}

TEST_CASE("anchor_state file: a missing file is reported as missing, not as contents") {
  const TempDir dir;
  const auto read = read_state_file((dir.path / "absent.state").string());
  CHECK_FALSE(read.contents.has_value());
  CHECK(read.missing);
  CHECK(read.error.find("absent.state: open: No such file or directory") != std::string::npos);
}

TEST_CASE("anchor_state file: a write into a missing directory fails loudly and leaves no .tmp") {
  const TempDir dir;
  const std::string path = (dir.path / "no-such-dir" / "root.state").string();
  const std::string error = write_state_file(path, kState);
  CHECK(error.find("root.state.tmp: open: No such file or directory") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(path + ".tmp"));
  CHECK_FALSE(std::filesystem::exists(path));
}

TEST_CASE("anchor_state file: a failed rename removes the .tmp and keeps the old target") {
  const TempDir dir;
  // The target is a non-empty directory: the temporary file is written, the rename fails.
  const std::filesystem::path target = dir.path / "root.state";
  std::filesystem::create_directory(target);
  std::ofstream(target / "keep") << "x";
  const std::string error = write_state_file(target.string(), kState);
  CHECK(error.find("root.state: rename from .tmp: ") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(target.string() + ".tmp"));
  CHECK(std::filesystem::is_directory(target));
}

TEST_CASE("anchor_state file: a write into an unwritable directory fails and leaves no .tmp") {
  if (::geteuid() == 0) {
    MESSAGE("running as root: directory permissions do not bind, skipped");
    return;
  }
  const TempDir dir;
  std::filesystem::permissions(dir.path, std::filesystem::perms::owner_read |
                                             std::filesystem::perms::owner_exec);
  const std::string path = (dir.path / "root.state").string();
  const std::string error = write_state_file(path, kState);
  CHECK(error.find("root.state.tmp: open: Permission denied") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(path + ".tmp"));
}

TEST_CASE("anchor_state file: an oversized file is refused") {
  const TempDir dir;
  const std::string path = (dir.path / "big.state").string();
  REQUIRE(write_state_file(path, std::string(kMaxStateFileBytes + 1, ';')) == "");
  const auto read = read_state_file(path);
  CHECK_FALSE(read.contents.has_value());
  CHECK_FALSE(read.missing);
  CHECK(read.error.find("not a trust anchor state file") != std::string::npos);
}

TEST_CASE("anchor_state file: a FIFO or a device in its place is refused, not read") {
  const TempDir dir;
  const std::string fifo = (dir.path / "fifo.state").string();
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  for (const std::string& path : {fifo, std::string("/dev/zero")}) {
    CAPTURE(path);
    const auto read = read_state_file(path);
    CHECK_FALSE(read.contents.has_value());
    CHECK_FALSE(read.missing);
    CHECK(read.error == path + ": not a regular file: not a trust anchor state file");
  }
}

TEST_CASE("anchor_state file: a corrupt state file gives a parse error with its path and line") {
  const TempDir dir;
  const std::string path = (dir.path / "root.state").string();
  REQUIRE(write_state_file(path, std::string(kState) + ". IN DNSKEY 257 3 8 AwEAAa\x01 ;st") ==
          "");
  const auto read = read_state_file(path);
  REQUIRE(read.contents.has_value());
  try {
    anchors::parse_state(*read.contents, path);
    FAIL("a corrupt state file parsed");
  } catch (const anchors::TrustAnchorError& error) {
    CHECK(std::string(error.what()).starts_with(path + ":4: "));
  }
  // And a good one parses.
  REQUIRE(write_state_file(path, kState) == "");
  const auto state = anchors::parse_state(*read_state_file(path).contents, path);
  CHECK(state.zone == ".");
  CHECK(state.last_refresh == 1780000000);
  REQUIRE(state.unbound_ds.size() == 1);
  CHECK(state.unbound_ds[0].key_tag == 20326);
}
