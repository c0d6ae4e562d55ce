#include "cluster/publish_function.hpp"

namespace popflow::cluster {
namespace {

// KEYS: agent sequence, agent stream, customer sequence, customer stream (one slot: {c:C}).
// ARGV: agent channel, customer channel, origin node, ms until expiry, message id, topic,
// payload. Each stream keeps about its last 1000 entries and expires a minute after its last
// trigger would have: nothing older than trigger_expiry is ever delivered anyway. A trigger
// already expired is not published at all.
constexpr std::string_view kLibrary = R"lua(#!lua name=popflow_v1
local function publish(keys, args)
  local ttl = tonumber(args[4])
  if ttl == nil or ttl <= 0 then return 0 end
  local keep = ttl + 60000
  local received = 0
  for i = 0, 1 do
    local seq_key, stream = keys[1 + 2 * i], keys[2 + 2 * i]
    local seq = redis.call('INCR', seq_key)
    local id = redis.call('XADD', stream, 'MAXLEN', '~', '1000', '*', 'seq', seq,
                          'origin', args[3], 'ttl', args[4], 'id', args[5], 'topic', args[6],
                          'payload', args[7])
    redis.call('PEXPIRE', seq_key, keep)
    redis.call('PEXPIRE', stream, keep)
    local header = 'popflow2 ' .. args[3] .. ' ' .. args[4] .. ' ' .. seq .. ' ' .. id .. ' ' ..
                   args[5] .. ' ' .. args[6] .. '\n'
    received = received + redis.call('PUBLISH', args[1 + i], header .. args[7])
  end
  return received
end
redis.register_function('popflow_publish_v1', publish)
)lua";

}  // namespace

std::string_view publish_library() {
  return kLibrary;
}

std::string stream_key(std::string_view channel) {
  return std::string(channel) + ":s";
}

std::string sequence_key(std::string_view channel) {
  return std::string(channel) + ":seq";
}

PublishCall::PublishCall(std::string_view agent_channel, std::string_view customer_channel,
                         std::string_view origin, long long ttl_ms, std::string_view id,
                         std::string_view topic, std::string_view payload)
    : agent_seq_(sequence_key(agent_channel)),
      agent_stream_(stream_key(agent_channel)),
      customer_seq_(sequence_key(customer_channel)),
      customer_stream_(stream_key(customer_channel)),
      ttl_(std::to_string(ttl_ms)),
      args_{"FCALL",
            kPublishFunction,
            "4",
            agent_seq_,
            agent_stream_,
            customer_seq_,
            customer_stream_,
            agent_channel,
            customer_channel,
            origin,
            ttl_,
            id,
            topic,
            payload} {}

}  // namespace popflow::cluster
