#include "topics/delivery_trace.hpp"

namespace popflow {
namespace {

thread_local DeliveryTrace* active_trace = nullptr;

}  // namespace

DeliveryTrace::Scope::Scope(DeliveryTrace& trace) : previous_(active_trace) {
  active_trace = &trace;
}

DeliveryTrace::Scope::~Scope() {
  active_trace = previous_;
}

void DeliveryTrace::note(std::string_view transport, std::string_view subscriber, bool queued) {
  if (!active_trace) return;
  active_trace->notes.push_back({transport, std::string(subscriber), queued});
}

}  // namespace popflow
