// The root trust anchors vigild uses when the operator names none: the DS records of the root
// KSKs 20326 (2017) and 38696 (2024), the same text as trust-anchors/root.ds. A test checks the
// two agree, so the built-in copy cannot drift from the shipped file.
#pragma once

#include <string_view>

namespace vigil::anchors {

inline constexpr std::string_view kRootAnchorText =
    ". IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D\n"
    ". IN DS 38696 8 2 683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16\n";

}  // namespace vigil::anchors
