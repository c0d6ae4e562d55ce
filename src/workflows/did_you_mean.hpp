#pragma once
// The "didYouMean" rule for names people type by hand (event names in triggers, step types,
// filters): the candidate a name most likely meant.
//
// Both sides are folded first: ASCII case ignored, leading/trailing whitespace dropped,
// whitespace runs as one space. A candidate matches when its folded form equals the wanted
// one ("on  ring " → "On Ring") or is within a Damerau–Levenshtein distance (optimal string
// alignment: insert, delete, substitute, swap two neighbours) of 1 when the folded wanted
// name has at most 4 characters, 2 otherwise ("On Rnig" → "On Ring"). A candidate identical
// to `wanted` is never suggested. The nearest wins; ties go to the candidate that sorts
// first (byte order), so the answer does not depend on the candidates' order.
//
// Cost: O(n·m) per candidate; meant for the failure path, over a customer's event names.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace popflow::workflows {

std::optional<std::string> did_you_mean(std::string_view wanted,
                                        const std::vector<std::string>& candidates);

// The folded form did_you_mean() compares (exposed for tests and for callers that index).
std::string fold_name(std::string_view name);

}  // namespace popflow::workflows
