#pragma once
// Cluster-wide idempotency (docs/cluster.md "Idempotency"): a second Function library, apart
// from the publish one so that each can change on its own during a rolling deploy (a Function
// name belongs to one library only). Per Idempotency-Key, one Redis key of its customer's slot:
//   claim     SET NX with the claimer's marker for the window: the first node anywhere wins;
//             later claims get the stored answer, or "in progress" while the marker is there;
//   complete  the marker's holder stores its answer for the window (only if still holding);
//   release   the holder gives it up (only if still holding), so a corrected retry goes
//             through anywhere.
#include <string>
#include <string_view>

namespace popflow::cluster {

inline constexpr std::string_view kClaimFunction = "popflow_idem_claim_v1";
inline constexpr std::string_view kCompleteFunction = "popflow_idem_complete_v1";
inline constexpr std::string_view kReleaseFunction = "popflow_idem_release_v1";

// The library's Lua source (#!lua name=popflow_idem_v1), for FUNCTION LOAD REPLACE.
std::string_view idempotency_library();

// popflow:{c:CUSTOMER}:idem:KEY — KEY is the API key id and the sender's Idempotency-Key.
std::string idempotency_key(std::string_view customer, std::string_view key);

}  // namespace popflow::cluster
