#include "auth/auth_failure.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace popflow::auth {
namespace {

constexpr AuthFailure kAll[] = {
    AuthFailure::missing, AuthFailure::malformed,     AuthFailure::bad_signature,
    AuthFailure::expired, AuthFailure::not_yet_valid, AuthFailure::unknown_key,
    AuthFailure::revoked, AuthFailure::wrong_kind,    AuthFailure::customer_disabled,
};
static_assert(std::size(kAll) == kAuthFailureCount);

TEST(AuthFailure, LabelsAreDistinctAndKnown) {
  std::set<std::string_view> labels;
  for (auto reason : kAll) {
    EXPECT_NE(label(reason), "unknown");
    labels.insert(label(reason));
  }
  EXPECT_EQ(labels.size(), kAuthFailureCount);
  EXPECT_EQ(label(AuthFailure::bad_signature), "bad_signature");
  EXPECT_EQ(label(AuthFailure::revoked), "revoked_key");
}

TEST(AuthFailure, ProblemIs401WithLabelAsCodeBut403ForADisabledCustomer) {
  for (auto reason : kAll) {
    const auto p = to_problem(reason, "API key");
    // Another key of the same customer would not help: not an authentication problem.
    EXPECT_EQ(p.status, reason == AuthFailure::customer_disabled ? 403 : 401);
    EXPECT_EQ(p.code, label(reason));
    EXPECT_FALSE(p.message.empty());
    EXPECT_TRUE(p.field.empty());
  }
}

// The contract: the message says which of missing, malformed, bad signature, expired or
// revoked it is.
TEST(AuthFailure, MessageSaysWhichProblem) {
  EXPECT_NE(to_problem(AuthFailure::missing, "API key").message.find("no API key"),
            std::string::npos);
  EXPECT_NE(to_problem(AuthFailure::malformed, "API key").message.find("well-formed"),
            std::string::npos);
  EXPECT_NE(to_problem(AuthFailure::bad_signature, "API key").message.find("signed"),
            std::string::npos);
  EXPECT_NE(
      to_problem(AuthFailure::expired, "client token").message.find("client token has expired"),
      std::string::npos);
  EXPECT_NE(to_problem(AuthFailure::revoked, "API key").message.find("revoked"), std::string::npos);
}

TEST(AuthFailure, WrongKindSaysWhichCredentialBelongsWhere) {
  for (const char* credential : {"API key", "client token", "admin token"}) {
    const auto message = to_problem(AuthFailure::wrong_kind, credential).message;
    const std::string article = credential[0] == 'c' ? "a " : "an ";
    EXPECT_NE(message.find("this is not " + article + credential), std::string::npos) << message;
    EXPECT_NE(message.find("triggers need an API key, subscribers a client token"),
              std::string::npos)
        << message;
  }
}

}  // namespace
}  // namespace popflow::auth
