#include "workflows/definition.hpp"

#include <gtest/gtest.h>

namespace popflow::workflows {
namespace {

// A definition of the given steps, starting at `start`.
std::string def(std::string_view steps, std::string_view start = "a") {
  return R"({"schema": 1, "start": ")" + std::string(start) + R"(", "steps": {)" +
         std::string(steps) + "}}";
}

Problem refused(const std::string& text, const DefinitionLimits& limits = {}) {
  auto d = validate_definition(text, limits);
  EXPECT_FALSE(d) << text;
  if (d) return {};
  EXPECT_EQ(d.error().status, 400);
  EXPECT_EQ(d.error().code, "invalid_definition");
  return d.error();
}

Definition accepted(const std::string& text, const DefinitionLimits& limits = {}) {
  auto d = validate_definition(text, limits);
  EXPECT_TRUE(d) << text << "\n" << (d ? "" : d.error().message + " @ " + d.error().field);
  return d ? std::move(*d) : Definition{};
}

#define EXPECT_HAS(text, part) EXPECT_NE((text).find(part), std::string::npos) << (text)

TEST(Definition, AShowCardIsValid) {
  const auto d =
      accepted(def(R"("a": {"type": "show", "label": "Pop", "title": "Call {interaction.ani}",
      "fields": [{"label": "Case", "value": "{interaction.case ?? 'none'}"}], "sound": true})"));
  ASSERT_EQ(d.steps.size(), 1u);
  EXPECT_EQ(d.start, "a");
  EXPECT_EQ(d.steps[0].type, StepType::show);
  EXPECT_EQ(d.steps[0].label, "Pop");
  EXPECT_EQ(d.steps[0].branches, std::vector<std::string>{"done"});
  EXPECT_TRUE(d.steps[0].next.empty());
  EXPECT_TRUE(d.json.is_object());
}

TEST(Definition, UnknownFieldIsNamedWithTheFieldsOfTheType) {
  const auto p = refused(def(R"("pop": {"type": "show", "titel": "x"})", "pop"));
  EXPECT_EQ(p.field, "steps.pop.titel");
  EXPECT_HAS(p.message, "step 'pop': field 'titel' is not a field of a show step (");
  EXPECT_HAS(p.message, "title, fields");
  EXPECT_HAS(p.message, "did you mean 'title'");
}

TEST(Definition, BranchToAMissingStepNamesTheStep) {
  const auto p =
      refused(def(R"("check": {"type": "if", "all": [{"left": "{vars.x}", "op": "empty"}],
      "next": {"then": "missing"}})",
                  "check"));
  EXPECT_EQ(p.field, "steps.check.next.then");
  EXPECT_HAS(p.message,
             "step 'check': branch 'then' points at step 'missing', which does not exist");
}

TEST(Definition, StartMustBeAStep) {
  const auto p = refused(def(R"("pop": {"type": "log", "message": "m"})", "begin"));
  EXPECT_EQ(p.field, "start");
  EXPECT_HAS(p.message, "start: 'begin' is not a step");
  EXPECT_HAS(refused(def(R"("pop": {"type": "log", "message": "m"})", "Pop")).message,
             "did you mean 'pop'");
}

TEST(Definition, BadTemplateNamesTheFieldPath) {
  const auto p = refused(def(R"("pop": {"type": "show", "title": "t",
      "fields": [{"label": "a", "value": "{vras.x}"}]})",
                             "pop"));
  EXPECT_EQ(p.field, "steps.pop.fields[0].value");
  EXPECT_HAS(p.message,
             "step 'pop': field 'fields[0].value' is not a valid template at position 2");
  EXPECT_HAS(p.message, "unknown root 'vras'");
}

