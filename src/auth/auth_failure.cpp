#include "auth/auth_failure.hpp"

#include <string>

namespace popflow::auth {

std::string_view label(AuthFailure reason) {
  switch (reason) {
    case AuthFailure::missing:
      return "missing_key";
    case AuthFailure::malformed:
      return "malformed_key";
    case AuthFailure::bad_signature:
      return "bad_signature";
    case AuthFailure::expired:
      return "expired_key";
    case AuthFailure::not_yet_valid:
      return "key_not_yet_valid";
    case AuthFailure::unknown_key:
      return "unknown_key";
    case AuthFailure::revoked:
      return "revoked_key";
    case AuthFailure::wrong_kind:
      return "wrong_key_kind";
    case AuthFailure::customer_disabled:
      return "customer_disabled";
  }
  return "unknown";
}

Problem to_problem(AuthFailure reason, std::string_view credential) {
  const std::string what(credential);
  std::string message;
  switch (reason) {
    case AuthFailure::missing:
      message = "no " + what +
                " was sent; pass it in the 'jwt' field or as 'Authorization: Bearer <key>'";
      break;
    case AuthFailure::malformed:
      message = "the " + what +
                " is not a well-formed JWT (header.payload.signature); copy it again in full";
      break;
    case AuthFailure::bad_signature:
      message = "the " + what +
                " was not signed by this server (bad signature or algorithm); issue a new one";
      break;
    case AuthFailure::expired:
      message = "the " + what + " has expired; issue a new one";
      break;
    case AuthFailure::not_yet_valid:
      message = "the " + what + " is not valid yet (nbf is in the future); check the clocks";
      break;
    case AuthFailure::unknown_key:
      message = "the " + what + " is not known to this server; issue a new one";
      break;
    case AuthFailure::revoked:
      message = "the " + what + " has been revoked; use its replacement";
      break;
    case AuthFailure::wrong_kind:
      message = std::string(what.starts_with('c') ? "this is not a " : "this is not an ") + what +
                "; triggers need an API key, subscribers a client token, and the admin API "
                "an admin token or a console session";
      break;
    case AuthFailure::customer_disabled:
      return forbidden("customer_disabled",
                       "this customer is disabled; its operator can enable it again");
  }
  return unauthorized(std::string(label(reason)), std::move(message));
}

}  // namespace popflow::auth
