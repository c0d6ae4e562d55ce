#include "mqtt/byte_reader.hpp"

#include "mqtt/varint.hpp"
#include "topics/utf8.hpp"

namespace popflow::mqtt {

void ByteReader::fail(Error e) {
  if (!error_) error_ = e;
}

void ByteReader::fail(const boost::system::error_code& ec) {
  if (!error_) error_ = ec;
}

std::span<const std::uint8_t> ByteReader::take(std::size_t n) {
  if (error_) return {};
  if (n > remaining()) {
    fail(Error::truncated);
    return {};
  }
  const auto bytes = bytes_.subspan(pos_, n);
  pos_ += n;
  return bytes;
}

std::uint8_t ByteReader::u8() {
  const auto b = take(1);
  return b.empty() ? 0 : b[0];
}

std::uint16_t ByteReader::u16() {
  const auto b = take(2);
  return b.empty() ? 0 : static_cast<std::uint16_t>(b[0] << 8 | b[1]);
}

std::uint32_t ByteReader::u32() {
  const auto b = take(4);
  if (b.empty()) return 0;
  return std::uint32_t{b[0]} << 24 | std::uint32_t{b[1]} << 16 | std::uint32_t{b[2]} << 8 | b[3];
}

std::uint32_t ByteReader::varint() {
  if (error_) return 0;
  const auto parsed = parse_varint(bytes_.subspan(pos_), true);
  switch (parsed.status) {
    case VarintParse::Status::ok:
      pos_ += parsed.length;
      return parsed.value;
    case VarintParse::Status::need_more:
      fail(Error::truncated);
      return 0;
    case VarintParse::Status::malformed:
      fail(Error::malformed_varint);
      return 0;
  }
  return 0;
}

std::string ByteReader::binary() {
  const std::size_t length = u16();
  const auto b = take(length);
  return {b.begin(), b.end()};
}

std::string ByteReader::utf8() {
  std::string text = binary();
  if (text.find('\0') != std::string::npos || !is_valid_utf8(text)) {
    fail(Error::invalid_utf8);
    return {};
  }
  return text;
}

std::string ByteReader::rest() {
  const auto b = take(remaining());
  return {b.begin(), b.end()};
}

ByteReader ByteReader::sub(std::size_t length) {
  const auto b = take(length);
  ByteReader reader(b);
  reader.error_ = error_;
  return reader;
}

boost::system::error_code ByteReader::finish() const {
  if (error_) return error_;
  if (remaining() > 0) return Error::trailing_bytes;
  return {};
}

}  // namespace popflow::mqtt
