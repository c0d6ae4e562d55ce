#include "app/data_dir_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace popflow::app {
namespace {

// The PID the holder wrote, or nothing if it has not written it yet.
std::string holder_pid(int fd) {
  char text[32] = {};
  const auto n = ::pread(fd, text, sizeof text - 1, 0);
  if (n <= 0) return {};
  int pid = 0;
  const auto [end, ec] = std::from_chars(text, text + n, pid);
  if (ec != std::errc() || pid <= 0) return {};
  return std::to_string(pid);
}

}  // namespace

DataDirLock::DataDirLock(const std::string& data_dir) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) throw std::runtime_error("cannot create data dir " + data_dir + ": " + ec.message());
  const std::string path = data_dir + "/popflow.lock";
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw std::runtime_error("cannot open " + path + ": " + std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    const auto pid = error == EWOULDBLOCK ? holder_pid(fd_) : std::string();
    ::close(fd_);
    if (error != EWOULDBLOCK)
      throw std::runtime_error("cannot lock " + path + ": " + std::strerror(error));
    throw std::runtime_error("data dir " + data_dir + " is in use by " +
                             (pid.empty() ? "another process" : "PID " + pid) +
                             ": stop the server running on it, or use another --data-dir");
  }
  const auto pid = std::to_string(::getpid()) + "\n";
  // Best effort: the PID only improves the next one's message; the flock is the lock.
  [[maybe_unused]] const bool written =
      ::ftruncate(fd_, 0) == 0 && ::pwrite(fd_, pid.data(), pid.size(), 0) > 0;
}

DataDirLock::~DataDirLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace popflow::app
