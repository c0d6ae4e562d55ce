#include "core/config.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>

namespace popflow {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

// A TOML file in a fresh temporary directory, removed with the fixture.
class ConfigTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() / ("popflow-config-" + std::to_string(::getpid()) + "-" +
                                     testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write_toml(const std::string& text) {
    const auto path = (dir_ / "popflow.toml").string();
    std::ofstream(path) << text;
    return path;
  }

  // An environment made of `env_` instead of the process's.
  std::function<const char*(const char*)> fake_env() {
    return [this](const char* name) -> const char* {
      auto it = env_.find(name);
      return it == env_.end() ? nullptr : it->second.c_str();
    };
  }

  // The message of the runtime_error load_config throws, or "" when it does not throw.
  static std::string error_of(const ConfigSources& sources) {
    try {
      load_config(sources);
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    return "";
  }

  fs::path dir_;
  std::map<std::string, std::string> env_;
};

TEST_F(ConfigTest, DefaultsWithNoSources) {
  const Config c = load_config({});
  EXPECT_EQ(c.data_dir, "./data");
  EXPECT_EQ(c.http, "0.0.0.0:8080");
  EXPECT_EQ(c.mqtt, "0.0.0.0:1883");
  EXPECT_EQ(c.cors_origins, std::vector<std::string>{"*"});
  EXPECT_EQ(c.revocation_poll, milliseconds(1000));
  EXPECT_TRUE(c.access_log);
}

TEST_F(ConfigTest, FileOverridesDefaults) {
  ConfigSources sources;
  sources.file = write_toml(R"(
data_dir = "/var/lib/popflow"
max_body_bytes = 1024
access_log = false
read_timeout = "500ms"
cors_origins = ["https://crm.example", "https://other.example"]
)");
  const Config c = load_config(sources);
  EXPECT_EQ(c.data_dir, "/var/lib/popflow");
  EXPECT_EQ(c.max_body_bytes, 1024u);
  EXPECT_FALSE(c.access_log);
  EXPECT_EQ(c.read_timeout, milliseconds(500));
  EXPECT_EQ(c.cors_origins,
            (std::vector<std::string>{"https://crm.example", "https://other.example"}));
  EXPECT_EQ(c.http, "0.0.0.0:8080");  // untouched keys keep their defaults
}

TEST_F(ConfigTest, EnvironmentOverridesFile) {
  ConfigSources sources;
  sources.file = write_toml("max_body_bytes = 1024\nhttp = \"127.0.0.1:1\"\n");
  env_["POPFLOW_MAX_BODY_BYTES"] = "2048";
  env_["POPFLOW_CORS_ORIGINS"] = "https://a.example,https://b.example";
  sources.getenv = fake_env();
  const Config c = load_config(sources);
  EXPECT_EQ(c.max_body_bytes, 2048u);
  EXPECT_EQ(c.http, "127.0.0.1:1");
  EXPECT_EQ(c.cors_origins, (std::vector<std::string>{"https://a.example", "https://b.example"}));
}

TEST_F(ConfigTest, FlagsOverrideEnvironmentAndFile) {
  ConfigSources sources;
  sources.file = write_toml("max_body_bytes = 1024\nidle_timeout = \"1m\"\n");
  env_["POPFLOW_MAX_BODY_BYTES"] = "2048";
  env_["POPFLOW_IDLE_TIMEOUT"] = "2m";
  sources.getenv = fake_env();
  sources.flags = {{"max_body_bytes", "4096"}};
  const Config c = load_config(sources);
  EXPECT_EQ(c.max_body_bytes, 4096u);
  EXPECT_EQ(c.idle_timeout, milliseconds(120'000));  // env still beats the file
}

TEST_F(ConfigTest, EnvironmentIsReadThroughTheGivenFunctionOnly) {
  ::setenv("POPFLOW_HTTP", "127.0.0.9:9", 1);
  EXPECT_EQ(load_config({}).http, "0.0.0.0:8080");
  ConfigSources sources;
  sources.getenv = [](const char* name) { return std::getenv(name); };
  EXPECT_EQ(load_config(sources).http, "127.0.0.9:9");
  ::unsetenv("POPFLOW_HTTP");
}

TEST_F(ConfigTest, BadFlagValueNamesFlagAndValue) {
  ConfigSources sources;
  sources.flags = {{"max_body_bytes", "lots"}};
  const auto err = error_of(sources);
  EXPECT_NE(err.find("--max-body-bytes"), std::string::npos) << err;
  EXPECT_NE(err.find("'lots'"), std::string::npos) << err;
}

TEST_F(ConfigTest, BadEnvValueNamesVariable) {
  env_["POPFLOW_READ_TIMEOUT"] = "10 parsecs";
  ConfigSources sources;
  sources.getenv = fake_env();
  const auto err = error_of(sources);
  EXPECT_NE(err.find("POPFLOW_READ_TIMEOUT"), std::string::npos) << err;
  EXPECT_NE(err.find("duration"), std::string::npos) << err;
}

TEST_F(ConfigTest, BadBooleanAndNegativeNumbersRefused) {
  ConfigSources sources;
  sources.flags = {{"access_log", "maybe"}};
  EXPECT_NE(error_of(sources).find("true or false"), std::string::npos);
  sources.flags = {{"max_fields", "-1"}};
  EXPECT_NE(error_of(sources).find("non-negative"), std::string::npos);
  sources.flags = {{"max_fields", "12abc"}};
  EXPECT_NE(error_of(sources), "");
}

TEST_F(ConfigTest, NumberTooLargeForTheSettingIsRefused) {
  ConfigSources sources;
  sources.flags = {{"threads", "4294967297"}};  // 2^32 + 1 would wrap to 1 thread
  const auto err = error_of(sources);
  EXPECT_NE(err.find("--threads"), std::string::npos) << err;
}

TEST_F(ConfigTest, BooleanSpellings) {
  ConfigSources sources;
  for (const char* yes : {"true", "1", "yes", "on"}) {
    sources.flags = {{"access_log", yes}};
    EXPECT_TRUE(load_config(sources).access_log) << yes;
  }
  for (const char* no : {"false", "0", "no", "off"}) {
    sources.flags = {{"access_log", no}};
    EXPECT_FALSE(load_config(sources).access_log) << no;
  }
}

TEST_F(ConfigTest, UnknownKeysRefused) {
  ConfigSources sources;
  sources.flags = {{"max_bodybytes", "1"}};
  EXPECT_NE(error_of(sources).find("unknown setting 'max_bodybytes'"), std::string::npos);

  ConfigSources file_sources;
  file_sources.file = write_toml("colour = \"blue\"\n");
  const auto err = error_of(file_sources);
  EXPECT_NE(err.find("popflow.toml"), std::string::npos) << err;
  EXPECT_NE(err.find("unknown setting 'colour'"), std::string::npos) << err;
}

TEST_F(ConfigTest, MalformedTomlNamesTheFile) {
  ConfigSources sources;
  sources.file = write_toml("max_body_bytes = = 3\n");
  const auto err = error_of(sources);
  EXPECT_NE(err.find("popflow.toml"), std::string::npos) << err;
}

TEST_F(ConfigTest, MissingFileIsAnError) {
  ConfigSources sources;
  sources.file = (dir_ / "nope.toml").string();
  const auto err = error_of(sources);
  EXPECT_NE(err.find("nope.toml"), std::string::npos) << err;
}

TEST_F(ConfigTest, UnsupportedTomlTypesRefused) {
  ConfigSources sources;
  sources.file = write_toml("max_body_bytes = 1.5\n");
  auto err = error_of(sources);
  EXPECT_NE(err.find("max_body_bytes"), std::string::npos) << err;
  sources.file = write_toml("[http]\nport = 1\n");
  err = error_of(sources);
  EXPECT_NE(err.find("http"), std::string::npos) << err;
}

TEST_F(ConfigTest, TomlIntegerDurationMeansSeconds) {
  ConfigSources sources;
  sources.file = write_toml("shutdown_timeout = 3\n");
  EXPECT_EQ(load_config(sources).shutdown_timeout, milliseconds(3000));
}

TEST_F(ConfigTest, MqttKeepAliveAndServerAliasesAreSixteenBitSettings) {
  const Config defaults = load_config({});
  EXPECT_EQ(defaults.mqtt_max_keepalive, 0);  // no maximum: the client's keep-alive stands
  EXPECT_EQ(defaults.mqtt_server_topic_aliases, 10);
  ConfigSources sources;
  sources.flags = {{"mqtt_max_keepalive", "65535"}, {"mqtt_server_topic_aliases", "0"}};
  const Config c = load_config(sources);
  EXPECT_EQ(c.mqtt_max_keepalive, 65535);
  EXPECT_EQ(c.mqtt_server_topic_aliases, 0);
  // Both travel in 16-bit MQTT fields: a larger value is refused, not wrapped.
  for (const auto* key : {"mqtt_max_keepalive", "mqtt_server_topic_aliases"}) {
    sources.flags = {{key, "65536"}};
    const auto err = error_of(sources);
    EXPECT_NE(err.find(key), std::string::npos) << err;
    EXPECT_NE(err.find("at most 65535"), std::string::npos) << err;
  }
}

// Issue 11: persistent sessions are bounded by default; 0 lifts each bound.
TEST_F(ConfigTest, PersistentSessionBoundsDefaultOnAndZeroLiftsThem) {
  const Config defaults = load_config({});
  EXPECT_EQ(defaults.mqtt_max_session_expiry, std::chrono::hours(24 * 7));
  EXPECT_EQ(defaults.mqtt_max_sessions_per_token, 100u);
  EXPECT_EQ(defaults.mqtt_max_sessions_per_customer, 10000u);
  ConfigSources sources;
  env_ = {{"POPFLOW_MQTT_MAX_SESSION_EXPIRY", "2s"}};
  sources.getenv = fake_env();
  sources.flags = {{"mqtt_max_sessions_per_token", "0"}, {"mqtt_max_sessions_per_customer", "0"}};
  const Config c = load_config(sources);
  EXPECT_EQ(c.mqtt_max_session_expiry, milliseconds(2000));
  EXPECT_EQ(c.mqtt_max_sessions_per_token, 0u);
  EXPECT_EQ(c.mqtt_max_sessions_per_customer, 0u);
}

TEST(ConfigNames, EnvAndFlagNamesDeriveFromKey) {
  EXPECT_EQ(env_name("max_body_bytes"), "POPFLOW_MAX_BODY_BYTES");
  EXPECT_EQ(flag_name("max_body_bytes"), "--max-body-bytes");
  EXPECT_EQ(env_name("data_dir"), "POPFLOW_DATA_DIR");  // as the contract names it
}

TEST(ConfigSettings, EveryKeyRoundTripsThroughShow) {
  const Config defaults;
  for (const auto& s : settings()) {
    Config c;
    EXPECT_EQ(s.assign(c, s.show(defaults)), std::nullopt) << s.key;
    EXPECT_EQ(s.show(c), s.show(defaults)) << s.key;
    EXPECT_FALSE(s.help.empty()) << s.key;
  }
}

}  // namespace
}  // namespace popflow
