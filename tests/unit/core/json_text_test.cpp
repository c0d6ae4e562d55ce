#include "core/json_text.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <vector>

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

// Whether a string goes through the serializer or the plain path, the text is the same: each
// byte alone, and amid plain text, into both kinds of output.
TEST(JsonQuoter, EveryByteComesOutAsSerializeWritesIt) {
  JsonQuoter quoter;
  for (int byte = 0; byte < 256; ++byte) {
    const std::string alone(1, static_cast<char>(byte));
    // Where the byte falls decides which check sees it: 16-byte blocks, then the tail.
    std::vector<std::string> texts{alone};
    for (const std::size_t at : {0, 10, 15, 16, 20, 31, 32, 39}) {
      std::string text(40, 'a');
      text[at] = static_cast<char>(byte);
      texts.push_back(text);
    }
    for (const auto& text : texts) {
      std::string out;
      quoter.append(out, text);
      EXPECT_EQ(out, boost::json::serialize(boost::json::string(text))) << "byte " << byte;
      boost::json::string json_out;
      quoter.append(json_out, text);
      EXPECT_EQ(std::string(json_out), out) << "byte " << byte;
      out.clear();
      quoter.append_value(out, boost::json::value(boost::json::string(text)));
      EXPECT_EQ(out, boost::json::serialize(boost::json::string(text))) << "byte " << byte;
    }
  }
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
