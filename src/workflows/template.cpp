#include "workflows/template.hpp"

#include <algorithm>
#include <array>
#include <boost/json/serialize.hpp>

#include "workflows/did_you_mean.hpp"

namespace popflow::workflows {
namespace {

namespace json = boost::json;

constexpr std::array<std::pair<Filter, std::string_view>, 5> kFilters = {{
    {Filter::urlencode, "urlencode"},
    {Filter::digits, "digits"},
    {Filter::lower, "lower"},
    {Filter::upper, "upper"},
    {Filter::json, "json"},
}};

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool ends_segment(char c) {
  return c == '.' || c == '|' || c == '{' || c == '}' || c == '?' || c == '\'' || is_space(c);
}

// A byte for a message: quoted when printable ASCII; else only its value, since a lone byte
// of a UTF-8 sequence would make the message (and its JSON) invalid.
std::string describe(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (byte >= 0x20 && byte < 0x7F) return "'" + std::string(1, c) + "'";
  static constexpr char kHex[] = "0123456789ABCDEF";
  return std::string("byte 0x") + kHex[byte >> 4] + kHex[byte & 0xF];
}

// The offset of the first byte that is not part of well-formed UTF-8 (RFC 3629: no
// overlong forms, no surrogates, at most U+10FFFF), or npos.
std::size_t invalid_utf8_at(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto b = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;  // the second byte's range
    if (b < 0x80)
      length = 1;
    else if (b >= 0xC2 && b <= 0xDF)
      length = 2;
    else if (b >= 0xE0 && b <= 0xEF) {
      length = 3;
      if (b == 0xE0) low = 0xA0;
      if (b == 0xED) high = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
      length = 4;
      if (b == 0xF0) low = 0x90;
      if (b == 0xF4) high = 0x8F;
    } else {
      return i;
    }
    if (i + length > text.size()) return i;
    for (std::size_t k = 1; k < length; ++k) {
      const auto c = static_cast<unsigned char>(text[i + k]);
      if (c < (k == 1 ? low : 0x80) || c > (k == 1 ? high : 0xBF)) return i;
    }
    i += length;
  }
  return std::string_view::npos;
}

template <class Names>
std::string listed(const Names& names, std::string_view suffix = {}) {
  std::string out;
  for (const auto& name : names) {
    if (!out.empty()) out += ", ";
    out += std::string(name) + std::string(suffix);
  }
  return out;
}

std::string suggestion(std::string_view wanted, const std::vector<std::string>& candidates) {
  auto best = did_you_mean(wanted, candidates);
  return best ? "; did you mean '" + *best + "'?" : "";
}

// One pass over the text; `at_` is the byte offset being read.
class Parser {
 public:
  Parser(std::string_view text, const Roots& roots) : text_(text), roots_(roots) {}

  Checked<Template> parse() {
    if (const auto bad = invalid_utf8_at(text_); bad != std::string_view::npos)
      return fail(bad, "the text is not valid UTF-8; send it as UTF-8");
    Template out;
    std::string literal;
    while (at_ < text_.size()) {
      const char c = text_[at_];
      if (c == '{' && peek(1) == '{') {
        literal.push_back('{');
        at_ += 2;
      } else if (c == '}' && peek(1) == '}') {
        literal.push_back('}');
        at_ += 2;
      } else if (c == '}') {
        return fail(at_, "unmatched '}'; write '}}' for a literal brace");
      } else if (c == '{') {
        if (!literal.empty()) out.parts.emplace_back(std::move(literal));
        literal.clear();
        auto placeholder = parse_placeholder();
        if (!placeholder) return placeholder.error();
        out.parts.emplace_back(std::move(*placeholder));
      } else {
        literal.push_back(c);
        ++at_;
      }
    }
    if (!literal.empty()) out.parts.emplace_back(std::move(literal));
    return out;
  }

 private:
  char peek(std::size_t ahead) const {
    return at_ + ahead < text_.size() ? text_[at_ + ahead] : '\0';
  }
  void skip_spaces() {
    while (at_ < text_.size() && is_space(text_[at_])) ++at_;
  }
  Problem fail(std::size_t offset, const std::string& what) const {
    return bad_request("invalid_template",
                       "at position " + std::to_string(offset + 1) + ": " + what);
  }

