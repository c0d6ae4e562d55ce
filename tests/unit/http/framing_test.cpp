#include "http/framing.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <utility>

namespace popflow::http {
namespace {

namespace bhttp = boost::beast::http;

Request request(std::initializer_list<std::pair<std::string_view, std::string_view>> fields,
                unsigned version = 11) {
  Request r;
  r.version(version);
  for (const auto& [name, value] : fields) r.insert(name, value);
  return r;
}

std::string code(const HeaderVerdict& verdict) {
  return verdict.problem ? verdict.problem->code : "";
}

TEST(CheckHeader, AcceptsAPlainRequest) {
  auto verdict = check_header("GET / HTTP/1.1\r\nHost: x\r\n\r\n", request({{"Host", "x"}}));
  EXPECT_FALSE(verdict.problem);
  EXPECT_FALSE(verdict.close_after);
  EXPECT_EQ(verdict.expect, Expectation::none);
}

TEST(CheckHeader, LastCodingMustBeChunked) {
  for (auto te : {"xchunked", "chunked, identity", "identity", "gzip", "chunked;q=1, gzip"}) {
    auto verdict = check_header("", request({{"Host", "x"}, {"Transfer-Encoding", te}}));
    EXPECT_EQ(code(verdict), "transfer_encoding_not_chunked") << te;
    EXPECT_EQ(verdict.problem->status, 400) << te;
  }
  for (auto te : {"chunked", "CHUNKED", " chunked ", ", chunked,", "chunked;x=y"})
    EXPECT_FALSE(check_header("", request({{"Host", "x"}, {"Transfer-Encoding", te}})).problem)
        << te;
}

TEST(CheckHeader, CodingsBeforeChunkedAre501AndChunkedTwice400) {
  auto gzip = check_header("", request({{"Host", "x"}, {"Transfer-Encoding", "gzip, chunked"}}));
  EXPECT_EQ(code(gzip), "unsupported_transfer_coding");
  EXPECT_EQ(gzip.problem->status, 501);
  // Lines of a list field join into one list.
  auto lines = check_header(
      "",
      request({{"Host", "x"}, {"Transfer-Encoding", "gzip"}, {"Transfer-Encoding", "chunked"}}));
  EXPECT_EQ(code(lines), "unsupported_transfer_coding");
  auto twice =
      check_header("", request({{"Host", "x"}, {"Transfer-Encoding", "chunked, chunked"}}));
  EXPECT_EQ(code(twice), "chunked_not_last");
}

TEST(CheckHeader, Http10WithTransferEncodingClosesAfter) {
  auto verdict = check_header("", request({{"Transfer-Encoding", "chunked"}}, 10));
  EXPECT_FALSE(verdict.problem);
  EXPECT_TRUE(verdict.close_after);
}

TEST(CheckHeader, HostExactlyOnceIn11) {
  EXPECT_EQ(code(check_header("", request({}))), "missing_host");
  EXPECT_FALSE(check_header("", request({}, 10)).problem);
  EXPECT_EQ(code(check_header("", request({{"Host", "a"}, {"host", "b"}}))), "duplicate_host");
  EXPECT_EQ(code(check_header("", request({{"Host", "a b"}}))), "bad_host");
  EXPECT_EQ(code(check_header("", request({{"Host", "a/b"}}))), "bad_host");
  for (auto host : {"example.com:8080", "[::1]:80", "127.0.0.1", ""})
    EXPECT_FALSE(check_header("", request({{"Host", host}})).problem) << host;
}

TEST(CheckHeader, ExpectContinueOrElse417) {
  EXPECT_EQ(check_header("", request({{"Host", "x"}, {"Expect", "100-Continue"}})).expect,
            Expectation::continue_100);
  // RFC 9110 10.1.1: ignored in HTTP/1.0.
  EXPECT_EQ(check_header("", request({{"Expect", "100-continue"}}, 10)).expect, Expectation::none);
  auto other = check_header("", request({{"Host", "x"}, {"Expect", "200-ok"}}));
  EXPECT_EQ(code(other), "unsupported_expectation");
  EXPECT_EQ(other.problem->status, 417);
}

TEST(CheckHeader, ObsFoldIsRefused) {
  EXPECT_EQ(code(check_header("GET / HTTP/1.1\r\nHost: x\r\nA: b\r\n c\r\n\r\n",
                              request({{"Host", "x"}}))),
            "obs_fold");
}

TEST(ObsFold, FindsAContinuationLineOnly) {
  EXPECT_TRUE(has_obs_fold("GET / HTTP/1.1\r\nA: b\r\n\tc\r\n\r\n"));
  EXPECT_TRUE(has_obs_fold("GET / HTTP/1.1\r\n Host: x\r\n\r\n"));
  EXPECT_FALSE(has_obs_fold("GET / HTTP/1.1\r\nA: b c\r\nB:  d\r\n\r\n"));
  EXPECT_FALSE(has_obs_fold(""));
  EXPECT_FALSE(has_obs_fold("\r\n"));
}

TEST(BareLf, FindsAnLfWithoutItsCr) {
  EXPECT_EQ(find_bare_lf("5\r\nhello"), std::string_view::npos);
  EXPECT_EQ(find_bare_lf("5\nhello"), 1u);
  EXPECT_EQ(find_bare_lf("\n"), 0u);
  EXPECT_EQ(find_bare_lf("0\r\nX: y\n"), 7u);
  // From an offset: the byte before it still counts.
  EXPECT_EQ(find_bare_lf("ab\r\n", 3), std::string_view::npos);
  EXPECT_EQ(find_bare_lf("ab\n", 2), 2u);
}

TEST(EmptyLines, CountsLeadingCrlfsOnly) {
  EXPECT_EQ(leading_empty_lines("\r\n\r\nGET"), 4u);
  EXPECT_EQ(leading_empty_lines("GET"), 0u);
  EXPECT_EQ(leading_empty_lines("\r"), 0u);
  EXPECT_EQ(leading_empty_lines("\n"), 0u);
}

}  // namespace
}  // namespace popflow::http
