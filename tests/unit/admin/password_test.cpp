#include "admin/password.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <set>

namespace popflow::admin {
namespace {

constexpr std::string_view kGood = "correct horse battery staple";

TEST(Password, HashIsArgon2idAndVerifies) {
  const auto hash = hash_password(kGood);
  EXPECT_TRUE(hash.starts_with("$argon2id$")) << hash;
  EXPECT_TRUE(verify_password(hash, kGood));
  EXPECT_FALSE(needs_rehash(hash));
}

TEST(Password, WrongPasswordFails) {
  const auto hash = hash_password(kGood);
  EXPECT_FALSE(verify_password(hash, "correct horse battery stapl"));
  EXPECT_FALSE(verify_password(hash, ""));
}

TEST(Password, TwoHashesOfOnePasswordDiffer) {
  const auto first = hash_password(kGood);
  const auto second = hash_password(kGood);
  EXPECT_NE(first, second);  // a fresh salt each time
  EXPECT_TRUE(verify_password(second, kGood));
}

TEST(Password, PasswordIsNotCutAtANulByte) {
  const std::string with_nul("correct horse\0battery", 21);
  const auto hash = hash_password(with_nul);
  EXPECT_TRUE(verify_password(hash, with_nul));
  EXPECT_FALSE(verify_password(hash, "correct horse"));
}

TEST(Password, HashThatIsNotOursNeverVerifies) {
  EXPECT_FALSE(verify_password("", kGood));
  EXPECT_FALSE(verify_password("plain text", kGood));
  const auto hash = hash_password(kGood);
  EXPECT_FALSE(verify_password(hash.substr(0, hash.size() - 4), kGood));
  EXPECT_FALSE(verify_password(std::string(500, '$'), kGood));
}

TEST(Password, OverlongPasswordIsRefusedWithoutHashing) {
  const std::string huge(kMaxPasswordBytes + 1, 'x');
  const auto hash = hash_password(huge);
  EXPECT_FALSE(verify_password(hash, huge));
}

TEST(Password, NeedsRehashForOtherParametersOrGarbage) {
  // The same scheme with t=3: a hash made before the parameters were raised.
  auto hash = hash_password(kGood);
  const auto at = hash.find(",t=2,");
  ASSERT_NE(at, std::string::npos) << hash;
  hash.replace(at, 5, ",t=3,");
  EXPECT_TRUE(needs_rehash(hash));
  EXPECT_TRUE(needs_rehash("not a hash"));
  EXPECT_TRUE(needs_rehash(""));
}

TEST(Password, DummyVerificationCostsAboutAsMuchAsARealOne) {
  const auto hash = hash_password(kGood);
  verify_dummy(kGood);  // the first call also makes the dummy hash
  auto time = [](auto&& run) {
    auto best = std::chrono::steady_clock::duration::max();
    for (int i = 0; i < 3; ++i) {
      const auto start = std::chrono::steady_clock::now();
      run();
      best = std::min(best, std::chrono::steady_clock::now() - start);
    }
    return best;
  };
  const auto real = time([&] { (void)verify_password(hash, "wrong password!"); });
  const auto dummy = time([&] { verify_dummy("wrong password!"); });
  // Generous bounds for a loaded machine; a dummy that skipped Argon2 would be ~1000x faster.
  EXPECT_GT(dummy * 3, real);
  EXPECT_GT(real * 3, dummy);
}

TEST(Password, GeneratedPasswordsAreReadableAcceptableAndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    const auto password = generate_password();
    EXPECT_EQ(password.size(), 23u) << password;  // 4 groups of 5 and 3 dashes
    EXPECT_EQ(password.find_first_of("0O1lIio"), std::string::npos) << password;
    EXPECT_EQ(password_problem(password), std::nullopt) << password;
    seen.insert(password);
  }
  EXPECT_EQ(seen.size(), 50u);
}

TEST(PasswordProblem, RefusesShortPasswords) {
  EXPECT_TRUE(password_problem(""));
  EXPECT_TRUE(password_problem("short pass1"));  // 11
  EXPECT_EQ(password_problem("short pass12"), std::nullopt);
}

TEST(PasswordProblem, CountsCharactersNotBytes) {
  // Eleven two-byte characters: 22 bytes, still too short.
  EXPECT_TRUE(password_problem("ábcdéfghíjk"));
  EXPECT_EQ(password_problem("ábcdéfghíjkl"), std::nullopt);
}

TEST(PasswordProblem, RefusesOverlongPasswords) {
  std::string text;
  while (text.size() < kMaxPasswordBytes) text += "horse battery ";
  text.resize(kMaxPasswordBytes);
  EXPECT_EQ(password_problem(text), std::nullopt);
  text += 'x';
  const auto problem = password_problem(text);
  ASSERT_TRUE(problem);
  EXPECT_NE(problem->find("1024"), std::string::npos) << *problem;
}

TEST(PasswordProblem, RefusesObviousPatterns) {
  EXPECT_TRUE(password_problem("aaaaaaaaaaaaaaaa"));
  EXPECT_TRUE(password_problem("abababababab"));
  EXPECT_TRUE(password_problem("xyzxyzxyzxyzxyz"));
  EXPECT_TRUE(password_problem("éééééééééééé"));
  EXPECT_TRUE(password_problem("abcdefghijklmn"));
  EXPECT_TRUE(password_problem("123456789012"));
  EXPECT_TRUE(password_problem("987654321098"));
  EXPECT_EQ(password_problem("aaaaaaaaaaab"), std::nullopt);  // only the obvious is refused
  EXPECT_EQ(password_problem("123456789013"), std::nullopt);
}

TEST(PasswordProblem, RefusesThePasswordContainingTheUserName) {
  EXPECT_TRUE(password_problem("my name is Alice!", "alice"));
  EXPECT_EQ(password_problem("my name is Alice!", "bob"), std::nullopt);
  EXPECT_EQ(password_problem("totally long words", "al"), std::nullopt);  // too short to mean it
}

}  // namespace
}  // namespace popflow::admin
