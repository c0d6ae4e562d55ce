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
  customer_disabled,  // by an operator: every credential of the customer, until enabled again
};
inline constexpr std::size_t kAuthFailureCount = 9;

std::string_view label(AuthFailure reason);  // "bad_signature"
// `credential` is "API key" or "client token", as the caller expected. A 401 but for
// customer_disabled: a 403, since another credential of that customer would not help.
Problem to_problem(AuthFailure reason, std::string_view credential);

}  // namespace popflow::auth
