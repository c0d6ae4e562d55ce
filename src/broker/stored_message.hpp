#pragma once
// How the session store writes a message and reads it back: the columns every stored message
// has (queued and retained alike), MQTT 5.0 properties as JSON, and deadlines as wall-clock
// milliseconds, since the steady clock starts again at every boot.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "store/database.hpp"
#include "topics/message.hpp"

namespace popflow::broker {

std::int64_t wall_clock_ms();  // now, in milliseconds since the epoch
std::int64_t to_wall_clock_ms(std::chrono::steady_clock::time_point point);
std::chrono::steady_clock::time_point from_wall_clock_ms(std::int64_t ms);

// The columns kStoredMessageColumns names, in that order, from `first` on.
inline constexpr const char* kStoredMessageColumns =
    "topic, payload, message_id, message_qos, expires_at, properties";
void bind_message(store::Statement& stmt, int first, const Message& message);
std::shared_ptr<Message> read_message(const store::Statement& stmt, int first);

// Subscription identifiers as "4,9".
std::string join_ids(const std::vector<std::uint32_t>& ids);
std::vector<std::uint32_t> split_ids(std::string_view text);

}  // namespace popflow::broker
