#include "core/json_text.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value.hpp>
#include <string>

namespace popflow {
namespace {

TEST(JsonQuoter, WritesWhatSerializeWrites) {
  std::string odd = "q\" b\\ /\x01\x1f\x7f\b\t\n\f\r \xc3\xa9 \xe2\x82\xac";
  odd.push_back('\0');
  std::string out;
  JsonQuoter quoter;
  quoter.append(out, odd);
  EXPECT_EQ(out, boost::json::serialize(boost::json::string(odd)));
  out.clear();
  quoter.append(out, "");
  EXPECT_EQ(out, "\"\"");
}

// Longer than the serializer's chunk: every part is appended.
TEST(JsonQuoter, LongTextComesOutWhole) {
  const std::string text(3000, '\n');
  std::string out;
  JsonQuoter().append(out, text);
  EXPECT_EQ(out, boost::json::serialize(boost::json::string(text)));
}

TEST(JsonQuoter, AppendsValuesAndToABoostJsonString) {
  boost::json::string out("x");
  JsonQuoter quoter;
  quoter.append(out, "\"y\"");
  quoter.append_value(out, boost::json::value(1.5));
  quoter.append_value(out, boost::json::value(nullptr));
  EXPECT_EQ(out, "x\"\\\"y\\\"\"1.5E0null");
}

}  // namespace
}  // namespace popflow
