#pragma once
// The three modes of the load generator; each prints JsonLine results and returns an exit code.
#include "options.hpp"
#include "publisher.hpp"

namespace bench {

int run_ingest(const Options& o);       // closed-loop keep-alive POSTs, no subscribers
int run_deliver(const Options& o);      // subscribers + publisher; also fan-out (--fanout 1)
int run_connections(const Options& o);  // idle MQTT subscribers held open for RSS readings

// The publisher options shared by ingest and deliver (--publisher http|mqtt, --pub-port ...);
// connections: HTTP connections of this publisher, 0 = --connections.
std::unique_ptr<Publisher> make_publisher_from(const Options& o, asio::any_io_executor ex,
                                               int connections = 0);

}  // namespace bench
