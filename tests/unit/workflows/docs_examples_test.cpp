// Every definition on docs/workflows.md (a ```json block containing "schema": 1) validates,
// so the reference never shows an example the server would refuse.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "workflows/definition.hpp"

namespace popflow::workflows {
namespace {

struct Block {
  std::size_t line;
  std::string text;
};

std::vector<Block> definition_blocks(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in) << "cannot read " << path;
  std::vector<Block> out;
  std::string line;
  std::size_t number = 0;
  std::optional<Block> open;
  while (std::getline(in, line)) {
    ++number;
    if (!open && line == "```json") {
      open = Block{number, {}};
    } else if (open && line == "```") {
      if (open->text.find("\"schema\": 1") != std::string::npos) out.push_back(*open);
      open.reset();
    } else if (open) {
      open->text += line + "\n";
    }
  }
  return out;
}

TEST(DocsExamples, EveryDefinitionOnTheReferencePageValidates) {
  const auto blocks = definition_blocks(POPFLOW_DOCS_WORKFLOWS);
  EXPECT_GE(blocks.size(), 15u);  // the format, one per step type (3 share one), the full one
  for (const auto& block : blocks) {
    auto d = validate_definition(block.text);
    EXPECT_TRUE(d) << "docs/workflows.md line " << block.line << ": "
                   << (d ? "" : d.error().message + " (" + d.error().field + ")");
  }
}

TEST(DocsExamples, TheCompleteExampleUsesEveryBranchOfItsHttpStep) {
  const auto blocks = definition_blocks(POPFLOW_DOCS_WORKFLOWS);
  ASSERT_FALSE(blocks.empty());
  auto d = validate_definition(blocks.back().text);
  ASSERT_TRUE(d);
  const auto* lookup = d->step("lookup");
  ASSERT_NE(lookup, nullptr);
  EXPECT_EQ(lookup->type, StepType::http);
  EXPECT_NE(lookup->target("ok"), nullptr);
  EXPECT_NE(lookup->target("error"), nullptr);
  EXPECT_NE(d->step("reason"), nullptr);
}

}  // namespace
}  // namespace popflow::workflows
