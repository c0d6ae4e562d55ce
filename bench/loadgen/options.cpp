#include "options.hpp"

#include <cstdio>
#include <stdexcept>

namespace bench {

Options::Options(int argc, char** argv, int first) {
  for (int i = first; i < argc; i += 2) {
    std::string name = argv[i];
    if (!name.starts_with("--") || i + 1 >= argc)
      throw std::invalid_argument("expected --name value, got " + name);
    values_[name.substr(2)] = argv[i + 1];
  }
}

std::string Options::str(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second;
}

long Options::num(const std::string& name, long fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : std::stol(it->second);
}

double Options::real(const std::string& name, double fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : std::stod(it->second);
}

JsonLine& JsonLine::add(const std::string& key, const std::string& value) {
  if (!body_.empty()) body_ += ',';
  body_.append("\"").append(key).append("\":\"").append(value).append("\"");
  return *this;
}

JsonLine& JsonLine::add(const std::string& key, double value) {
  char number[64];
  std::snprintf(number, sizeof number, "%.6g", value);
  if (!body_.empty()) body_ += ',';
  body_.append("\"").append(key).append("\":").append(number);
  return *this;
}

void JsonLine::print() const {
  std::printf("{%s}\n", body_.c_str());
  std::fflush(stdout);
}

}  // namespace bench
