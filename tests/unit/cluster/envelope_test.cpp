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

TEST(Envelope, RefusesWhatItDidNotWrite) {
  for (auto bytes :
       {"", "popflow1 a 1 id CTI/a/b", "popflow2 a 1 id CTI/a/b\n{}", "popflow1 a x id CTI/a/b\n{}",
        "popflow1 a 1\n{}", "popflow1  1 id t\n{}", "popflow1 a 1 id \n{}"})
    EXPECT_FALSE(decode_envelope(bytes)) << bytes;
}

}  // namespace
}  // namespace popflow::cluster
