#include "cluster/idempotency_function.hpp"

namespace popflow::cluster {
namespace {

// KEYS[1]: the Idempotency-Key's Redis key. Values: "p:" .. marker while a node handles the
// trigger, "a:" .. answer once it answered 200. ARGV: claim (marker, window ms); complete
// (marker, answer, window ms); release (marker).
constexpr std::string_view kLibrary = R"lua(#!lua name=popflow_idem_v1
local function claim(keys, args)
  local held = redis.call('GET', keys[1])
  if not held then
    redis.call('SET', keys[1], 'p:' .. args[1], 'PX', args[2])
    return {'claimed'}
  end
  if string.sub(held, 1, 2) == 'a:' then return {'replay', string.sub(held, 3)} end
  return {'in_progress'}
end
local function complete(keys, args)
  if redis.call('GET', keys[1]) ~= 'p:' .. args[1] then return 0 end
  redis.call('SET', keys[1], 'a:' .. args[2], 'PX', args[3])
  return 1
end
local function release(keys, args)
  if redis.call('GET', keys[1]) ~= 'p:' .. args[1] then return 0 end
  return redis.call('DEL', keys[1])
end
redis.register_function('popflow_idem_claim_v1', claim)
redis.register_function('popflow_idem_complete_v1', complete)
redis.register_function('popflow_idem_release_v1', release)
)lua";

}  // namespace

std::string_view idempotency_library() {
  return kLibrary;
}

std::string idempotency_key(std::string_view customer, std::string_view key) {
  std::string out = "popflow:{c:";
  out += customer;
  out += "}:idem:";
  out += key;
  return out;
}

}  // namespace popflow::cluster
