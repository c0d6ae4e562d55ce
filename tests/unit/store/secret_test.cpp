#include "store/secret.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fstream>
#include <set>
#include <thread>
#include <vector>

#include "store/database.hpp"
#include "temp_dir.hpp"

namespace popflow::store {
namespace {

namespace fs = std::filesystem;
using testing_support::TempDir;

TEST(Secret, CreatedOnFirstUseWithMode0600) {
  TempDir dir;
  const auto secret = load_or_create_secret(dir.path().string());
  EXPECT_EQ(secret.size(), 32u);
  struct stat st {};
  ASSERT_EQ(::stat(dir.file("secret.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(fs::file_size(dir.file("secret.key")), 32u);
}

TEST(Secret, LeavesNoTemporaryFilesBehind) {
  TempDir dir;
  load_or_create_secret(dir.path().string());
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir.path()))
    names.push_back(entry.path().filename().string());
  EXPECT_EQ(names, std::vector<std::string>{"secret.key"});
}

TEST(Secret, SameSecretOnReload) {
  TempDir dir;
  const auto first = load_or_create_secret(dir.path().string());
  EXPECT_EQ(load_or_create_secret(dir.path().string()), first);
}

TEST(Secret, DifferentDirectoriesGetDifferentSecrets) {
  TempDir dir;
  fs::create_directories(dir.path() / "a");
  fs::create_directories(dir.path() / "b");
  EXPECT_NE(load_or_create_secret(dir.file("a")), load_or_create_secret(dir.file("b")));
}

TEST(Secret, ConcurrentFirstUseAgreesOnOneSecret) {
  TempDir dir;
  std::vector<std::string> seen(4);
  std::vector<std::thread> threads;
  for (auto& s : seen)
    threads.emplace_back([&s, &dir] { s = load_or_create_secret(dir.path().string()); });
  for (auto& t : threads) t.join();
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 1u);
}

TEST(Secret, RefusedWhenGroupOrOthersCanAccessIt) {
  TempDir dir;
  load_or_create_secret(dir.path().string());
  for (mode_t mode : {0640, 0604, 0660, 0644, 0620}) {
    ASSERT_EQ(::chmod(dir.file("secret.key").c_str(), mode), 0);
    try {
      load_or_create_secret(dir.path().string());
      ADD_FAILURE() << "accepted mode " << std::oct << mode;
    } catch (const StoreError& e) {
      EXPECT_NE(std::string(e.what()).find("chmod 600"), std::string::npos) << e.what();
    }
  }
  ASSERT_EQ(::chmod(dir.file("secret.key").c_str(), 0400), 0);  // owner-only read is fine
  EXPECT_EQ(load_or_create_secret(dir.path().string()).size(), 32u);
}

TEST(Secret, RefusesAFileOfTheWrongSize) {
  TempDir dir;
  for (std::size_t size : {0, 16, 31, 33, 64}) {
    {
      std::ofstream out(dir.file("secret.key"), std::ios::binary | std::ios::trunc);
      out << std::string(size, 'x');
    }
    ASSERT_EQ(::chmod(dir.file("secret.key").c_str(), 0600), 0);
    EXPECT_THROW(load_or_create_secret(dir.path().string()), StoreError) << size << " bytes";
  }
}

TEST(Secret, MissingDataDirIsAnError) {
  TempDir dir;
  EXPECT_THROW(load_or_create_secret(dir.file("no/such/dir")), StoreError);
}

}  // namespace
}  // namespace popflow::store
