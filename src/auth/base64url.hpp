#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace popflow::auth {

// RFC 4648 section 5, without padding, as JWTs use it.
std::string base64url_encode(std::string_view bytes);
// nullopt for characters outside the alphabet, padding, or an impossible length.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace popflow::auth
