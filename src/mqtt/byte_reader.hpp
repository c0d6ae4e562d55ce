#pragma once
// A cursor over one packet's bytes. Errors are sticky: after the first failure every read
// returns a zero value and the cursor stops, so a decoder reads all fields and checks ok()
// once instead of after every field. Never throws; nothing is trusted.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "mqtt/error.hpp"

namespace popflow::mqtt {

class ByteReader {
 public:
  explicit ByteReader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

  std::uint8_t u8();
  std::uint16_t u16();
  std::uint32_t u32();
  std::uint32_t varint();  // 5.0 Variable Byte Integer, shortest form only
  std::string utf8();      // u16 length + well-formed UTF-8 without U+0000 [MQTT-1.5.4-1..2]
  std::string binary();    // u16 length + any bytes
  std::string rest();      // everything left (a PUBLISH payload)
  // The next `length` bytes as a reader of their own (a property block).
  ByteReader sub(std::size_t length);

  std::size_t remaining() const { return bytes_.size() - pos_; }
  bool ok() const { return !error_; }
  const boost::system::error_code& error() const { return error_; }
  void fail(Error e);  // keeps the first error
  void fail(const boost::system::error_code& ec);
  // At the end of a packet: the first error, else trailing_bytes if any are left, else none.
  boost::system::error_code finish() const;

 private:
  std::span<const std::uint8_t> take(std::size_t n);

  std::span<const std::uint8_t> bytes_;
  std::size_t pos_ = 0;
  boost::system::error_code error_;
};

}  // namespace popflow::mqtt