TEST(Definition, BranchNamesAreThoseOfTheType) {
  const auto p = refused(def(R"("a": {"type": "show", "title": "t", "next": {"ok": "b"}},
                                "b": {"type": "stop"})"));
  EXPECT_EQ(p.field, "steps.a.next.ok");
  EXPECT_HAS(p.message, "branch 'ok' is not a branch of this show step ('done')");
  EXPECT_HAS(refused(def(R"("a": {"type": "stop", "next": {"done": "a"}})")).message,
             "has no branches; remove 'next'");
}

TEST(Definition, FormBranchesAreItsButtonIds) {
  const auto d = accepted(def(R"("a": {"type": "form", "title": "Wrap up", "save_as": "wrap",
      "fields": [{"name": "reason", "label": "Reason", "kind": "select", "options": ["Sale", "Support"],
                  "required": true},
                 {"name": "note", "kind": "textarea", "default": "{interaction.case ?? ''}"}],
      "buttons": [{"id": "save", "label": "Save"}, {"id": "skip", "label": "Skip"}],
      "next": {"skip": "c", "save": "b"}},
      "b": {"type": "log", "message": "{vars.wrap.reason}"}, "c": {"type": "stop"})"));
  ASSERT_EQ(d.steps.size(), 3u);
  EXPECT_EQ(d.steps[0].branches, (std::vector<std::string>{"save", "skip"}));
  ASSERT_EQ(d.steps[0].next.size(), 2u);
  EXPECT_EQ(d.steps[0].next[0].name, "save");  // the buttons' order, not the author's
  EXPECT_EQ(*d.steps[0].target("skip"), "c");
  EXPECT_EQ(d.steps[0].target("cancel"), nullptr);
}

TEST(Definition, FormMistakesAreExplained) {
  const auto base = [](std::string_view fields, std::string_view buttons) {
    return def(R"("a": {"type": "form", "title": "t", "fields": [)" + std::string(fields) +
               R"(], "buttons": [)" + std::string(buttons) + "]}");
  };
  const std::string ok_button = R"({"id": "ok", "label": "OK"})";
  EXPECT_HAS(refused(base("", "")).message, "'buttons' is empty");
  EXPECT_HAS(refused(base(R"({"name": "x", "kind": "select"})", ok_button)).message,
             "needs 'options'");
  EXPECT_HAS(refused(base(R"({"name": "x", "options": ["a"]})", ok_button)).message,
             "only for a field of kind select");
  EXPECT_HAS(refused(base(R"({"name": "x"}, {"name": "x"})", ok_button)).message, "used twice");
  EXPECT_HAS(refused(base(R"({"name": "x", "kind": "date"})", ok_button)).message,
             "must be one of text, textarea, number, select, checkbox");
  EXPECT_HAS(refused(base("", ok_button + "," + ok_button)).message,
             "the button id 'ok' is used twice");
  EXPECT_HAS(refused(base(R"({"name": "1x"})", ok_button)).message, "must be a name");
}

TEST(Definition, ChooseHasACancelBranchBesideItsButtons) {
  const auto d = accepted(def(R"("a": {"type": "choose", "title": "Which contact?",
      "rows": "{vars.lookup.body.items}", "as": "row",
      "columns": [{"label": "Name", "value": "{vars.row.name}"}],
      "buttons": [{"id": "open", "label": "Open"}], "save_as": "picked",
      "next": {"cancel": "b"}}, "b": {"type": "stop", "outcome": "failed", "reason": "cancelled"})"));
  EXPECT_EQ(d.steps[0].branches, (std::vector<std::string>{"open", "cancel"}));
  EXPECT_HAS(refused(def(R"("a": {"type": "choose", "title": "t", "rows": "{vars.r}",
      "columns": [{"label": "N", "value": "{vars.row.n}"}],
      "buttons": [{"id": "cancel", "label": "X"}]})"))
                 .message,
             "taken by the step's own branch");
}

TEST(Definition, UrlStepsNeedAnHttpSchemeWrittenOut) {
  accepted(def(
      R"("a": {"type": "open_url", "url": "https://{trigger.crmId}/x?q={interaction.ani|urlencode}"})"));
  const auto p = refused(def(R"("a": {"type": "open_url", "url": "{interaction.url}"})"));
  EXPECT_EQ(p.field, "steps.a.url");
  EXPECT_HAS(p.message, "must start with https:// or http://");
  EXPECT_HAS(refused(def(R"j("a": {"type": "open_url", "url": "javascript:alert(1)"})j")).message,
             "https://");
  EXPECT_HAS(
      refused(def(R"("a": {"type": "open_url", "url": "https://x", "target": "window"})")).message,
      "must be one of tab, self");
}

TEST(Definition, RecordAndSearchStepsAreValid) {
  accepted(def(
      R"("a": {"type": "open_record", "record_type": "incident", "record_id": "{interaction.case}",
                        "target": "self", "next": {"done": "b"}},
                  "b": {"type": "new_record", "record_type": "contact", "next": {"done": "c"}},
                  "c": {"type": "open_search", "term": "{interaction.ani|digits}"})"));
  EXPECT_HAS(refused(def(R"("a": {"type": "open_record", "record_type": "incident"})")).message,
             "field 'record_id' is missing; an open_record step needs it");
}

TEST(Definition, HttpStepIsChecked) {
  const auto d = accepted(def(R"("a": {"type": "http", "method": "POST",
      "url": "https://crm.example.com/api/lookup", "headers": {"Content-Type": "application/json",
      "X-Agent": "{trigger.agentId}"}, "body": {"phone": "{interaction.ani|digits}", "n": [1, "{vars.x}"]},
      "save_as": "lookup", "timeout_ms": 5000, "next": {"ok": "b", "error": "c"}},
      "b": {"type": "log", "message": "{vars.lookup.status}"}, "c": {"type": "stop", "outcome": "failed"})"));
  EXPECT_EQ(d.steps[0].branches, (std::vector<std::string>{"ok", "error"}));
  EXPECT_HAS(
      refused(def(R"("a": {"type": "http", "method": "GET", "url": "https://x", "body": "b"})"))
          .message,
      "a GET request has no body");
  EXPECT_HAS(refused(def(R"("a": {"type": "http", "method": "get", "url": "https://x"})")).message,
             "did you mean 'GET'");
  const auto slow = refused(
      def(R"("a": {"type": "http", "method": "GET", "url": "https://x", "timeout_ms": 60000})"));
  EXPECT_EQ(slow.field, "steps.a.timeout_ms");
  EXPECT_HAS(slow.message, "from 1 to 30000");
  const auto body = refused(def(R"("a": {"type": "http", "method": "PUT", "url": "https://x",
      "body": {"k": ["{vars.x}", "{nope.y}"]}})"));
  EXPECT_EQ(body.field, "steps.a.body.k[1]");
  EXPECT_HAS(refused(def(R"("a": {"type": "http", "method": "PUT", "url": "https://x",
      "headers": {"Bad Header": "x"}})"))
                 .message,
             "not an HTTP header name");
}

TEST(Definition, IfNeedsAllOrAnyAndKnownOps) {
  const auto d = accepted(def(R"("a": {"type": "if", "any": [
      {"left": "{interaction.vip}", "op": "equals", "right": "true"},
      {"left": "{interaction.ani}", "op": "starts_with", "right": "+44"},
      {"left": "{vars.n}", "op": "gt", "right": "3"},
      {"left": "{vars.x}", "op": "not_empty"}], "next": {"else": "b"}}, "b": {"type": "stop"})"));
  EXPECT_EQ(d.steps[0].branches, (std::vector<std::string>{"then", "else"}));
  EXPECT_HAS(refused(def(R"("a": {"type": "if"})")).message, "needs 'all'");
  EXPECT_HAS(refused(def(R"("a": {"type": "if", "all": [{"left": "a", "op": "empty"}],
      "any": [{"left": "a", "op": "empty"}]})"))
                 .message,
             "not both");
  EXPECT_HAS(
      refused(def(R"("a": {"type": "if", "all": [{"left": "a", "op": "equal", "right": "b"}]})"))
          .message,
      "did you mean 'equals'");
  EXPECT_HAS(refused(def(R"("a": {"type": "if", "all": [{"left": "a", "op": "equals"}]})")).message,
             "field 'all[0].right' is missing");
  EXPECT_HAS(
      refused(def(R"("a": {"type": "if", "all": [{"left": "a", "op": "empty", "right": "b"}]})"))
          .message,
      "remove 'right'");
}

TEST(Definition, SwitchBranchesAreItsCasesAndDefault) {
  const auto d = accepted(def(R"("a": {"type": "switch", "value": "{interaction.queue|lower}",
      "cases": ["sales", "support"], "next": {"support": "b", "default": "b"}}, "b": {"type": "stop"})"));
  EXPECT_EQ(d.steps[0].branches, (std::vector<std::string>{"sales", "support", "default"}));
  EXPECT_HAS(refused(def(R"("a": {"type": "switch", "value": "v", "cases": ["x", "x"]})")).message,
             "listed twice");
  EXPECT_HAS(refused(def(R"("a": {"type": "switch", "value": "v", "cases": ["default"]})")).message,
             "cannot be a case");
  EXPECT_HAS(refused(def(R"("a": {"type": "switch", "value": "v", "cases": []})")).message,
             "1 to 100");
}

TEST(Definition, ForEachBodyIsItsOwnChain) {
  const auto d = accepted(def(R"("a": {"type": "for_each", "items": "{vars.lookup.body.items}",
      "as": "item", "limit": 20, "next": {"body": "b", "done": "d"}},
      "b": {"type": "set", "vars": {"last": "{vars.item.id}"}, "next": {"done": "c"}},
      "c": {"type": "log", "message": "{vars.item.name}"},
      "d": {"type": "notify", "message": "{vars.last}", "level": "warning"})"));
  EXPECT_EQ(d.steps.size(), 4u);
  const auto p = refused(
      def(R"("a": {"type": "for_each", "items": "{vars.x}", "next": {"body": "b", "done": "c"}},
      "b": {"type": "log", "message": "m", "next": {"done": "c"}}, "c": {"type": "stop"})"));
  EXPECT_HAS(p.message, "leads into the body of for_each 'a'");
  EXPECT_HAS(
      refused(def(R"("a": {"type": "for_each", "items": "{vars.x}", "limit": 5000})")).message,
      "from 1 to 1000");
}

TEST(Definition, ACycleIsRefusedNamingAStepOnIt) {
  const auto p = refused(def(R"("a": {"type": "log", "message": "m", "next": {"done": "b"}},
      "b": {"type": "log", "message": "m", "next": {"done": "c"}},
      "c": {"type": "log", "message": "m", "next": {"done": "b"}})"));
  EXPECT_EQ(p.field, "steps.c.next.done");
  EXPECT_HAS(p.message, "goes back to step 'b', a cycle ('b' -> 'c' -> 'b')");
  EXPECT_HAS(refused(def(R"("a": {"type": "log", "message": "m", "next": {"done": "a"}})")).message,
             "a cycle ('a' -> 'a')");
}

TEST(Definition, UnreachableStepIsRefused) {
  const auto p = refused(def(R"("a": {"type": "stop"}, "orphan": {"type": "stop"})"));
  EXPECT_EQ(p.field, "steps.orphan");
  EXPECT_HAS(p.message, "step 'orphan' is not reachable from start 'a'");
}

TEST(Definition, DocumentShapeIsChecked) {
  EXPECT_HAS(refused(R"({"schema": 2, "start": "a", "steps": {"a": {"type": "stop"}}})").message,
             "'schema' must be 1");
  EXPECT_HAS(refused(R"({"start": "a", "steps": {"a": {"type": "stop"}}})").message,
             "'schema' must be 1");
  EXPECT_HAS(refused(R"({"schema": 1, "start": "a", "steps": {}})").message, "at least one step");
  EXPECT_HAS(refused(R"({"schema": 1, "steps": {"a": {"type": "stop"}}})").message,
             "field 'start' is missing");
  EXPECT_HAS(refused(R"({"schema": 1, "start": "a", "steps": {"a": {"type": "stop"}}, "nmae": 1})")
                 .message,
             "'nmae' is not a field of a definition");
  EXPECT_HAS(refused("[1]").message, "is a JSON object");
  EXPECT_HAS(refused(def(R"("a b": {"type": "stop"})", "a b")).message, "step id 'a b'");
  EXPECT_HAS(refused(def(R"("a": {"type": "shwo"})")).message, "did you mean 'show'");
  EXPECT_HAS(refused(def(R"("a": {"title": "x"})")).message, "field 'type' is missing");
}

TEST(Definition, MalformedJsonAndDuplicateKeysAreRefused) {
  EXPECT_HAS(refused(R"({"schema": 1,)").message, "malformed");
  const auto p = refused(def(R"("a": {"type": "show", "title": "x", "title": "y"})"));
  EXPECT_EQ(p.field, "steps.a.title");
  EXPECT_HAS(p.message, "appears twice");
}

TEST(Definition, LimitsAreEnforced) {
  DefinitionLimits small;
  small.max_bytes = 40;
  EXPECT_HAS(refused(def(R"("a": {"type": "stop"})"), small).message, "at most 40");
  small = {};
  small.max_steps = 2;
  EXPECT_HAS(refused(def(R"("a": {"type": "log", "message": "m", "next": {"done": "b"}},
      "b": {"type": "log", "message": "m", "next": {"done": "c"}}, "c": {"type": "stop"})"),
                     small)
                 .message,
             "at most 2");
  small = {};
  small.max_depth = 2;
  EXPECT_HAS(refused(def(R"("a": {"type": "log", "message": "m", "next": {"done": "b"}},
      "b": {"type": "log", "message": "m", "next": {"done": "c"}}, "c": {"type": "stop"})"),
                     small)
                 .message,
             "longest path from start has 3 steps");
  small = {};
  small.max_template_bytes = 8;
  EXPECT_HAS(refused(def(R"("a": {"type": "log", "message": "123456789"})"), small).message,
             "at most 8");
}

TEST(Definition, CanonicalJsonOrdersKeysAndRoundTrips) {
  const auto d =
      accepted(def(R"("z": {"next": {"done": "y"}, "message": "m", "type": "log", "level": "info"},
      "y": {"reason": "r", "type": "stop"})",
                   "z"));
  const auto text = canonical_json(d);
  EXPECT_EQ(text, R"({
  "schema": 1,
  "start": "z",
  "steps": {
    "z": {
      "type": "log",
      "message": "m",
      "level": "info",
      "next": {
        "done": "y"
      }
    },
    "y": {
      "type": "stop",
      "reason": "r"
    }
  }
}
)");
  const auto again = accepted(text);
  EXPECT_EQ(canonical_json(again), text);
}

TEST(Definition, StepTypeNamesRoundTrip) {
  for (auto type : {StepType::show, StepType::if_, StepType::switch_, StepType::for_each,
                    StepType::open_search, StepType::stop})
    EXPECT_EQ(step_type_from(to_string(type)), type);
  EXPECT_EQ(to_string(StepType::if_), "if");
  EXPECT_EQ(step_type_from("If"), std::nullopt);
}

}  // namespace
}  // namespace popflow::workflows
