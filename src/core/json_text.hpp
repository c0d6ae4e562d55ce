#pragma once
// JSON strings written piece by piece (a trigger's message, nested interaction data) by
// Boost.JSON's own serializer, so the text is byte for byte what serialize() gives for the
// same string and no escaper of our own is kept (docs/performance.md: one was measured and
// not taken). No I/O; one per thread (it holds the serializer's state).
#include <array>
#include <boost/json/detail/sse2.hpp>
#include <boost/json/serializer.hpp>
#include <string_view>

namespace popflow {

class JsonQuoter {
 public:
  // Appends `text` (valid UTF-8) to `out` as a quoted JSON string. Out: std::string or
  // boost::json::string. Text with nothing to escape (ids, names, phone numbers: nearly every
  // string of a trigger) is appended between quotes, which is what the serializer writes for
  // it; anything else goes through the serializer (a reset and a read, ~150 instructions
  // more for a short string, callgrind).
  template <class Out>
  void append(Out& out, std::string_view text) {
    if (!needs_escaping(text)) {
      out.push_back('"');
      out.append(text);
      out.push_back('"');
      return;
    }
    serializer_.reset(boost::json::string_view(text.data(), text.size()));
    while (!serializer_.done()) {
      const auto part = serializer_.read(chunk_, sizeof chunk_);
      out.append(std::string_view(part.data(), part.size()));
    }
  }
  // Appends any value as serialize() writes it.
  template <class Out>
  void append_value(Out& out, const boost::json::value& value) {
    if (const auto* string = value.if_string())
      return append(out, std::string_view(string->data(), string->size()));
    serializer_.reset(&value);
    while (!serializer_.done()) {
      const auto part = serializer_.read(chunk_, sizeof chunk_);
      out.append(std::string_view(part.data(), part.size()));
    }
  }

 private:
  // What Boost.JSON's serializer escapes (its table in serializer.ipp): '"', '\\' and the
  // control characters, the bytes its parser's count_unescaped() stops at. Every other byte,
  // UTF-8 sequences and DEL included, is written as is. That function checks 16 bytes at a
  // time (SSE2) and leaves the shorter rest, which is checked the same way in a block padded
  // with plain bytes.
  static bool needs_escaping(std::string_view text) {
    constexpr std::size_t kBlock = 16;
    const auto whole = boost::json::detail::count_unescaped(text.data(), text.size());
    const auto rest = text.substr(whole);
    if (rest.size() >= kBlock) return true;  // stopped at a byte to escape
    std::array<char, kBlock> block;
    block.fill('a');
    rest.copy(block.data(), rest.size());
    return boost::json::detail::count_unescaped(block.data(), block.size()) < block.size();
  }

  boost::json::serializer serializer_;
  char chunk_[512];
};

}  // namespace popflow
