// add_json_fields() (fields.hpp): a JSON body read straight into a FieldSet by our own
// handler for Boost.JSON's basic_parser, apart from fields.cpp because the handler is most
// of it. Runs on the request's event loop; no I/O.
//
// Cost, measured with callgrind on a loop of add_json_fields + make_trigger + message_json
// over bench/callgrind.sh's trigger body: 11.4k instructions before (boost::json::parse into
// a tree, then serialized), 11.6k now (+2%; a whole ingest request is ~56k). The single pass
// over the body is the same; no value_stack and no object built and then taken apart, but
// the data is written field by field (a serializer reset per name and value) instead of as
// one object. A top-level number adds its literal (json::string, inline up to 14
// characters: no allocation for ids and counts). Nested data costs more: each nested string
// and key is one serializer reset (that body plus {"a":[1,2.5,"x"],"b":{"c":true}}: 15.9k
// -> 19.1k). A hand-written escaper made it 11.3k, but this project leaves escaping to
// Boost.JSON (docs/performance.md).
#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/object.hpp>
#include <optional>

#include "core/json_text.hpp"
#include "http/fields.hpp"

namespace popflow::http {
namespace {

namespace json = boost::json;
using boost::system::error_code;

constexpr std::size_t kTypicalFields = 8;

std::string_view view(json::string_view text) {
  return {text.data(), text.size()};
}

// Turns a JSON body into fields as Boost.JSON's basic_parser reads it, without the value
// tree boost::json::parse() would build: each member of the body becomes a Field as soon as
// its value ends, with its name decoded (so FieldSet::add() sees "\u0061gentId" as
// "agentId" and refuses the second one; a tree would have kept the last silently).
// A number keeps its characters as sent (Field::literal), as its own value could not: 1e999
// is an infinite double, 18446744073709551617 a rounded one. A nested object or array is
// written out compactly into its field's literal as it is read, numbers as sent, strings
// re-escaped; its keys are checked for duplicates when each object ends.
// Parsing stops at the first problem: problem() says what it was (the parser's error code
// then only says "stopped").
class BodyHandler {
 public:
  static constexpr std::size_t max_object_size = json::object::max_size();
  static constexpr std::size_t max_array_size = json::array::max_size();
  static constexpr std::size_t max_key_size = json::string::max_size();
  static constexpr std::size_t max_string_size = json::string::max_size();

  BodyHandler(FieldSet& out, const FieldLimits& limits)
      : out_(out),
        limits_(limits),
        storage_(out.storage()),
        string_(storage_),
        number_(storage_),
        text_(storage_) {}

  std::optional<Problem>& problem() { return problem_; }

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_object_begin(error_code&) {
    if (depth_ == 0) {
      depth_ = 1;  // the body itself
      return true;
    }
    open('{');
    return true;
  }
  bool on_object_end(std::size_t, error_code& ec) {
    if (depth_ == 1) {
      depth_ = 0;
      return true;
    }
    if (!keys_are_unique()) return stop(ec);
    return close('}', json::object(storage_), ec);
  }
  bool on_array_begin(error_code& ec) {
    if (depth_ == 0) return not_an_object(ec);
    open('[');
    return true;
  }
  bool on_array_end(std::size_t, error_code& ec) { return close(']', json::array(storage_), ec); }
  bool on_key_part(json::string_view part, std::size_t, error_code&) {
    key_piece(part);
    return true;
  }
  bool on_key(json::string_view part, std::size_t, error_code&) {
    key_piece(part);
    if (depth_ > 1) {
      separate();
      const auto begin = text_.size();
      quoter_.append(text_, view(string_));
      keys_.push_back({begin, text_.size()});
      text_.push_back(':');
      string_.clear();
    }
    return true;
  }
  bool on_string_part(json::string_view part, std::size_t, error_code& ec) {
    if (depth_ == 0) return not_an_object(ec);
    string_.append(part);
    return true;
  }
  bool on_string(json::string_view part, std::size_t, error_code& ec) {
    if (depth_ == 0) return not_an_object(ec);
    string_.append(part);
    if (depth_ == 1) return add(json::value(std::move(string_)), {}, ec);
    separate();
    quoter_.append(text_, view(string_));
    string_.clear();
    return true;
  }
  bool on_number_part(json::string_view part, error_code&) {
    number_.append(part);
    return true;
  }
  bool on_int64(std::int64_t number, json::string_view rest, error_code& ec) {
    return on_number(json::value(number, storage_), rest, ec);
  }
  bool on_uint64(std::uint64_t number, json::string_view rest, error_code& ec) {
    return on_number(json::value(number, storage_), rest, ec);
  }
  bool on_double(double number, json::string_view rest, error_code& ec) {
    return on_number(json::value(number, storage_), rest, ec);
  }
  bool on_bool(bool flag, error_code& ec) {
    return on_word(json::value(flag, storage_), flag ? "true" : "false", ec);
  }
  bool on_null(error_code& ec) { return on_word(json::value(nullptr, storage_), "null", ec); }
  // Comments are not allowed (parse_options), so these are never called.
  bool on_comment_part(json::string_view, error_code&) { return true; }
  bool on_comment(json::string_view, error_code&) { return true; }

