#include "workflows/template.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

namespace popflow::workflows {
namespace {

namespace json = boost::json;

const json::object& context() {
  static const json::object c = json::parse(R"({
    "interaction": {"ani": "+1 (555) 010-2000", "name": "Ann O'Neil", "count": 3,
                    "vip": true, "none": null, "tags": ["a", "b"], "nested": {"k": "v"},
                    "spaced text": "no"},
    "trigger": {"crmId": "acme.example.com", "event": "On Ring"},
    "agent": {"id": "a1"},
    "vars": {"lookup": {"body": {"items": [{"name": "First"}, {"name": "Second"}]}}}
  })")
                                    .as_object();
  return c;
}

Rendered r(std::string_view text) {
  auto t = parse_template(text, definition_roots());
  EXPECT_TRUE(t) << text << ": " << (t ? "" : t.error().message);
  if (!t) return {};
  return render(*t, context());
}

std::string error_of(std::string_view text, const Roots& roots = definition_roots()) {
  auto t = parse_template(text, roots);
  EXPECT_FALSE(t) << text << " parsed";
  if (t) return {};
  EXPECT_EQ(t.error().code, "invalid_template");
  return t.error().message;
}

TEST(Template, StringsRenderAsThemselves) {
  EXPECT_EQ(r("Call from {interaction.name} on {trigger.crmId}").text,
            "Call from Ann O'Neil on acme.example.com");
}

TEST(Template, NumbersBoolsAndContainersRenderAsJson) {
  EXPECT_EQ(r("{interaction.count}/{interaction.vip}").text, "3/true");
  EXPECT_EQ(r("{interaction.tags}").text, R"(["a","b"])");
  EXPECT_EQ(r("{interaction.nested}").text, R"({"k":"v"})");
  EXPECT_EQ(r("[{interaction.none}]").text, "[]");
}

TEST(Template, DigitSegmentsIndexArrays) {
  EXPECT_EQ(r("{vars.lookup.body.items.1.name}").text, "Second");
  EXPECT_EQ(r("{interaction.tags.0}").text, "a");
}

TEST(Template, MissingPathRendersEmptyAndIsListedOnce) {
  const auto out = r("<{vars.nope}{interaction.tags.7}{vars.nope}{interaction.ani.x}>");
  EXPECT_EQ(out.text, "<>");
  EXPECT_EQ(out.missing_paths,
            (std::vector<std::string>{"vars.nope", "interaction.tags.7", "interaction.ani.x"}));
}

TEST(Template, DefaultReplacesAMissingOrNullValue) {
  EXPECT_EQ(r("{interaction.case ?? 'none'}").text, "none");
  EXPECT_EQ(r("{interaction.none ?? 'empty'}").text, "empty");
  EXPECT_EQ(r("{interaction.name\?\?'x'}").text, "Ann O'Neil");
  EXPECT_EQ(r(R"({vars.x ?? 'it\'s a \\ back'})").text, R"(it's a \ back)");
  EXPECT_EQ(r("{interaction.case ?? 'none'}").missing_paths,
            std::vector<std::string>{"interaction.case"});
}

TEST(Template, FiltersApplyLeftToRight) {
  EXPECT_EQ(r("{interaction.ani|digits}").text, "15550102000");
  EXPECT_EQ(r("{interaction.name|upper}").text, "ANN O'NEIL");
  EXPECT_EQ(r("{trigger.event | lower | urlencode}").text, "on%20ring");
  EXPECT_EQ(r("{interaction.name|urlencode}").text, "Ann%20O%27Neil");
  EXPECT_EQ(r("{vars.x ?? 'A b' |lower}").text, "a b");
}

TEST(Template, JsonFilterAlwaysEncodes) {
  EXPECT_EQ(r("{interaction.name|json}").text, R"("Ann O'Neil")");
  EXPECT_EQ(r("{interaction.count|json}").text, "3");
  EXPECT_EQ(r("{interaction.tags|json}").text, R"(["a","b"])");
  EXPECT_EQ(r("{vars.missing|json}").text, "null");
  EXPECT_EQ(r("{interaction.ani|digits|json}").text, R"("15550102000")");
}

TEST(Template, DoubledBracesAreLiteral) {
  EXPECT_EQ(r("{{\"id\": {interaction.count}}}").text, R"({"id": 3})");
  auto t = parse_template("{{}}", definition_roots());
  ASSERT_TRUE(t);
  EXPECT_FALSE(t->has_placeholders());
}

TEST(Template, UnknownRootIsNamedWithItsPosition) {
  const auto m = error_of("Hi {vras.x}");
  EXPECT_NE(m.find("position 5"), std::string::npos) << m;
  EXPECT_NE(m.find("unknown root 'vras'"), std::string::npos) << m;
  EXPECT_NE(m.find("did you mean 'vars'"), std::string::npos) << m;
}

TEST(Template, UnknownTriggerFieldIsRefused) {
  const auto m = error_of("{trigger.crmid}");
  EXPECT_NE(m.find("no field 'crmid'"), std::string::npos) << m;
  EXPECT_NE(m.find("did you mean 'crmId'"), std::string::npos) << m;
  EXPECT_NE(error_of("{trigger.crmId.host}").find("has no fields"), std::string::npos);
}

TEST(Template, UnknownFilterIsRefused) {
  const auto m = error_of("{interaction.ani|uper}");
  EXPECT_NE(m.find("unknown filter 'uper'"), std::string::npos) << m;
  EXPECT_NE(m.find("position 18"), std::string::npos) << m;
  EXPECT_NE(m.find("did you mean 'upper'"), std::string::npos) << m;
  EXPECT_NE(error_of("{interaction.ani|}").find("filter name is missing"), std::string::npos);
}

TEST(Template, UnclosedBraceIsRefused) {
  const auto m = error_of("abc {interaction.ani");
  EXPECT_NE(m.find("position 5"), std::string::npos) << m;
  EXPECT_NE(m.find("never closed"), std::string::npos) << m;
  EXPECT_NE(error_of("{interaction.ani|upper").find("never closed"), std::string::npos);
  EXPECT_NE(error_of("x }").find("unmatched '}'"), std::string::npos);
}

TEST(Template, EmptyPathsAreRefused) {
  EXPECT_NE(error_of("{}").find("empty path"), std::string::npos);
  EXPECT_NE(error_of("{ }").find("empty path"), std::string::npos);
  EXPECT_NE(error_of("{vars..x}").find("empty segment"), std::string::npos);
  EXPECT_NE(error_of("{vars.}").find("empty segment"), std::string::npos);
}

TEST(Template, DefaultMistakesAreExplained) {
  EXPECT_NE(error_of("{vars.x ?? 'open}").find("quote is never closed"), std::string::npos);
  EXPECT_NE(error_of("{vars.x ?? none}").find("quoted text"), std::string::npos);
  EXPECT_NE(error_of("{vars.x|upper ?? 'n'}").find("before the filters"), std::string::npos);
  EXPECT_NE(error_of("{vars.x y}").find("unexpected 'y'"), std::string::npos);
}

TEST(Template, MessagesNeverQuoteAPartOfAUtf8Sequence) {
  const auto m = error_of("{vars.x \xC3\xA9}");
  EXPECT_NE(m.find("unexpected byte 0xC3"), std::string::npos) << m;
  EXPECT_NE(error_of("ok \xFF").find("position 4: the text is not valid UTF-8"), std::string::npos);
  EXPECT_FALSE(parse_template("\xED\xA0\x80", definition_roots()));  // a surrogate
  EXPECT_FALSE(parse_template("\xC0\xAF", definition_roots()));      // overlong
  EXPECT_TRUE(parse_template("caf\xC3\xA9 {vars.x} \xF0\x9F\x93\x9E", definition_roots()));
}

TEST(Template, RootsAreTheCallersChoice) {
  EXPECT_TRUE(parse_template("{record.id}", url_template_roots()));
  EXPECT_NE(error_of("{record.id}").find("unknown root"), std::string::npos);
  EXPECT_NE(error_of("{vars.x}", url_template_roots()).find("unknown root"), std::string::npos);
}

TEST(UrlTemplates, EveryPresetIsValid) {
  for (auto type : {CrmType::oracle_b2c, CrmType::salesforce, CrmType::zendesk, CrmType::dynamics,
                    CrmType::servicenow, CrmType::generic}) {
    auto ok = validate_url_templates(url_presets(type));
    EXPECT_TRUE(ok) << to_string(type) << ": " << (ok ? "" : ok.error().message);
  }
}

TEST(UrlTemplates, ABadTemplateIsNamed) {
  auto urls = url_presets(CrmType::generic);
  urls.search = "https://{trigger.crmId}/s?q={search.trem}";
  auto bad = validate_url_templates(urls);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "urlTemplates.search");
  EXPECT_NE(bad.error().message.find("no field 'trem'"), std::string::npos) << bad.error().message;
}

TEST(UrlTemplates, ASchemeOtherThanHttpIsRefused) {
  auto urls = url_presets(CrmType::generic);
  urls.record = "{trigger.crmId}/{record.id}";
  auto bad = validate_url_templates(urls);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "urlTemplates.record");
  urls.record = "javascript:alert({record.id})";
  EXPECT_FALSE(validate_url_templates(urls));
  urls.record = "HTTPS://{trigger.crmId}/{record.id}";
  EXPECT_TRUE(validate_url_templates(urls));
}

}  // namespace
}  // namespace popflow::workflows
