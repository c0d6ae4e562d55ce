#include "auth/authenticator.hpp"

#include <gtest/gtest.h>

#include "auth/jwt.hpp"

namespace popflow::auth {
namespace {

constexpr std::string_view kSecret = "0123456789abcdef0123456789abcdef";
constexpr std::int64_t kNow = 1'800'000'000;

store::KeyRecord record(const Claims& c, std::optional<std::int64_t> revoked_at = std::nullopt) {
  store::KeyRecord k;
  k.id = c.key_id;
  k.customer_id = c.customer;
  k.kind = c.kind == TokenKind::api_key ? store::KeyKind::api_key : store::KeyKind::client_token;
  k.revoked_at = revoked_at;
  return k;
}

class AuthenticatorTest : public testing::Test {
 protected:
  AuthenticatorTest() {
    api_.key_id = "k_api";
    api_.customer = "acme";
    api_.kind = TokenKind::api_key;
    api_.scope = kScopeCti | kScopeCrm;
    api_.issued_at = kNow - 10;
    client_.key_id = "k_client";
    client_.customer = "acme";
    client_.kind = TokenKind::client_token;
    client_.agent = "1001";
    client_.issued_at = kNow - 10;
    registry_.replace({record(api_), record(client_)});
  }

  AuthFailure failure(std::string_view token, TokenKind expected, std::int64_t now = kNow) {
    auto r = auth_.authenticate(token, expected, now);
    EXPECT_FALSE(r.has_value());
    return r ? AuthFailure::missing : r.error();
  }