 private:
  // ',' before an element of a nested container unless it is the first.
  void separate() {
    const char last = text_.back();
    if (last != '{' && last != '[' && last != ':') text_.push_back(',');
  }
  void open(char bracket) {
    if (depth_ == 1)
      text_.clear();
    else
      separate();
    text_.push_back(bracket);
    if (bracket == '{') object_keys_.push_back(keys_.size());
    ++depth_;
  }
  bool close(char bracket, json::value empty, error_code& ec) {
    text_.push_back(bracket);
    if (--depth_ > 1) return true;
    return add(std::move(empty), std::move(text_), ec);
  }
  // The body's own keys are field names; a nested key is quoted into the text when it ends.
  void key_piece(json::string_view part) {
    if (depth_ == 1)
      name_.append(part.data(), part.size());
    else
      string_.append(part);
  }
  bool on_number(json::value value, json::string_view rest, error_code& ec) {
    if (depth_ == 0) return not_an_object(ec);
    number_.append(rest);
    if (depth_ == 1) return add(std::move(value), std::move(number_), ec);
    separate();
    text_.append(number_);
    number_.clear();
    return true;
  }
  bool on_word(json::value value, std::string_view word, error_code& ec) {
    if (depth_ == 0) return not_an_object(ec);
    if (depth_ == 1) return add(std::move(value), {}, ec);
    separate();
    text_.append(word);
    return true;
  }
  bool add(json::value value, json::string literal, error_code& ec) {
    auto added = out_.add(std::move(name_), std::move(value), limits_, std::move(literal));
    name_.clear();
    if (!added) {
      problem_ = added.error();
      return stop(ec);
    }
    return true;
  }
  // The keys of the nested object that just ended, sorted to find a repeat in O(k log k)
  // (a linear scan per key would let one body of 10k keys cost 50M comparisons). Compared
  // as re-escaped, which is one spelling per decoded key.
  bool keys_are_unique() {
    const auto first = keys_.begin() + static_cast<std::ptrdiff_t>(object_keys_.back());
    object_keys_.pop_back();
    const auto key = [this](const KeyRange& range) {
      return view(text_.subview(range.begin, range.end - range.begin));
    };
    std::sort(first, keys_.end(),
              [&](const KeyRange& a, const KeyRange& b) { return key(a) < key(b); });
    const auto repeat = std::adjacent_find(
        first, keys_.end(), [&](const KeyRange& a, const KeyRange& b) { return key(a) == key(b); });
    if (repeat != keys_.end()) {
      const auto quoted = key(*repeat);
      problem_ = bad_request("duplicate_field",
                             "field '" + name_ + "' has the key '" +
                                 std::string(quoted.substr(1, quoted.size() - 2)) +
                                 "' twice in one of its objects; send each key once",
                             name_);
      return false;
    }
    keys_.erase(first, keys_.end());
    return true;
  }
  bool not_an_object(error_code& ec) {
    problem_ = bad_request("malformed_body",
                           "the body must be a JSON object of fields, like "
                           "{\"agentId\": \"1001\", \"event\": \"On Ring\"}");
    return stop(ec);
  }
  static bool stop(error_code& ec) {
    ec = json::error::exception;  // problem_ has the reason
    return false;
  }

  struct KeyRange {
    std::size_t begin, end;  // offsets in text_, quotes included
  };

  FieldSet& out_;
  const FieldLimits& limits_;
  json::storage_ptr storage_;
  std::size_t depth_ = 0;                 // containers open, the body included
  std::string name_;                      // the body's key being read, then the field's name
  json::string string_;                   // the string (or nested key) being read
  json::string number_;                   // a number's characters read so far
  json::string text_;                     // the nested value being written
  JsonQuoter quoter_;                     // nested strings and keys
  std::vector<KeyRange> keys_;            // of every nested object open
  std::vector<std::size_t> object_keys_;  // where each open object's keys start in keys_
  std::optional<Problem> problem_;
};

}  // namespace

Checked<void> add_json_fields(std::string_view body, const FieldLimits& limits, FieldSet& out) {
  json::parse_options options;
  options.allow_trailing_commas = true;
  options.max_depth = limits.max_depth;
  // A trigger has a handful of fields: one allocation for them instead of the vector growing
  // through 1, 2, 4, 8 (the member count is not known before the end of the object).
  out.reserve(out.fields().size() + std::min<std::size_t>(kTypicalFields, limits.max_fields));
  json::basic_parser<BodyHandler> parser(options, out, limits);
  boost::system::error_code ec;
  const auto used = parser.write_some(/*more=*/false, body.data(), body.size(), ec);
  // write_some stops after the document, as json::parser::write() does before saying so.
  if (!ec && used < body.size()) ec = json::error::extra_data;
  if (auto& problem = parser.handler().problem()) return std::move(*problem);
  if (ec == json::error::too_deep)
    return bad_request("malformed_body", "the JSON body is nested deeper than " +
                                             std::to_string(limits.max_depth) +
                                             " levels; flatten the interaction data");
  if (ec)
    return bad_request("malformed_body",
                       "the body is not valid JSON (" + ec.message() + "); send one JSON object");
  return {};
}

}  // namespace popflow::http
