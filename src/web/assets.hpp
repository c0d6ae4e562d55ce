#pragma once
// The web clients' files, compiled into the binary (src/web/CMakeLists.txt embeds web/agent/
// and the mqtt.js bundle from npm): the server never reads them from disk, and a deploy is
// one file. Each has its URL path, its Content-Type and an ETag from its SHA-256.
#include <span>
#include <string_view>

namespace popflow::web {

struct EmbeddedFile {
  std::string_view path;  // "/agent/app.js"
  std::string_view content_type;
  std::string_view etag;  // quoted, as the header carries it
  std::span<const unsigned char> bytes;

  std::string_view text() const {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
  }
};

// Every embedded file.
std::span<const EmbeddedFile> embedded_files();

// The file at exactly `path`, or nullptr.
const EmbeddedFile* find_file(std::string_view path);

}  // namespace popflow::web
