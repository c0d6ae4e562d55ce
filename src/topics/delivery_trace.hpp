#pragma once
// Which subscribers a publish reached, for the trigger's timeline (CONTRACT "Delivery
// truth"). The publisher opens a Scope on its thread around Router::publish; subscribers
// that took the message note themselves into whatever trace is active on that thread. No
// trace, no cost but a thread-local read: MQTT's own publishes and wills never open one.
//
// Cost with a trace: an entry per subscriber that took the message, inline for the first
// two (an agent has one or two); its id is copied, on the heap only beyond 15 bytes.
#include <boost/container/small_vector.hpp>
#include <string>
#include <string_view>

namespace popflow {

struct DeliveryNote {
  std::string_view transport;  // "mqtt", "sse": a static name
  std::string subscriber;      // the MQTT client id, or the SSE stream's token id
  bool queued = false;         // the session was offline: it gets the message when it is back
};

class DeliveryTrace {
 public:
  // Makes `trace` the active one on this thread for the scope's life.
  class Scope {
   public:
    explicit Scope(DeliveryTrace& trace);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    DeliveryTrace* previous_;
  };

  // From a subscriber's deliver(), on the publishing thread; `transport` must be static.
  static void note(std::string_view transport, std::string_view subscriber, bool queued);

  boost::container::small_vector<DeliveryNote, 2> notes;
};

}  // namespace popflow
