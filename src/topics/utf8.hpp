#pragma once
#include <string_view>

namespace popflow {

// Well-formed UTF-8 per RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF.
// O(n), no allocation.
bool is_valid_utf8(std::string_view text);

}  // namespace popflow
