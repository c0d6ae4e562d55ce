#include "net/listening_sockets.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <unistd.h>

namespace popflow::net {
namespace {

namespace ip = boost::asio::ip;

// Rows as a little-endian Linux prints them: the header, a listener, an established
// connection (not a listener), and one malformed row.
constexpr std::string_view kTcp =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout "
    "inode\n"
    "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 "
    "41234 1 0000000000000000 100 0 0 10 0\n"
    "   1: 0100007F:A20C 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1000        0 "
    "41300 1 0000000000000000 20 4 30 10 -1\n"
    "   2: nonsense\n";

constexpr std::string_view kTcp6 =
    "  sl  local_address                         remote_address                        st\n"
    "   0: 00000000000000000000000000000000:075B 00000000000000000000000000000000:0000 0A "
    "00000000:00000000 00:00000000 00000000  1000        0 52000 1 0000000000000000 100 0 0 10 "
    "0\n"
    "   1: 0000000000000000FFFF00000100007F:0050 00000000000000000000000000000000:0000 0A "
    "00000000:00000000 00:00000000 00000000  1000        0 52001 1 0000000000000000 100 0 0 10 "
    "0\n";

TEST(ListeningSockets, ParsesListenRowsOnly) {
  if (htonl(1) == 1) GTEST_SKIP() << "rows above are as a little-endian host prints them";
  const auto rows = parse_proc_net_tcp(kTcp);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].address, ip::make_address("127.0.0.1"));
  EXPECT_EQ(rows[0].port, 8080);
  EXPECT_EQ(rows[0].inode, 41234u);
}

TEST(ListeningSockets, ParsesIpv6AndUnmapsIpv4MappedAddresses) {
  if (htonl(1) == 1) GTEST_SKIP() << "rows above are as a little-endian host prints them";
  const auto rows = parse_proc_net_tcp(kTcp6);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].address, ip::make_address("::"));
  EXPECT_EQ(rows[0].port, 1883);
  EXPECT_EQ(rows[1].address, ip::make_address("127.0.0.1"));
  EXPECT_EQ(rows[1].port, 80);
}

TEST(ListeningSockets, WildcardsOverlapEveryAddressOfEitherFamily) {
  const auto any4 = ip::make_address("0.0.0.0"), any6 = ip::make_address("::");
  const auto lo4 = ip::make_address("127.0.0.1"), lo6 = ip::make_address("::1");
  EXPECT_TRUE(addresses_overlap(lo4, lo4));
  EXPECT_TRUE(addresses_overlap(any4, lo4));
  EXPECT_TRUE(addresses_overlap(lo4, any6));
  EXPECT_TRUE(addresses_overlap(any6, any4));
  EXPECT_FALSE(addresses_overlap(lo4, lo6));
  EXPECT_FALSE(addresses_overlap(lo4, ip::make_address("127.0.0.2")));
}

TEST(ListeningSockets, FindsAListeningSocketOfThisProcessByItsInode) {
  boost::asio::io_context io;
  ip::tcp::acceptor acceptor(io, ip::tcp::endpoint(ip::make_address("127.0.0.1"), 0));
  const auto inode = socket_inode(acceptor.native_handle());
  const auto sockets = listening_sockets();
  if (!sockets) GTEST_SKIP() << "no /proc/net/tcp here";
  bool found = false;
  for (const auto& socket : *sockets)
    if (socket.inode == inode) {
      found = true;
      EXPECT_EQ(socket.port, acceptor.local_endpoint().port());
      EXPECT_EQ(socket.address, ip::make_address("127.0.0.1"));
    }
  EXPECT_TRUE(found);
  EXPECT_EQ(socket_owner_pid(inode), ::getpid());
}

}  // namespace
}  // namespace popflow::net
