#include "cluster/redis_url.hpp"

#include <gtest/gtest.h>

namespace popflow::cluster {
namespace {

TEST(RedisUrl, ReadsHostPortAndDb) {
  auto url = parse_redis_url("redis://10.0.0.5:6380/2");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->host, "10.0.0.5");
  EXPECT_EQ(url->port, 6380);
  EXPECT_EQ(url->db, 2);
  EXPECT_TRUE(url->password.empty());
  EXPECT_EQ(url->redacted(), "redis://10.0.0.5:6380/2");
}

TEST(RedisUrl, DefaultsToPort6379AndDb0) {
  for (auto text : {"redis://cache.internal", "redis://cache.internal/"}) {
    auto url = parse_redis_url(text);
    ASSERT_TRUE(url) << text;
    EXPECT_EQ(url->port, 6379);
    EXPECT_EQ(url->db, 0);
  }
}

TEST(RedisUrl, KeepsThePasswordOutOfTheRedactedForm) {
  auto url = parse_redis_url("redis://popflow:s3cr%40t@redis:6379/1");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->user, "popflow");
  EXPECT_EQ(url->password, "s3cr@t");  // percent-decoded
  EXPECT_EQ(url->redacted(), "redis://popflow:***@redis:6379/1");

  auto bare = parse_redis_url("redis://:hunter2@redis");
  ASSERT_TRUE(bare);
  EXPECT_TRUE(bare->user.empty());
  EXPECT_EQ(bare->password, "hunter2");
  EXPECT_EQ(bare->redacted().find("hunter2"), std::string::npos);
}

TEST(RedisUrl, ReadsAnIpv6Literal) {
  auto url = parse_redis_url("redis://[::1]:7000");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->port, 7000);
  EXPECT_EQ(url->redacted(), "redis://[::1]:7000/0");
}

TEST(RedisUrl, RefusesWhatIsNotARedisUrl) {
  for (auto text :
       {"", "localhost:6379", "http://redis:6379", "redis://", "redis://:6379", "redis://redis:0",
        "redis://redis:99999", "redis://redis:port", "redis://redis/db", "redis://redis/-1",
        "redis://redis/1/2", "redis://redis?timeout=1", "redis://redis#x"}) {
    auto url = parse_redis_url(text);
    ASSERT_FALSE(url) << text;
    EXPECT_EQ(url.error(), Error::bad_url) << text;
  }
}

TEST(RedisUrl, SentinelsAreListedWithTheMastersNameAndDb) {
  auto url = parse_redis_url("redis+sentinel://s1:26380,10.0.0.7,[::1]:26381/popflow/2");
  ASSERT_TRUE(url);
  ASSERT_EQ(url->sentinels.size(), 3u);
  EXPECT_EQ(url->sentinels[0].host, "s1");
  EXPECT_EQ(url->sentinels[0].port, 26380);
  EXPECT_EQ(url->sentinels[1].host, "10.0.0.7");
  EXPECT_EQ(url->sentinels[1].port, 26379);  // Sentinel's default port
  EXPECT_EQ(url->sentinels[2].host, "::1");
  EXPECT_EQ(url->master, "popflow");
  EXPECT_EQ(url->db, 2);
  EXPECT_TRUE(url->host.empty());  // the master's address is asked for at each connect
  EXPECT_EQ(url->redacted(), "redis+sentinel://s1:26380,10.0.0.7:26379,[::1]:26381/popflow/2");
}

TEST(RedisUrl, ASentinelUrlsPasswordIsTheMastersAndStaysOutOfTheRedactedForm) {
  auto url = parse_redis_url("redis+sentinel://:s3cr%40t@s1:26379/popflow");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->password, "s3cr@t");
  EXPECT_EQ(url->db, 0);
  EXPECT_EQ(url->redacted(), "redis+sentinel://:***@s1:26379/popflow/0");
}

TEST(RedisUrl, ASentinelUrlNeedsSentinelsAndAMastersName) {
  for (auto text :
       {"redis+sentinel://s1:26379", "redis+sentinel://s1:26379/", "redis+sentinel:///popflow",
        "redis+sentinel://s1:0/popflow", "redis+sentinel://s1:26379,/popflow",
        "redis+sentinel://s1:26379/popflow/x", "redis+sentinel://s1:26379/pop flow"}) {
    auto url = parse_redis_url(text);
    ASSERT_FALSE(url) << text;
    EXPECT_EQ(url.error(), Error::bad_url) << text;
  }
}

}  // namespace
}  // namespace popflow::cluster
