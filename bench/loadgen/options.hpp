#pragma once
// `--name value` command-line options; every scenario reads the ones it needs with a default.
#include <map>
#include <string>

namespace bench {

class Options {
 public:
  Options(int argc, char** argv, int first);  // throws std::invalid_argument on a lone flag
  std::string str(const std::string& name, const std::string& fallback = "") const;
  long num(const std::string& name, long fallback) const;
  double real(const std::string& name, double fallback) const;

 private:
  std::map<std::string, std::string> values_;
};

// One result line on stdout: the bench scripts collect these into results/latest.json.
class JsonLine {
 public:
  JsonLine& add(const std::string& key, const std::string& value);
  JsonLine& add(const std::string& key, double value);
  void print() const;  // prints and flushes

 private:
  std::string body_;
};

}  // namespace bench
