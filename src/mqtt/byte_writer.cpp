#include "mqtt/byte_writer.hpp"

#include <algorithm>

#include "mqtt/protocol.hpp"
#include "mqtt/varint.hpp"

namespace popflow::mqtt {
namespace {
constexpr std::size_t kPlaceholder = 4;
}

void ByteWriter::u16(std::uint16_t value) {
  out_.push_back(static_cast<std::uint8_t>(value >> 8));
  out_.push_back(static_cast<std::uint8_t>(value));
}

void ByteWriter::u32(std::uint32_t value) {
  u16(static_cast<std::uint16_t>(value >> 16));
  u16(static_cast<std::uint16_t>(value));
}

void ByteWriter::varint(std::uint32_t value) {
  if (value > kMaxVarint) return fail(Error::packet_too_large);
  std::uint8_t bytes[4];
  out_.insert(out_.end(), bytes, bytes + encode_varint(value, bytes));
}

void ByteWriter::string(std::string_view text) {
  if (text.size() > 0xffff) return fail(Error::string_too_long);
  u16(static_cast<std::uint16_t>(text.size()));
  raw(text);
}

void ByteWriter::raw(std::string_view bytes) {
  // As bytes: chars inserted into a vector of uint8_t are converted one by one (~5
  // instructions a byte), bytes are one memmove.
  const auto* first = reinterpret_cast<const std::uint8_t*>(bytes.data());
  out_.insert(out_.end(), first, first + bytes.size());
}

std::size_t ByteWriter::begin_length() {
  const auto mark = out_.size();
  out_.resize(out_.size() + kPlaceholder);
  return mark;
}

void ByteWriter::end_length(std::size_t mark) {
  const std::size_t content = out_.size() - mark - kPlaceholder;
  if (content > kMaxVarint) return fail(Error::packet_too_large);
  const std::size_t used = encode_varint(static_cast<std::uint32_t>(content), &out_[mark]);
  const auto begin = out_.begin() + static_cast<std::ptrdiff_t>(mark);
  out_.erase(begin + static_cast<std::ptrdiff_t>(used), begin + kPlaceholder);
}

void ByteWriter::fail(Error e) {
  if (!error_) error_ = e;
}

}  // namespace popflow::mqtt
