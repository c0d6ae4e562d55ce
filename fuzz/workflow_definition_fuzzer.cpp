// Workflow definitions as the admin API and imports receive them: validate_definition(), and
// (flags bit 0) the same bytes as one template, parsed and rendered.
//
// Input: the definition or template text, then a last flags byte (FuzzedDataProvider takes
// integers from the end): bit 0 template mode, bit 1 tight limits.
// Checks beyond "no crash, no UB, no leak":
//   - every Problem is a 400 invalid_definition (invalid_template) whose JSON is valid;
//   - an accepted definition's canonical_json() validates again, to the same text and steps;
//   - every branch of an accepted definition lands on one of its steps;
//   - a template that parses renders without failing, listing each missing path once.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "workflows/definition.hpp"
#include "workflows/template.hpp"

namespace {

using namespace popflow;
using namespace popflow::workflows;

void require(bool condition) {
  if (!condition) std::abort();
}

void check_problem(const Problem& problem, std::string_view code) {
  require(problem.status == 400);
  require(problem.code == code);
  boost::system::error_code ec;
  boost::json::parse(problem.to_json(), ec);
  require(!ec);
}

void fuzz_template(const std::string& text) {
  auto parsed = parse_template(text, definition_roots());
  if (!parsed) {
    check_problem(parsed.error(), "invalid_template");
    return;
  }
  static const auto context = boost::json::parse(
      R"({"interaction":{"ani":"+1 555","n":3,"a":[1,{"b":null}]},"trigger":{"id":"t"},
          "agent":{},"vars":{"x":{"y":[true]}}})");
  const auto out = render(*parsed, context.as_object());
  auto missing = out.missing_paths;
  std::sort(missing.begin(), missing.end());
  require(std::adjacent_find(missing.begin(), missing.end()) == missing.end());
}

void fuzz_definition(const std::string& text, const DefinitionLimits& limits) {
  auto d = validate_definition(text, limits);
  if (!d) {
    check_problem(d.error(), "invalid_definition");
    return;
  }
  for (const auto& step : d->steps)
    for (const auto& branch : step.next) require(d->step(branch.target) != nullptr);
  const auto canonical = canonical_json(*d);
  DefinitionLimits roomy = limits;
  roomy.max_bytes = canonical.size();  // indentation makes the export longer than the input
  auto again = validate_definition(canonical, roomy);
  require(static_cast<bool>(again));
  require(canonical_json(*again) == canonical);
  require(again->steps.size() == d->steps.size());
  for (std::size_t i = 0; i < d->steps.size(); ++i) {
    require(again->steps[i].id == d->steps[i].id);
    require(again->steps[i].type == d->steps[i].type);
    require(again->steps[i].next.size() == d->steps[i].next.size());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider input(data, size);
  const auto flags = input.ConsumeIntegral<std::uint8_t>();
  DefinitionLimits limits;
  if (flags & 2) limits = {2048, 6, 4, 64, 1000, 10};
  const std::string text = input.ConsumeRemainingBytesAsString();
  if (flags & 1)
    fuzz_template(text);
  else
    fuzz_definition(text, limits);
  return 0;
}
