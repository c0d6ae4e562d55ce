#pragma once
// Unique, time-ordered message ids: UUIDv7 (RFC 9562) text. The first 48 bits are the
// Unix time in milliseconds, followed by a 12-bit sequence that keeps ids from one
// process strictly increasing within a millisecond, and 62 random bits that keep ids
// from different processes (cluster nodes) apart. Safe to call from any thread.
#include <string>

namespace popflow {

std::string next_message_id();

}  // namespace popflow
