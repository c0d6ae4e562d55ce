#pragma once
// Why a key or token was refused. Each reason has a metric label and a 401 Problem whose
// message tells the caller what to do; none of them echoes the token.
#include <array>
#include <string_view>

#include "core/problem.hpp"

namespace popflow::auth {

enum class AuthFailure {
  missing,
  malformed,
  bad_signature,
  expired,
  not_yet_valid,
  unknown_key,
  revoked,
  wrong_kind,
};
inline constexpr std::size_t kAuthFailureCount = 8;

std::string_view label(AuthFailure reason);  // "bad_signature"
// `credential` is "API key" or "client token", as the caller expected.
Problem to_problem(AuthFailure reason, std::string_view credential);

}  // namespace popflow::auth
