#pragma once
// The resolution Snapshot every trigger reads (resolver.hpp), swapped whole when the store
// changes: readers see the old snapshot or the new one, never a mix, and keep the one they
// got alive for as long as they use it.
//
// Cost: a reader holds the mutex only to copy a shared_ptr (tens of ns; the KeyRegistry
// does the same, for the same reason: libstdc++ 12's atomic<shared_ptr> trips TSan).
//
// Threads: replace() from the admin service's store thread; current() from any thread.
#include <memory>
#include <mutex>

#include "workflows/resolver.hpp"

namespace popflow::workflows {

class PublishedCatalog {
 public:
  PublishedCatalog() : current_(std::make_shared<const Snapshot>(SnapshotData{})) {}

  std::shared_ptr<const Snapshot> current() const {
    std::lock_guard lock(mutex_);
    return current_;
  }
  void replace(std::shared_ptr<const Snapshot> snapshot) {
    std::lock_guard lock(mutex_);
    current_.swap(snapshot);
  }  // the old snapshot (now in `snapshot`) is freed once the lock is released

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const Snapshot> current_;
};

}  // namespace popflow::workflows
