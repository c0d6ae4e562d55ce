#include "auth/jwt.hpp"

#include <gtest/gtest.h>

#include "auth/base64url.hpp"
#include "token_builder.hpp"

namespace popflow::auth {
namespace {

using testing_support::kHeader;
using testing_support::signed_token;

constexpr std::string_view kSecret = "0123456789abcdef0123456789abcdef";
constexpr std::int64_t kNow = 1'800'000'000;

Claims api_key_claims() {
  Claims c;
  c.key_id = "k_1";
  c.customer = "acme";
  c.kind = TokenKind::api_key;
  c.scope = kScopeCti | kScopeCrm;
  c.issued_at = kNow - 100;
  return c;
}

Claims client_claims() {
  Claims c;
  c.key_id = "k_2";
  c.customer = "acme";
  c.kind = TokenKind::client_token;
  c.agent = "1001";
  c.issued_at = kNow - 100;
  return c;
}

AuthFailure failure(std::string_view token, std::int64_t now = kNow) {
  auto r = verify(token, kSecret, now);
  EXPECT_FALSE(r.has_value()) << "accepted " << token;
  return r ? AuthFailure::missing : r.error();
}

// The three dot-separated parts of a token.
struct Parts {
  std::string header, payload, signature;
};
Parts split(const std::string& token) {
  const auto d1 = token.find('.');
  const auto d2 = token.find('.', d1 + 1);
  return {token.substr(0, d1), token.substr(d1 + 1, d2 - d1 - 1), token.substr(d2 + 1)};
}

TEST(Jwt, ApiKeyRoundTrips) {
  Claims c = api_key_claims();
  c.crm_ids = {"crm.example.com", "other.example.com"};
  c.expires_at = kNow + 60;
  c.not_before = kNow - 60;
  const auto token = sign(c, kSecret);
  const auto r = verify(token, kSecret, kNow);
  ASSERT_TRUE(r.has_value()) << label(r.error());
  EXPECT_EQ(r->key_id, "k_1");
  EXPECT_EQ(r->customer, "acme");
  EXPECT_EQ(r->kind, TokenKind::api_key);
  EXPECT_EQ(r->scope, kScopeCti | kScopeCrm);
  EXPECT_EQ(r->crm_ids, c.crm_ids);
  EXPECT_EQ(r->agent, std::nullopt);
  EXPECT_EQ(r->issued_at, kNow - 100);
  EXPECT_EQ(r->expires_at, kNow + 60);
  EXPECT_EQ(r->not_before, kNow - 60);
}

TEST(Jwt, ScopeBitsSurviveIndividually) {
  for (std::uint8_t scope : {0, +kScopeCti, +kScopeCrm}) {
    Claims c = api_key_claims();
    c.scope = scope;
    const auto r = verify(sign(c, kSecret), kSecret, kNow);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->scope, scope);
  }
}

TEST(Jwt, ClientTokenRoundTrips) {
  const auto r = verify(sign(client_claims(), kSecret), kSecret, kNow);
  ASSERT_TRUE(r.has_value()) << label(r.error());
  EXPECT_EQ(r->kind, TokenKind::client_token);
  EXPECT_EQ(r->agent, "1001");
  EXPECT_EQ(r->scope, 0);
  EXPECT_EQ(r->expires_at, std::nullopt);
}

TEST(Jwt, TokenIsThreeBase64UrlParts) {
  const auto token = sign(api_key_claims(), kSecret);
  EXPECT_EQ(std::count(token.begin(), token.end(), '.'), 2);
  EXPECT_EQ(token.find_first_of("+/= "), std::string::npos);
  const auto header = base64url_decode(split(token).header);
  ASSERT_TRUE(header);
  EXPECT_NE(header->find(R"("alg":"HS256")"), std::string::npos) << *header;
  EXPECT_NE(header->find(R"("kid":"k_1")"), std::string::npos) << *header;
}

TEST(Jwt, TamperedPayloadIsBadSignature) {
  const auto token = sign(api_key_claims(), kSecret);
  Claims other = api_key_claims();
  other.customer = "globex";
  const auto forged = split(token).header + "." + split(sign(other, "another secret")).payload +
                      "." + split(token).signature;
  EXPECT_EQ(failure(forged), AuthFailure::bad_signature);
}

TEST(Jwt, TamperedSignatureIsBadSignature) {
  auto token = sign(api_key_claims(), kSecret);
  token[token.size() - 5] = token[token.size() - 5] == 'A' ? 'B' : 'A';
  EXPECT_EQ(failure(token), AuthFailure::bad_signature);
}

TEST(Jwt, TruncatedSignatureIsBadSignature) {
  const auto p = split(sign(api_key_claims(), kSecret));
  EXPECT_EQ(failure(p.header + "." + p.payload + "." + p.signature.substr(0, 40)),
            AuthFailure::bad_signature);
  EXPECT_EQ(failure(p.header + "." + p.payload + "."), AuthFailure::bad_signature);
}

TEST(Jwt, OtherSecretIsBadSignature) {
  EXPECT_EQ(failure(sign(api_key_claims(), "not the server's secret")), AuthFailure::bad_signature);
}

TEST(Jwt, PaddingOrWhitespaceAroundSignatureIsRefused) {
  const auto token = sign(api_key_claims(), kSecret);
  EXPECT_FALSE(verify(token + "=", kSecret, kNow).has_value());
  EXPECT_FALSE(verify(token + "    ", kSecret, kNow).has_value());
  EXPECT_FALSE(verify(token + "\n", kSecret, kNow).has_value());
  const auto p = split(token);
  EXPECT_EQ(failure(p.header + "." + p.payload + ".    " + p.signature), AuthFailure::malformed);
}

TEST(Jwt, AlgNoneIsRefused) {
  const std::string payload = R"({"jti":"k_1","sub":"acme","knd":"api","iat":1})";
  const auto unsigned_token =
      base64url_encode(R"({"alg":"none","kid":"k_1"})") + "." + base64url_encode(payload) + ".";
  EXPECT_EQ(failure(unsigned_token), AuthFailure::bad_signature);
  // Even correctly MACed, a header that does not say HS256 is refused.
  EXPECT_EQ(failure(signed_token(R"({"alg":"none","kid":"k_1"})", payload, kSecret)),
            AuthFailure::bad_signature);
}

// RFC 7515 4.1.11: extensions listed in "crit" must be understood, and this verifier
// understands none; a correctly signed token that lists any is refused all the same.
TEST(Jwt, CriticalHeaderExtensionsAreRefused) {
  const std::string payload = R"({"jti":"k_1","sub":"acme","knd":"api","iat":1})";
  EXPECT_TRUE(
      verify(signed_token(R"({"alg":"HS256","kid":"k_1","x":1})", payload, kSecret), kSecret, 2));
  for (const char* header :
       {R"({"alg":"HS256","kid":"k_1","crit":["x"],"x":1})",
        R"({"alg":"HS256","kid":"k_1","crit":["exp"]})", R"({"alg":"HS256","kid":"k_1","crit":[]})",
        R"({"alg":"HS256","kid":"k_1","crit":"x"})",
        R"({"alg":"HS256","kid":"k_1","crit":null})"}) {
    EXPECT_EQ(failure(signed_token(header, payload, kSecret)), AuthFailure::malformed) << header;
  }
}

TEST(Jwt, OtherAlgorithmsAreRefused) {
  const std::string payload = R"({"jti":"k_1","sub":"acme","knd":"api","iat":1})";
  for (const char* header : {R"({"alg":"RS256","kid":"k_1"})", R"({"alg":"ES256","kid":"k_1"})",
                             R"({"alg":"HS512","kid":"k_1"})", R"({"alg":"hs256","kid":"k_1"})",
                             R"({"alg":["HS256"],"kid":"k_1"})", R"({"kid":"k_1"})"}) {
    EXPECT_EQ(failure(signed_token(header, payload, kSecret)), AuthFailure::bad_signature)
        << header;
  }
}

TEST(Jwt, ExpiredAtAndAfterExp) {
  Claims c = api_key_claims();
  c.expires_at = kNow;
  const auto token = sign(c, kSecret);
  EXPECT_TRUE(verify(token, kSecret, kNow - 1).has_value());
  EXPECT_EQ(failure(token, kNow), AuthFailure::expired);
  EXPECT_EQ(failure(token, kNow + 3600), AuthFailure::expired);
}

TEST(Jwt, NotBeforeInTheFuture) {
  Claims c = api_key_claims();
  c.not_before = kNow + 10;
  const auto token = sign(c, kSecret);
  EXPECT_EQ(failure(token, kNow), AuthFailure::not_yet_valid);
  EXPECT_TRUE(verify(token, kSecret, kNow + 10).has_value());
}

TEST(Jwt, TooLongTokenIsMalformedEvenIfSigned) {
  Claims c = api_key_claims();
  for (int i = 0; i < 200; ++i) c.crm_ids.push_back("crm-" + std::to_string(i) + ".example.com");
  const auto token = sign(c, kSecret);
  ASSERT_GT(token.size(), kMaxTokenBytes);
  EXPECT_EQ(failure(token), AuthFailure::malformed);
}

TEST(Jwt, EmptyIsMissing) {
  EXPECT_EQ(failure(""), AuthFailure::missing);
}

TEST(Jwt, WrongNumberOfPartsIsMalformed) {
  const auto p = split(sign(api_key_claims(), kSecret));
  EXPECT_EQ(failure("abc"), AuthFailure::malformed);
  EXPECT_EQ(failure(p.header + "." + p.payload), AuthFailure::malformed);
  EXPECT_EQ(failure(p.header + "." + p.payload + "." + p.signature + "." + p.signature),
            AuthFailure::malformed);
  EXPECT_EQ(failure(".."), AuthFailure::malformed);
}

TEST(Jwt, BadBase64IsMalformed) {
  const auto p = split(sign(api_key_claims(), kSecret));
  EXPECT_EQ(failure("!!!!." + p.payload + "." + p.signature), AuthFailure::malformed);
  EXPECT_EQ(failure(p.header + "." + p.payload + ".!!!!"), AuthFailure::malformed);
  EXPECT_EQ(failure(p.header + "." + p.payload + ".A"), AuthFailure::malformed);
}

TEST(Jwt, BadBase64PayloadIsRefused) {
  const auto p = split(sign(api_key_claims(), kSecret));
  // The signature no longer matches, so either refusal is right; it must not pass.
  EXPECT_FALSE(verify(p.header + ".!!!!." + p.signature, kSecret, kNow).has_value());
}

TEST(Jwt, NonObjectJsonIsMalformed) {
  const std::string payload = R"({"jti":"k_1","sub":"acme","knd":"api","iat":1})";
  EXPECT_EQ(failure(signed_token(R"(["HS256"])", payload, kSecret)), AuthFailure::malformed);
  EXPECT_EQ(failure(signed_token("not json", payload, kSecret)), AuthFailure::malformed);
  EXPECT_EQ(failure(signed_token(kHeader, "[1,2]", kSecret)), AuthFailure::malformed);
  EXPECT_EQ(failure(signed_token(kHeader, "\"acme\"", kSecret)), AuthFailure::malformed);
  EXPECT_EQ(failure(signed_token(kHeader, "{", kSecret)), AuthFailure::malformed);
  EXPECT_EQ(failure(signed_token(kHeader, "", kSecret)), AuthFailure::malformed);
}

TEST(Jwt, DeeplyNestedJsonIsMalformed) {
  std::string deep = R"({"jti":"k_1","sub":"acme","knd":"api","iat":1,"x":)";
  for (int i = 0; i < 64; ++i) deep += "[";
  for (int i = 0; i < 64; ++i) deep += "]";
  deep += "}";
  EXPECT_EQ(failure(signed_token(kHeader, deep, kSecret)), AuthFailure::malformed);
}

TEST(Jwt, KidMustBePresentAndMatchJti) {
  const std::string payload = R"({"jti":"k_1","sub":"acme","knd":"api","iat":1})";
  EXPECT_EQ(failure(signed_token(R"({"alg":"HS256"})", payload, kSecret)), AuthFailure::malformed);
  EXPECT_EQ(failure(signed_token(R"({"alg":"HS256","kid":""})", payload, kSecret)),
            AuthFailure::malformed);
  EXPECT_EQ(failure(signed_token(R"({"alg":"HS256","kid":"k_2"})", payload, kSecret)),
            AuthFailure::malformed);
  EXPECT_EQ(failure(signed_token(kHeader, R"({"sub":"acme","knd":"api","iat":1})", kSecret)),
            AuthFailure::malformed);
  EXPECT_TRUE(verify(signed_token(kHeader, payload, kSecret), kSecret, kNow).has_value());
}

TEST(Jwt, RequiredClaimsAndTypesAreChecked) {
  for (const char* payload : {
           R"({"jti":"k_1","knd":"api","iat":1})",                         // no sub
           R"({"jti":"k_1","sub":"acme","iat":1})",                        // no knd
           R"({"jti":"k_1","sub":"acme","knd":"api"})",                    // no iat
           R"({"jti":"k_1","sub":"acme","knd":"root","iat":1})",           // unknown kind
           R"({"jti":"k_1","sub":7,"knd":"api","iat":1})",                 // sub not a string
           R"({"jti":"k_1","sub":"acme","knd":"api","iat":"1"})",          // iat not a number
           R"({"jti":"k_1","sub":"acme","knd":"api","iat":1,"exp":"2"})",  // exp not a number
           R"({"jti":"k_1","sub":"acme","knd":"api","iat":1,"exp":1.5e12})",
           R"({"jti":"k_1","sub":"acme","knd":"api","iat":1,"nbf":null})",
           R"({"jti":"k_1","sub":"acme","knd":"api","iat":1,"scp":"cti"})",  // not a list
           R"({"jti":"k_1","sub":"acme","knd":"api","iat":1,"scp":[1]})",
           R"({"jti":"k_1","sub":"acme","knd":"api","iat":1,"crm":"x.example"})",
       }) {
    EXPECT_EQ(failure(signed_token(kHeader, payload, kSecret)), AuthFailure::malformed) << payload;
  }
}

TEST(Jwt, UnknownScopeNamesGrantNothing) {
  const auto r = verify(
      signed_token(kHeader, R"({"jti":"k_1","sub":"acme","knd":"api","iat":1,"scp":["admin"]})",
                   kSecret),
      kSecret, kNow);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->scope, 0);
}

}  // namespace
}  // namespace popflow::auth
