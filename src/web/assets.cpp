#include "web/assets.hpp"

#include <algorithm>

namespace popflow::web {

const EmbeddedFile* find_file(std::string_view path) {
  const auto files = embedded_files();
  const auto found = std::ranges::find(files, path, &EmbeddedFile::path);
  return found == files.end() ? nullptr : &*found;
}

}  // namespace popflow::web
