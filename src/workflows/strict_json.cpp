// parse_strict_json(): Boost.JSON's basic_parser with a handler that builds the value with a
// value_stack (as boost::json::parser does) and keeps the keys of each open object to find a
// repeat. Cost beyond parse(): one copy of each key and a sort per object when it closes.
#include "workflows/strict_json.hpp"

#include <algorithm>
#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value_stack.hpp>
#include <string>
#include <vector>

namespace popflow::workflows {
namespace {

namespace json = boost::json;
using boost::system::error_code;

class StrictHandler {
 public:
  static constexpr std::size_t max_object_size = json::object::max_size();
  static constexpr std::size_t max_array_size = json::array::max_size();
  static constexpr std::size_t max_key_size = json::string::max_size();
  static constexpr std::size_t max_string_size = json::string::max_size();

  json::value_stack stack;

  // The JSON path of the key that repeated ("steps.pop.title"), once one has.
  const std::string& duplicate() const { return duplicate_; }

  bool on_document_begin(error_code&) {
    stack.reset();
    return true;
  }
  bool on_document_end(error_code&) { return true; }
  bool on_object_begin(error_code&) {
    frames_.push_back({true, 0, {}, {}});
    return true;
  }
  bool on_object_end(std::size_t n, error_code& ec) {
    auto& keys = frames_.back().keys;
    std::sort(keys.begin(), keys.end());
    const auto repeat = std::adjacent_find(keys.begin(), keys.end());
    if (repeat != keys.end()) {
      frames_.back().key = *repeat;
      duplicate_ = path();
      ec = json::error::syntax;
      return false;
    }
    frames_.pop_back();
    stack.push_object(n);
    return ended_value();
  }
  bool on_array_begin(error_code&) {
    frames_.push_back({false, 0, {}, {}});
    return true;
  }
  bool on_array_end(std::size_t n, error_code&) {
    frames_.pop_back();
    stack.push_array(n);
    return ended_value();
  }
  bool on_key_part(json::string_view part, std::size_t, error_code&) {
    key_.append(part.data(), part.size());
    stack.push_chars(part);
    return true;
  }
  bool on_key(json::string_view part, std::size_t, error_code&) {
    key_.append(part.data(), part.size());
    stack.push_key(part);
    frames_.back().keys.push_back(key_);
    frames_.back().key = std::move(key_);
    key_.clear();
    return true;
  }
  bool on_string_part(json::string_view part, std::size_t, error_code&) {
    stack.push_chars(part);
    return true;
  }
  bool on_string(json::string_view part, std::size_t, error_code&) {
    stack.push_string(part);
    return ended_value();
  }
  bool on_number_part(json::string_view, error_code&) { return true; }
  bool on_int64(std::int64_t number, json::string_view, error_code&) {
    stack.push_int64(number);
    return ended_value();
  }
  bool on_uint64(std::uint64_t number, json::string_view, error_code&) {
    stack.push_uint64(number);
    return ended_value();
  }
  bool on_double(double number, json::string_view, error_code&) {
    stack.push_double(number);
    return ended_value();
  }
  bool on_bool(bool flag, error_code&) {
    stack.push_bool(flag);
    return ended_value();
  }
  bool on_null(error_code&) {
    stack.push_null();
    return ended_value();
  }
  bool on_comment_part(json::string_view, error_code&) { return true; }
  bool on_comment(json::string_view, error_code&) { return true; }

 private:
  struct Frame {
    bool object;
    std::size_t index;  // of the next array element
    std::string key;    // of the current member
    std::vector<std::string> keys;
  };

  bool ended_value() {
    if (!frames_.empty() && !frames_.back().object) ++frames_.back().index;
    return true;
  }
  std::string path() const {
    std::string out;
    for (const auto& frame : frames_) {
      if (frame.object) {
        if (!out.empty()) out.push_back('.');
        out += frame.key;
      } else {
        out += '[' + std::to_string(frame.index) + ']';
      }
    }
    return out;
  }

  std::vector<Frame> frames_;
  std::string key_;
  std::string duplicate_;
};

}  // namespace

Checked<json::value> parse_strict_json(std::string_view text, std::string_view code,
                                       std::size_t max_depth) {
  json::parse_options options;
  options.max_depth = max_depth;
  json::basic_parser<StrictHandler> parser(options);
  error_code ec;
  const auto used = parser.write_some(false, text.data(), text.size(), ec);
  const std::string problem_code(code);
  if (!parser.handler().duplicate().empty()) {
    const auto& path = parser.handler().duplicate();
    return bad_request(
        problem_code,
        "the key '" + path + "' appears twice; keep one (JSON objects have " + "unique keys)",
        path);
  }
  if (!ec && used < text.size()) ec = json::error::extra_data;
  if (ec) {
    std::string reason = ec.message();
    if (ec == json::error::too_deep)
      reason = "nested deeper than " + std::to_string(max_depth) + " levels";
    return bad_request(problem_code, "the JSON is malformed at byte " + std::to_string(used) +
                                         ": " + reason + "; send one valid JSON object");
  }
  return parser.handler().stack.release();
}

}  // namespace popflow::workflows
