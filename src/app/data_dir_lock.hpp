#pragma once
// One server per data dir. The server keeps the persistent MQTT sessions in memory and
// writes their changes to the store as they happen; a second server on the same store would
// load the same sessions, and each would overwrite the other's rows, so answered triggers get
// lost. The server therefore holds an exclusive flock() on `<data_dir>/popflow.lock` for its
// whole life, with its PID written in the file for the next one's error message.
//
// The rule for admin commands: those that change customers, keys and tokens (`customer`,
// `key`, `token`) do not take the lock. They write through SQLite transactions, which are
// safe next to a running server, and the server picks up what they wrote (revocation_poll).
// A command that would write the session tables (mqtt_sessions, mqtt_subscriptions,
// mqtt_queued, mqtt_retained) must hold a DataDirLock for as long as it runs, so it fails
// while a server runs and no server starts while it runs.
//
// The kernel drops the lock when the process ends, even on kill -9, so a stale lock file
// never blocks a restart; the file itself is left in place (removing it would let a third
// process lock a new file while the second still holds the old one).
#include <string>

namespace popflow::app {

class DataDirLock {
 public:
  // Creates the directory if needed and takes the lock, or throws std::runtime_error:
  // "data dir DIR is in use by PID n ...".
  explicit DataDirLock(const std::string& data_dir);
  ~DataDirLock();
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace popflow::app
