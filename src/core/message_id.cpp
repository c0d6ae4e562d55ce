#include "core/message_id.hpp"

#include <atomic>
#include <boost/uuid/uuid.hpp>
#include <boost/uuid/uuid_io.hpp>
#include <chrono>
#include <cstdint>
#include <random>

namespace popflow {
namespace {

// Packs (milliseconds << 12 | sequence); one CAS loop makes it monotonic across threads.
std::atomic<std::uint64_t> last_stamp{0};

std::uint64_t next_stamp() {
  using namespace std::chrono;
  const std::uint64_t now_ms =
      duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  std::uint64_t prev = last_stamp.load(std::memory_order_relaxed);
  for (;;) {
    const std::uint64_t candidate = std::max(now_ms << 12, prev + 1);
    if (last_stamp.compare_exchange_weak(prev, candidate, std::memory_order_relaxed))
      return candidate;
  }
}

std::uint64_t random_tail() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return rng();
}

}  // namespace

std::string next_message_id() {
  const std::uint64_t stamp = next_stamp();  // 48 bits of milliseconds, 12 of sequence
  const std::uint64_t tail = random_tail();
  boost::uuids::uuid id;
  // Big-endian: the milliseconds, then version 7 over the sequence, then variant 0b10
  // over 62 random bits.
  const std::uint64_t high = (stamp >> 12) << 16 | 0x7000 | (stamp & 0xfff);
  const std::uint64_t low = (tail & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
  for (int i = 0; i < 8; ++i) {
    id.data[i] = static_cast<std::uint8_t>(high >> (56 - 8 * i));
    id.data[8 + i] = static_cast<std::uint8_t>(low >> (56 - 8 * i));
  }
  return boost::uuids::to_string(id);
}

}  // namespace popflow
