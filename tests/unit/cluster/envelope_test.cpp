#include "cluster/envelope.hpp"

#include <gtest/gtest.h>

namespace popflow::cluster {
namespace {

TEST(Envelope, CarriesATriggerAcrossUnchanged) {
  const std::string payload = "{\"id\":\"0190\",\"data\":{\"note\":\"two\\nlines\"}}\n\r\n";
  const auto bytes = encode_envelope({.origin = "00ab",
                                      .ttl_ms = 59'950,
                                      .id = "0190-aa",
                                      .topic = "CTI/acme/env one/1001",
                                      .payload = payload});
  auto e = decode_envelope(bytes);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->origin, "00ab");
  EXPECT_EQ(e->ttl_ms, 59'950);
  EXPECT_EQ(e->id, "0190-aa");
  EXPECT_EQ(e->topic, "CTI/acme/env one/1001");  // a space in a topic level is fine
  EXPECT_EQ(e->payload, payload);
}

TEST(Envelope, CarriesTheSequenceAndStreamIdOfThePublishFunction) {
  const auto bytes = encode_envelope({.origin = "00ab",
                                      .ttl_ms = 1000,
                                      .id = "m1",
                                      .topic = "CTI/acme/1001",
                                      .payload = "{}",
                                      .seq = 42,
                                      .stream_id = "1733000000000-3"});
  EXPECT_EQ(bytes, "popflow2 00ab 1000 42 1733000000000-3 m1 CTI/acme/1001\n{}");
  auto e = decode_envelope(bytes);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->seq, 42u);
  EXPECT_EQ(e->stream_id, "1733000000000-3");
  EXPECT_EQ(e->id, "m1");
  EXPECT_EQ(e->topic, "CTI/acme/1001");
  EXPECT_EQ(decode_envelope("popflow1 00ab 5 m1 CTI/acme/1001\n{}")->seq, 0u);  // an older node
}

TEST(Envelope, RefusesWhatItDidNotWrite) {
  for (auto bytes :
       {"", "popflow1 a 1 id CTI/a/b", "popflow2 a 1 id CTI/a/b\n{}", "popflow1 a x id CTI/a/b\n{}",
        "popflow1 a 1\n{}", "popflow1  1 id t\n{}", "popflow1 a 1 id \n{}",
        "popflow2 a 1 0 1-0 id t\n{}", "popflow2 a 1 x 1-0 id t\n{}", "popflow2 a 1 3  id t\n{}"})
    EXPECT_FALSE(decode_envelope(bytes)) << bytes;
}

}  // namespace
}  // namespace popflow::cluster