  Checked<Placeholder> parse_placeholder() {
    const std::size_t open = at_++;
    Placeholder out;
    skip_spaces();
    const std::size_t path_at = at_;
    while (true) {
      const std::size_t begin = at_;
      while (at_ < text_.size() && !ends_segment(text_[at_])) ++at_;
      if (at_ >= text_.size()) return unclosed(open);
      if (at_ == begin) {
        if (out.segments.empty() && text_[at_] == '}')
          return fail(open,
                      "empty path; write one such as {interaction.ani}, or '{{' for a "
                      "literal brace");
        return fail(at_, "empty segment in the path '" +
                             std::string(text_.substr(path_at, at_ - path_at)) +
                             "'; remove the extra '.' or name the field");
      }
      out.segments.emplace_back(text_.substr(begin, at_ - begin));
      if (text_[at_] != '.') break;
      ++at_;
    }
    out.path = std::string(text_.substr(path_at, at_ - path_at));
    if (auto problem = check_root(out, path_at)) return *problem;
    skip_spaces();
    if (text_.substr(at_, 2) == "??") {
      at_ += 2;
      skip_spaces();
      auto fallback = parse_quoted();
      if (!fallback) return fallback.error();
      out.fallback = std::move(*fallback);
      skip_spaces();
    }
    while (at_ < text_.size() && text_[at_] == '|') {
      ++at_;
      skip_spaces();
      const std::size_t begin = at_;
      while (at_ < text_.size() && !ends_segment(text_[at_])) ++at_;
      const auto name = text_.substr(begin, at_ - begin);
      if (name.empty()) {
        if (at_ >= text_.size()) return unclosed(open);
        return fail(begin, "a filter name is missing after '|' (" + listed(filter_names()) + ")");
      }
      const auto filter = std::find_if(kFilters.begin(), kFilters.end(),
                                       [&](const auto& entry) { return entry.second == name; });
      if (filter == kFilters.end())
        return fail(begin, "unknown filter '" + std::string(name) + "' (" + listed(filter_names()) +
                               ")" + suggestion(name, filter_names()));
      out.filters.push_back(filter->first);
      skip_spaces();
    }
    if (at_ >= text_.size()) return unclosed(open);
    if (text_[at_] == '}') {
      ++at_;
      return out;
    }
    if (text_.substr(at_, 2) == "??")
      return fail(at_, "the default ('?? ...') must come before the filters");
    return fail(at_, "unexpected " + describe(text_[at_]) + " in '{" + out.path +
                         "...'; a placeholder is {path ?? 'default' |filter}");
  }

  Problem unclosed(std::size_t open) const {
    return fail(open,
                "'{' is never closed; end the placeholder with '}', or write '{{' for a "
                "literal brace");
  }

  Checked<std::string> parse_quoted() {
    if (at_ >= text_.size() || text_[at_] != '\'')
      return fail(at_, "a default is a quoted text after '\?\?', such as ?? 'none'");
    const std::size_t quote = at_++;
    std::string out;
    while (at_ < text_.size() && text_[at_] != '\'') {
      if (text_[at_] == '\\' && (peek(1) == '\'' || peek(1) == '\\')) ++at_;
      out.push_back(text_[at_++]);
    }
    if (at_ >= text_.size())
      return fail(quote,
                  "the default's quote is never closed; end it with ' (write \\' for "
                  "a quote inside it)");
    ++at_;
    return out;
  }

  std::optional<Problem> check_root(const Placeholder& p, std::size_t path_at) const {
    const auto& root_name = p.segments.front();
    const auto root = std::find_if(roots_.begin(), roots_.end(),
                                   [&](const Root& r) { return r.name == root_name; });
    if (root == roots_.end()) {
      std::vector<std::string> names;
      for (const auto& r : roots_) names.push_back(r.name);
      return fail(path_at, "unknown root '" + root_name + "' in '" + p.path + "' (" +
                               listed(names, ".") + ")" + suggestion(root_name, names));
    }
    if (root->fields.empty() || p.segments.size() == 1) return std::nullopt;
    const auto& field = p.segments[1];
    if (std::find(root->fields.begin(), root->fields.end(), field) == root->fields.end())
      return fail(path_at, "'" + root_name + "' has no field '" + field + "' (" +
                               listed(root->fields) + ")" + suggestion(field, root->fields));
    if (p.segments.size() > 2)
      return fail(path_at, "'" + root_name + "." + field +
                               "' is text and has no fields; "
                               "remove what follows it");
    return std::nullopt;
  }

  static const std::vector<std::string>& filter_names() {
    static const std::vector<std::string> names = [] {
      std::vector<std::string> out;
      for (const auto& entry : kFilters) out.emplace_back(entry.second);
      return out;
    }();
    return names;
  }

  std::string_view text_;
  const Roots& roots_;
  std::size_t at_ = 0;
};

}  // namespace

const Roots& definition_roots() {
  static const Roots roots = {
      {"interaction", {}},
      {"trigger", {"id", "channel", "agentId", "event", "crmId", "ctiId", "receivedAt"}},
      {"agent", {}},
      {"vars", {}}};
  return roots;
}

const Roots& url_template_roots() {
  static const Roots roots = {
      {"trigger", {"id", "channel", "agentId", "event", "crmId", "ctiId", "receivedAt"}},
      {"record", {"type", "id"}},
      {"search", {"term"}}};
  return roots;
}

bool Template::has_placeholders() const {
  return std::any_of(parts.begin(), parts.end(),
                     [](const auto& part) { return std::holds_alternative<Placeholder>(part); });
}

std::string_view Template::literal_prefix() const {
  if (parts.empty() || !std::holds_alternative<std::string>(parts.front())) return {};
  return std::get<std::string>(parts.front());
}

bool Template::starts_with_http_scheme() const {
  std::string prefix(literal_prefix().substr(0, 8));
  for (auto& c : prefix)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return prefix.starts_with("https://") || prefix.starts_with("http://");
}

Checked<Template> parse_template(std::string_view text, const Roots& roots) {
  return Parser(text, roots).parse();
}

}  // namespace popflow::workflows
