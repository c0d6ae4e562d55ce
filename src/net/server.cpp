#include "net/server.hpp"

#include <boost/asio/post.hpp>

#include "core/log.hpp"

namespace popflow::net {

Server::Server(ServerState& state, unsigned threads) {
  for (unsigned i = 0; i < threads; ++i) workers_.push_back(std::make_unique<Worker>(i, state));
}

Server::~Server() {
  stop();
  join();
}

boost::asio::ip::tcp::endpoint Server::listen(const boost::asio::ip::tcp::endpoint& endpoint,
                                              const AcceptHandler& on_accept,
                                              std::string_view refusal) {
  auto bound = endpoint;
  for (auto& worker : workers_) {
    // The first listener resolves port 0; the others join it on the same port.
    auto listener = std::make_shared<Listener>(*worker, bound, on_accept, refusal);
    bound = listener->local_endpoint();
    listeners_.emplace_back(worker->index(), std::move(listener));
  }
  return bound;
}

void Server::run() {
  for (auto& [index, listener] : listeners_) listener->start();
  for (auto& worker : workers_) worker->start_lag_probe();
  running_ = static_cast<unsigned>(workers_.size());
  for (auto& worker : workers_) {
    threads_.emplace_back([this, &worker = *worker] {
      try {
        worker.io().run();
      } catch (const std::exception& e) {
        log::error("event loop failed", {{"worker", worker.index()}, {"error", e.what()}});
      }
      running_.fetch_sub(1);
    });
  }
}

void Server::begin_shutdown() {
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    boost::asio::post(workers_[i]->io(), [this, i] {
      for (auto& [index, listener] : listeners_)
        if (index == i) listener->stop();
      workers_[i]->stop_lag_probe();
      workers_[i]->drain_all();
    });
  }
}

bool Server::finished() const {
  return running_.load() == 0;
}

void Server::stop() {
  for (auto& worker : workers_) worker->io().stop();
}

void Server::join() {
  for (auto& thread : threads_)
    if (thread.joinable()) thread.join();
  threads_.clear();
}

}  // namespace popflow::net
