// `vigilctl explain NAME [TYPE]`: one query resolved as a client's would be, but past the answer
// and bogus caches and any identical query in flight, with every stage writing down what it
// decided. The result is the story, ending with the answer a client would get.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dns/wire.h"

namespace vigil {

// The answer as the story's last lines: rcode, AD, the Extended DNS Error and the records.
std::vector<std::string> describe_answer(dns::Bytes reply);

}  // namespace vigil
