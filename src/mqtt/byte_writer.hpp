#pragma once
// Appends an encoded packet to a caller's buffer. Like ByteReader, errors are sticky: an
// encoder writes every field and the codec checks ok() once at the end.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "mqtt/error.hpp"

namespace popflow::mqtt {

class ByteWriter {
 public:
  explicit ByteWriter(std::vector<std::uint8_t>& out) : out_(out) {}

  void u8(std::uint8_t value) { out_.push_back(value); }
  void u16(std::uint16_t value);
  void u32(std::uint32_t value);
  void varint(std::uint32_t value);
  void string(std::string_view text);  // u16 length prefix; UTF-8 strings and binary data
  void raw(std::string_view bytes);    // no prefix (a PUBLISH payload)

  // A Variable Byte Integer length of whatever is written between begin_length() and
  // end_length(): the Remaining Length, or a Property Length. end_length() moves the content
  // back over the unused placeholder bytes, one memmove of the content, which beats encoding
  // every packet twice to learn its size first.
  std::size_t begin_length();
  void end_length(std::size_t mark);

  void fail(Error e);  // keeps the first error
  bool ok() const { return !error_; }
  const boost::system::error_code& error() const { return error_; }

 private:
  std::vector<std::uint8_t>& out_;
  boost::system::error_code error_;
};

}  // namespace popflow::mqtt
