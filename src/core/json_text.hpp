#pragma once
// JSON strings written piece by piece (a trigger's message, nested interaction data) by
// Boost.JSON's own serializer, so the text is byte for byte what serialize() gives for the
// same string and no escaper of our own is kept (docs/performance.md: one was measured and
// not taken). No I/O; one per thread (it holds the serializer's state).
#include <boost/json/serializer.hpp>
#include <string_view>

namespace popflow {

class JsonQuoter {
 public:
  // Appends `text` (valid UTF-8) to `out` as a quoted JSON string. Out: std::string or
  // boost::json::string. Cost: a serializer reset and read, some hundreds of instructions
  // for a short string (callgrind): fine per field, the reason nested text is written once.
  template <class Out>
  void append(Out& out, std::string_view text) {
    serializer_.reset(boost::json::string_view(text.data(), text.size()));
    while (!serializer_.done()) {
      const auto part = serializer_.read(chunk_, sizeof chunk_);
      out.append(std::string_view(part.data(), part.size()));
    }
  }
  // Appends any value as serialize() writes it.
  template <class Out>
  void append_value(Out& out, const boost::json::value& value) {
    serializer_.reset(&value);
    while (!serializer_.done()) {
      const auto part = serializer_.read(chunk_, sizeof chunk_);
      out.append(std::string_view(part.data(), part.size()));
    }
  }

 private:
  boost::json::serializer serializer_;
  char chunk_[512];
};

}  // namespace popflow
