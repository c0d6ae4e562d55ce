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
      // A handler that throws unwinds through run(): the references it held go with the
      // stack, so its connection closes, and the loop runs on (an io_context that was not
      // stopped needs no restart). Connections catch what they can themselves, with their
      // request id or client id; this is the net under them. Anything that is not a
      // std::exception leaves the loop in an unknown state: it ends, and failed() says so.
      for (;;) {
        try {
          worker.io().run();
          break;
        } catch (const std::exception& e) {
          worker.state().metrics.count_handler_failure(FailureSite::loop);
          log::error("handler failed; its connection is closed, the event loop goes on",
                     {{"worker", worker.index()}, {"error", e.what()}});
        } catch (...) {
          failed_ = true;
          worker.state().ready = false;  // /readyz says so at once; serve() shuts down
          log::error("event loop died", {{"worker", worker.index()}});
          break;
        }
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
