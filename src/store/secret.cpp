#include "store/secret.hpp"

#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "store/database.hpp"

namespace popflow::store {
namespace {

constexpr std::size_t kSecretBytes = 32;

std::string errno_text() {
  return std::strerror(errno);
}

}  // namespace

std::string load_or_create_secret(const std::string& data_dir) {
  const std::string path = data_dir + "/secret.key";
  if (::access(path.c_str(), F_OK) != 0) {
    // Written in full to a private file, then linked into place: link() fails if another
    // process got there first, so every process ends up reading the same complete secret.
    // mkostemp: a name unique to this call (threads of one process included), O_EXCL, mode 0600.
    std::string tmp = path + ".tmp.XXXXXX";
    int fd = ::mkostemp(tmp.data(), O_CLOEXEC);
    if (fd < 0) throw StoreError("cannot create " + tmp + ": " + errno_text());
    unsigned char bytes[kSecretBytes];
    const bool written = RAND_bytes(bytes, sizeof bytes) == 1 &&
                         ::write(fd, bytes, sizeof bytes) == static_cast<ssize_t>(sizeof bytes) &&
                         ::fsync(fd) == 0;
    ::close(fd);
    const bool linked = written && (::link(tmp.c_str(), path.c_str()) == 0 || errno == EEXIST);
    const std::string why = errno_text();
    ::unlink(tmp.c_str());
    if (!linked) throw StoreError("cannot create " + path + ": " + why);
  }

  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw StoreError("cannot read " + path + ": " + errno_text());
  struct stat st {};
  ::fstat(fd, &st);
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    throw StoreError(path + " is readable by others; run: chmod 600 " + path);
  }
  std::string secret(kSecretBytes, '\0');
  const auto n = ::read(fd, secret.data(), secret.size());
  ::close(fd);
  if (n != static_cast<ssize_t>(kSecretBytes) || st.st_size != static_cast<off_t>(kSecretBytes))
    throw StoreError(path + " is not a " + std::to_string(kSecretBytes) + "-byte secret");
  return secret;
}

}  // namespace popflow::store