  Claims api_, client_;
  KeyRegistry registry_;
  Authenticator auth_{std::string(kSecret), registry_, 100};
};

TEST_F(AuthenticatorTest, ValidApiKeyYieldsItsClaims) {
  const auto r = auth_.authenticate(sign(api_, kSecret), TokenKind::api_key, kNow);
  ASSERT_TRUE(r.has_value()) << label(r.error());
  EXPECT_EQ((*r)->customer, "acme");
  EXPECT_EQ((*r)->key_id, "k_api");
  EXPECT_EQ((*r)->scope, kScopeCti | kScopeCrm);
}

TEST_F(AuthenticatorTest, ValidClientTokenYieldsItsClaims) {
  const auto r = auth_.authenticate(sign(client_, kSecret), TokenKind::client_token, kNow);
  ASSERT_TRUE(r.has_value()) << label(r.error());
  EXPECT_EQ((*r)->agent, "1001");
}

TEST_F(AuthenticatorTest, ClientTokenRefusedWhereAnApiKeyBelongs) {
  EXPECT_EQ(failure(sign(client_, kSecret), TokenKind::api_key), AuthFailure::wrong_kind);
}

TEST_F(AuthenticatorTest, ApiKeyRefusedWhereAClientTokenBelongs) {
  EXPECT_EQ(failure(sign(api_, kSecret), TokenKind::client_token), AuthFailure::wrong_kind);
}

TEST_F(AuthenticatorTest, WrongKindAlsoOnCacheHit) {
  const auto token = sign(api_, kSecret);
  ASSERT_TRUE(auth_.authenticate(token, TokenKind::api_key, kNow).has_value());
  EXPECT_EQ(failure(token, TokenKind::client_token), AuthFailure::wrong_kind);
}

TEST_F(AuthenticatorTest, EmptyIsMissing) {
  EXPECT_EQ(failure("", TokenKind::api_key), AuthFailure::missing);
}

TEST_F(AuthenticatorTest, BadSignatureIsRefusedAndNotCached) {
  EXPECT_EQ(failure(sign(api_, "some other secret"), TokenKind::api_key),
            AuthFailure::bad_signature);
  EXPECT_EQ(failure("x.y.z", TokenKind::api_key), AuthFailure::malformed);
  EXPECT_EQ(auth_.cache_size(), 0u);
}

TEST_F(AuthenticatorTest, KeyUnknownToTheStoreIsRefused) {
  Claims stranger = api_;
  stranger.key_id = "k_deleted";
  EXPECT_EQ(failure(sign(stranger, kSecret), TokenKind::api_key), AuthFailure::unknown_key);
}

TEST_F(AuthenticatorTest, KeyOfAnotherCustomerOrKindInTheStoreIsRefused) {
  Claims impostor = api_;
  impostor.customer = "globex";  // same key id, different customer than the store says
  EXPECT_EQ(failure(sign(impostor, kSecret), TokenKind::api_key), AuthFailure::unknown_key);
  Claims flipped = client_;
  flipped.kind = TokenKind::api_key;  // the store says k_client is a client token
  EXPECT_EQ(failure(sign(flipped, kSecret), TokenKind::api_key), AuthFailure::unknown_key);
}

TEST_F(AuthenticatorTest, RevocationObservedOnCacheHit) {
  const auto token = sign(api_, kSecret);
  ASSERT_TRUE(auth_.authenticate(token, TokenKind::api_key, kNow).has_value());
  ASSERT_EQ(auth_.cache_size(), 1u);
  registry_.replace({record(api_, kNow - 1), record(client_)});
  EXPECT_EQ(failure(token, TokenKind::api_key), AuthFailure::revoked);
}

TEST_F(AuthenticatorTest, DeletionObservedOnCacheHit) {
  const auto token = sign(api_, kSecret);
  ASSERT_TRUE(auth_.authenticate(token, TokenKind::api_key, kNow).has_value());
  registry_.replace({record(client_)});
  EXPECT_EQ(failure(token, TokenKind::api_key), AuthFailure::unknown_key);
}

TEST_F(AuthenticatorTest, FutureRevocationIsAGracePeriod) {
  registry_.replace({record(api_, kNow + 60), record(client_)});
  const auto token = sign(api_, kSecret);
  EXPECT_TRUE(auth_.authenticate(token, TokenKind::api_key, kNow).has_value());
  EXPECT_TRUE(auth_.authenticate(token, TokenKind::api_key, kNow + 59).has_value());
  EXPECT_EQ(failure(token, TokenKind::api_key, kNow + 60), AuthFailure::revoked);
  EXPECT_EQ(failure(token, TokenKind::api_key, kNow + 3600), AuthFailure::revoked);
}

TEST_F(AuthenticatorTest, ExpiryObservedOnCacheHit) {
  api_.expires_at = kNow + 5;
  const auto token = sign(api_, kSecret);
  ASSERT_TRUE(auth_.authenticate(token, TokenKind::api_key, kNow).has_value());
  EXPECT_EQ(failure(token, TokenKind::api_key, kNow + 5), AuthFailure::expired);
}

TEST_F(AuthenticatorTest, NotBeforeObservedOnCacheHit) {
  api_.not_before = kNow;
  const auto token = sign(api_, kSecret);
  ASSERT_TRUE(auth_.authenticate(token, TokenKind::api_key, kNow).has_value());
  EXPECT_EQ(failure(token, TokenKind::api_key, kNow - 1), AuthFailure::not_yet_valid);
}

TEST_F(AuthenticatorTest, StillValidRechecksHeldClaims) {
  const auto r = auth_.authenticate(sign(client_, kSecret), TokenKind::client_token, kNow);
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(auth_.still_valid(**r, kNow + 1000).has_value());
  registry_.replace({record(api_), record(client_, kNow + 10)});
  EXPECT_TRUE(auth_.still_valid(**r, kNow + 9).has_value());
  const auto later = auth_.still_valid(**r, kNow + 10);
  ASSERT_FALSE(later.has_value());
  EXPECT_EQ(later.error(), AuthFailure::revoked);
}

TEST_F(AuthenticatorTest, CacheIsBounded) {
  Authenticator small(std::string(kSecret), registry_, 3);
  std::vector<store::KeyRecord> records;
  std::vector<std::string> tokens;
  for (int i = 0; i < 20; ++i) {
    Claims c = api_;
    c.key_id = "k_" + std::to_string(i);
    records.push_back(record(c));
    tokens.push_back(sign(c, kSecret));
  }
  registry_.replace(records);
  for (const auto& t : tokens) {
    EXPECT_TRUE(small.authenticate(t, TokenKind::api_key, kNow).has_value());
    EXPECT_LE(small.cache_size(), 3u);
  }
  for (const auto& t : tokens)  // evicted entries are verified again, not refused
    EXPECT_TRUE(small.authenticate(t, TokenKind::api_key, kNow).has_value());
  EXPECT_EQ(small.cache_size(), 3u);
}

TEST_F(AuthenticatorTest, ZeroCapacityDisablesTheCache) {
  Authenticator uncached(std::string(kSecret), registry_, 0);
  const auto token = sign(api_, kSecret);
  EXPECT_TRUE(uncached.authenticate(token, TokenKind::api_key, kNow).has_value());
  EXPECT_TRUE(uncached.authenticate(token, TokenKind::api_key, kNow).has_value());
  EXPECT_EQ(uncached.cache_size(), 0u);
}

}  // namespace
}  // namespace popflow::auth
