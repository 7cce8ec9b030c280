// The story of one query for `vigilctl explain`: each stage of the pipeline that handles it
// appends what it decided (upstream, transport, scrubbed records, chain of trust, verdict, pin
// and guard decisions), in order. Only explained queries carry one.
#pragma once

#include <string>
#include <vector>

namespace vigil {

struct QueryTrace {
  std::vector<std::string> lines;
  void add(std::string line) { lines.push_back(std::move(line)); }
};

}  // namespace vigil
