#include "admin/console_sessions.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <algorithm>
#include <thread>

namespace popflow::admin {
namespace {

using namespace std::chrono_literals;
using Clock = ConsoleSessions::Clock;

std::string raw_bytes(const std::string& base64url) {
  std::string raw(base64url.size(), '\0');
  std::size_t length = 0;
  EXPECT_EQ(sodium_base642bin(reinterpret_cast<unsigned char*>(raw.data()), raw.size(),
                              base64url.data(), base64url.size(), nullptr, &length, nullptr,
                              sodium_base64_VARIANT_URLSAFE_NO_PADDING),
            0);
  raw.resize(length);
  return raw;
}

TEST(ConsoleSessions, CreatedSessionIsFoundWithItsUserAndToken) {
  ConsoleSessions sessions;
  const auto t0 = Clock::now();
  const auto issued = sessions.create("alice", t0);
  EXPECT_EQ(issued.session_id.size(), 43u);  // 32 bytes, base64url without padding
  EXPECT_EQ(issued.csrf_token.size(), 43u);
  EXPECT_EQ(issued.session_id.find_first_not_of(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  EXPECT_NE(issued.session_id, issued.csrf_token);

  const auto found = sessions.find(issued.session_id, t0 + 1s);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->user, "alice");
  EXPECT_EQ(found->csrf_token, issued.csrf_token);
  EXPECT_EQ(found->created, t0);
}

TEST(ConsoleSessions, ASessionKeepsWhichUserOfItsNameSignedIn) {
  ConsoleSessions sessions;
  const auto t0 = Clock::now();
  const std::string hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA";
  const auto credential = ConsoleSessions::credential_of(hash);
  const auto found = sessions.find(sessions.create("alice", t0, credential).session_id, t0);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->credential, ConsoleSessions::credential_of(hash));
  // A user added again under the name has another salt, so another hash: not this session's.
  EXPECT_NE(found->credential,
            ConsoleSessions::credential_of("$argon2id$v=19$m=65536,t=2,p=1$c2FsdB$aGFzaA"));
  EXPECT_EQ(found->credential.find("argon2id"), std::string::npos);  // a digest, not the hash
}

TEST(ConsoleSessions, UnknownIdsAreNotFound) {
  ConsoleSessions sessions;
  const auto t0 = Clock::now();
  const auto issued = sessions.create("alice", t0);
  EXPECT_FALSE(sessions.find("", t0));
  EXPECT_FALSE(sessions.find(issued.csrf_token, t0));
  EXPECT_FALSE(sessions.find(issued.session_id + "x", t0));
  EXPECT_FALSE(sessions.find(std::string(10'000, 'a'), t0));
}

TEST(ConsoleSessions, ExpiresAfterIdleTime) {
  ConsoleSessions sessions({.idle = 30min, .absolute = 12h, .max_sessions = 10});
  const auto t0 = Clock::now();
  const auto id = sessions.create("alice", t0).session_id;
  EXPECT_TRUE(sessions.find(id, t0 + 29min));
  EXPECT_FALSE(sessions.find(id, t0 + 29min + 30min));
  EXPECT_FALSE(sessions.find(id, t0 + 29min + 1s));  // removed, not just refused once
  EXPECT_EQ(sessions.size(), 0u);
}

TEST(ConsoleSessions, UseExtendsTheIdleTime) {
  ConsoleSessions sessions({.idle = 30min, .absolute = 12h, .max_sessions = 10});
  const auto t0 = Clock::now();
  const auto id = sessions.create("alice", t0).session_id;
  for (int i = 1; i <= 10; ++i) {
    const auto found = sessions.find(id, t0 + i * 20min);
    ASSERT_TRUE(found) << i;
    EXPECT_EQ(found->last_seen, t0 + (i - 1) * 20min);
  }
}

// What the console holds open (the monitor's stream) checks its session without using it.
TEST(ConsoleSessions, AliveChecksWithoutExtendingTheIdleTime) {
  ConsoleSessions sessions({.idle = 30min, .absolute = 12h, .max_sessions = 10});
  const auto t0 = Clock::now();
  const auto id = sessions.create("alice", t0).session_id;
  EXPECT_TRUE(sessions.alive(id, t0 + 20min));
  EXPECT_TRUE(sessions.alive(id, t0 + 29min));
  EXPECT_FALSE(sessions.alive(id, t0 + 31min));
  EXPECT_FALSE(sessions.find(id, t0 + 31min));
  EXPECT_FALSE(sessions.alive("unknown", t0));
}

TEST(ConsoleSessions, ExpiresAfterAbsoluteTimeEvenWhenUsed) {
  ConsoleSessions sessions({.idle = 30min, .absolute = 2h, .max_sessions = 10});
  const auto t0 = Clock::now();
  const auto id = sessions.create("alice", t0).session_id;
  for (auto at = t0 + 10min; at < t0 + 2h; at += 10min) ASSERT_TRUE(sessions.find(id, at));
  EXPECT_FALSE(sessions.find(id, t0 + 2h));
}

TEST(ConsoleSessions, RevokeEndsOneSession) {
  ConsoleSessions sessions;
  const auto t0 = Clock::now();
  const auto first = sessions.create("alice", t0).session_id;
  const auto second = sessions.create("alice", t0).session_id;
  EXPECT_TRUE(sessions.revoke(first));
  EXPECT_FALSE(sessions.revoke(first));
  EXPECT_FALSE(sessions.find(first, t0));
  EXPECT_TRUE(sessions.find(second, t0));
}

TEST(ConsoleSessions, RevokeUserEndsAllOfThatUsersSessions) {
  ConsoleSessions sessions;
  const auto t0 = Clock::now();
  const auto a1 = sessions.create("alice", t0).session_id;
  const auto a2 = sessions.create("alice", t0).session_id;
  const auto b = sessions.create("bob", t0).session_id;
  EXPECT_EQ(sessions.revoke_user("alice"), 2u);
  EXPECT_FALSE(sessions.find(a1, t0));
  EXPECT_FALSE(sessions.find(a2, t0));
  EXPECT_TRUE(sessions.find(b, t0));
  EXPECT_EQ(sessions.revoke_user("alice"), 0u);
}

TEST(ConsoleSessions, BeyondTheBoundTheLeastRecentlyUsedIsEvicted) {
  ConsoleSessions sessions({.idle = 30min, .absolute = 12h, .max_sessions = 3});
  const auto t0 = Clock::now();
  const auto first = sessions.create("a", t0).session_id;
  const auto second = sessions.create("b", t0 + 1s).session_id;
  const auto third = sessions.create("c", t0 + 2s).session_id;
  ASSERT_TRUE(sessions.find(first, t0 + 3s));  // now second is the least recently used
  const auto fourth = sessions.create("d", t0 + 4s).session_id;
  EXPECT_EQ(sessions.size(), 3u);
  EXPECT_FALSE(sessions.find(second, t0 + 5s));
  EXPECT_TRUE(sessions.find(first, t0 + 5s));
  EXPECT_TRUE(sessions.find(third, t0 + 5s));
  EXPECT_TRUE(sessions.find(fourth, t0 + 5s));
}

TEST(ConsoleSessions, CreatingClearsIdleSessions) {
  ConsoleSessions sessions({.idle = 30min, .absolute = 12h, .max_sessions = 100});
  const auto t0 = Clock::now();
  for (int i = 0; i < 10; ++i) sessions.create("old", t0);
  sessions.create("new", t0 + 31min);
  EXPECT_EQ(sessions.size(), 1u);
}

TEST(ConsoleSessions, CsrfTokenMustMatchExactly) {
  ConsoleSessions sessions;
  const auto t0 = Clock::now();
  const auto issued = sessions.create("alice", t0);
  const auto session = sessions.find(issued.session_id, t0);
  ASSERT_TRUE(session);
  EXPECT_TRUE(ConsoleSessions::csrf_matches(*session, issued.csrf_token));
  auto wrong = issued.csrf_token;
  wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(ConsoleSessions::csrf_matches(*session, wrong));
  EXPECT_FALSE(ConsoleSessions::csrf_matches(*session, ""));
  EXPECT_FALSE(ConsoleSessions::csrf_matches(*session, issued.csrf_token.substr(0, 20)));
  EXPECT_FALSE(ConsoleSessions::csrf_matches(*session, issued.session_id));
}

TEST(ConsoleSessions, TableHoldsNoCookieValue) {
  ConsoleSessions sessions;
  const auto t0 = Clock::now();
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(sessions.create("alice", t0).session_id);
  const auto keys = sessions.keys_for_test();
  ASSERT_EQ(keys.size(), ids.size());
  for (const auto& key : keys) {
    for (const auto& id : ids) {
      EXPECT_NE(key, id);
      EXPECT_EQ(key.find(id), std::string::npos);
      EXPECT_EQ(id.find(key), std::string::npos);
      EXPECT_NE(key, raw_bytes(id));  // not the cookie decoded either
    }
  }
}

TEST(ConsoleSessions, WorkersShareTheTable) {
  ConsoleSessions sessions({.idle = 30min, .absolute = 12h, .max_sessions = 50});
  const auto t0 = Clock::now();
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&, w] {
      const std::string user = "user" + std::to_string(w);
      for (int i = 0; i < 200; ++i) {
        const auto id = sessions.create(user, t0).session_id;
        const auto found = sessions.find(id, t0);
        if (found) {  // it may already have been evicted by another worker
          EXPECT_EQ(found->user, user);
        }
        if (i % 10 == 0) sessions.revoke_user(user);
      }
    });
  }
  for (auto& worker : workers) worker.join();
  EXPECT_LE(sessions.size(), 50u);
}

}  // namespace
}  // namespace popflow::admin
