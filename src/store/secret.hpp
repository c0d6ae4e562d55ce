#pragma once
#include <string>

namespace popflow::store {

// The server's HS256 signing secret: 32 random bytes in <data_dir>/secret.key, created
// on first use with mode 0600 (O_EXCL, so two processes starting together agree on one).
// A file with other permissions is refused rather than trusted.
std::string load_or_create_secret(const std::string& data_dir);

}  // namespace popflow::store
