#include "net/listening_sockets.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace popflow::net {
namespace {

namespace ip = boost::asio::ip;

constexpr std::string_view kListenState = "0A";  // TCP_LISTEN, as /proc/net/tcp prints it

std::optional<std::uint64_t> hex(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// The kernel prints each 32-bit word of the address as the hex of its in-memory value, so
// copying the parsed word back into memory restores the network byte order on any host.
std::optional<ip::address> parse_address(std::string_view text) {
  if (text.size() != 8 && text.size() != 32) return std::nullopt;
  std::array<unsigned char, 16> bytes{};
  for (std::size_t word = 0; word < text.size() / 8; ++word) {
    const auto value = hex(text.substr(word * 8, 8));
    if (!value) return std::nullopt;
    const auto native = static_cast<std::uint32_t>(*value);
    std::memcpy(bytes.data() + word * 4, &native, 4);
  }
  if (text.size() == 8) {
    ip::address_v4::bytes_type v4;
    std::memcpy(v4.data(), bytes.data(), 4);
    return ip::address_v4(v4);
  }
  ip::address_v6::bytes_type v6;
  std::memcpy(v6.data(), bytes.data(), 16);
  const ip::address_v6 address(v6);
  if (address.is_v4_mapped()) return ip::make_address_v4(ip::v4_mapped, address);
  return address;
}

std::optional<ListeningSocket> parse_row(std::string_view row) {
  // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
  std::array<std::string_view, 10> fields;
  std::size_t count = 0;
  while (count < fields.size()) {
    const auto start = row.find_first_not_of(' ');
    if (start == std::string_view::npos) break;
    row.remove_prefix(start);
    const auto end = std::min(row.find(' '), row.size());
    fields[count++] = row.substr(0, end);
    row.remove_prefix(end);
  }
  if (count < fields.size() || fields[3] != kListenState) return std::nullopt;
  const auto colon = fields[1].find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  const auto address = parse_address(fields[1].substr(0, colon));
  const auto port = hex(fields[1].substr(colon + 1));
  std::uint64_t inode = 0;
  const auto [end, ec] =
      std::from_chars(fields[9].data(), fields[9].data() + fields[9].size(), inode);
  if (!address || !port || *port > 0xffff || ec != std::errc() ||
      end != fields[9].data() + fields[9].size())
    return std::nullopt;
  return ListeningSocket{*address, static_cast<std::uint16_t>(*port), inode};
}

}  // namespace

std::vector<ListeningSocket> parse_proc_net_tcp(std::string_view text) {
  std::vector<ListeningSocket> out;
  while (!text.empty()) {
    const auto end = std::min(text.find('\n'), text.size());
    if (auto socket = parse_row(text.substr(0, end))) out.push_back(*socket);
    text.remove_prefix(std::min(end + 1, text.size()));
  }
  return out;
}

std::optional<std::vector<ListeningSocket>> listening_sockets() {
  std::vector<ListeningSocket> out;
  bool read_any = false;
  // tcp6 is absent when IPv6 is disabled: that is not an error, a missing tcp is.
  for (const char* path : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream file(path);
    if (!file) continue;
    read_any = true;
    std::ostringstream text;
    text << file.rdbuf();
    auto rows = parse_proc_net_tcp(text.str());
    out.insert(out.end(), rows.begin(), rows.end());
  }
  if (!read_any) return std::nullopt;
  return out;
}

bool addresses_overlap(const ip::address& a, const ip::address& b) {
  return a.is_unspecified() || b.is_unspecified() || a == b;
}

std::uint64_t socket_inode(int fd) {
  struct stat st {};
  return ::fstat(fd, &st) == 0 ? static_cast<std::uint64_t>(st.st_ino) : 0;
}

std::optional<int> socket_owner_pid(std::uint64_t inode) {
  namespace fs = std::filesystem;
  const std::string target = "socket:[" + std::to_string(inode) + "]";
  // Processes come and go during the scan: every step takes an error code, none throws.
  std::error_code ec;
  for (fs::directory_iterator process("/proc", ec), end; !ec && process != end;
       process.increment(ec)) {
    const auto name = process->path().filename().string();
    int pid = 0;
    const auto [last, parsed] = std::from_chars(name.data(), name.data() + name.size(), pid);
    if (parsed != std::errc() || last != name.data() + name.size()) continue;
    std::error_code fd_ec;  // another user's process is not readable: skipped
    for (fs::directory_iterator fd(process->path() / "fd", fd_ec); !fd_ec && fd != end;
         fd.increment(fd_ec)) {
      std::error_code link_ec;
      if (fs::read_symlink(fd->path(), link_ec).native() == target) return pid;
    }
  }
  return std::nullopt;
}

}  // namespace popflow::net
