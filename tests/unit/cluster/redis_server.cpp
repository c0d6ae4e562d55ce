#include "redis_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <thread>
#include <vector>

namespace popflow::cluster::testing {
namespace {

std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    throw std::runtime_error("no free port");
  ::close(fd);
  return ntohs(addr.sin_port);
}

// Asked over the server's own Unix socket: redis-server creates it only after it has bound its
// TCP port, so an answer proves that *this* process listens there (not another test's server
// that took the port in between).
bool answers_ping(const std::string& socket_path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  socket_path.copy(addr.sun_path, sizeof addr.sun_path - 1);
  bool ok = false;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    const char ping[] = "PING\r\n";
    char reply[16] = {};
    ok = ::write(fd, ping, sizeof ping - 1) == sizeof ping - 1 &&
         ::read(fd, reply, sizeof reply) > 0 && std::string_view(reply).starts_with("+PONG");
  }
  ::close(fd);
  return ok;
}

}  // namespace

RedisServer::RedisServer() {
  char pattern[] = "/tmp/popflow-redis-XXXXXX";
  if (!::mkdtemp(pattern)) throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
  for (int tries = 0; tries < 5; ++tries) {
    port_ = free_port();
    if (spawn()) return;
  }
  throw std::runtime_error("redis-server did not start (is it installed? see " + dir_ + ")");
}

RedisServer::~RedisServer() {
  kill();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

bool RedisServer::spawn() {
  const auto port = std::to_string(port_);
  const auto log = dir_ + "/redis.log";
  std::error_code ignored;
  std::filesystem::remove(dir_ + "/redis.sock", ignored);  // a killed server's
  std::vector<std::string> args = {
      "redis-server",      "--port", port,    "--bind", "127.0.0.1", "--save", "",
      "--appendonly",      "no",     "--dir", dir_,     "--logfile", log,      "--unixsocket",
      dir_ + "/redis.sock"};
  pid_ = ::fork();
  if (pid_ == 0) {
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    ::execvp("redis-server", argv.data());
    ::_exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    if (answers_ping(dir_ + "/redis.sock")) return true;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill();
  return false;
}

void RedisServer::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

void RedisServer::pause() {
  ::kill(pid_, SIGSTOP);
}

void RedisServer::resume() {
  ::kill(pid_, SIGCONT);
}

void RedisServer::restart() {
  // The port was just released: another process taking it in between is unlikely on
  // loopback, and a retry covers redis-server's own slow bind.
  for (int tries = 0; tries < 50; ++tries) {
    if (spawn()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  throw std::runtime_error("redis-server did not restart on port " + std::to_string(port_));
}

bool run_until(boost::asio::io_context& io, const std::function<bool()>& done,
               std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    io.restart();
    io.run_for(std::chrono::milliseconds(10));
  }
  return true;
}

}  // namespace popflow::cluster::testing
