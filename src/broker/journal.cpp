#include "broker/journal.hpp"

#include <fmt/format.h>

#include "broker/session_store.hpp"
#include "core/log.hpp"

namespace popflow::broker {
namespace {

thread_local std::uint64_t last_appended_here = 0;

constexpr auto kPurgePoll = std::chrono::seconds(1);

}  // namespace

std::string JournalStats::render() const {
  return fmt::format(
      "# HELP popflow_journal_commits_total Group commits of persistent sessions to the store.\n"
      "# TYPE popflow_journal_commits_total counter\npopflow_journal_commits_total {}\n"
      "# HELP popflow_journal_entries_total Session changes written to the store.\n"
      "# TYPE popflow_journal_entries_total counter\npopflow_journal_entries_total {}\n"
      "# HELP popflow_journal_failures_total Commits that failed (see the error log).\n"
      "# TYPE popflow_journal_failures_total counter\npopflow_journal_failures_total {}\n"
      "# HELP popflow_journal_backlog Session changes waiting to be written.\n"
      "# TYPE popflow_journal_backlog gauge\npopflow_journal_backlog {}\n",
      commits, entries, failures, backlog);
}

Journal::Journal(const std::string& path, bool fsync)
    : store_(std::make_unique<SessionStore>(path, fsync)) {}

Journal::~Journal() {
  stop();
}

StoredState Journal::load() {
  return store_->load();
}

void Journal::start() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { run(); });
}

void Journal::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

std::uint64_t Journal::append(JournalEntry entry) {
  std::uint64_t seq;
  {
    std::lock_guard lock(mutex_);
    pending_.push_back(std::move(entry));
    seq = ++appended_;
  }
  wake_.notify_one();
  last_appended_here = seq;
  return seq;
}

std::uint64_t Journal::appended_here() {
  return last_appended_here;
}

void Journal::when_written(std::uint64_t seq, std::function<void(bool)> done) {
  bool ok;
  {
    std::lock_guard lock(mutex_);
    if (seq > written_) {
      waiters_.push_back({seq, std::move(done)});
      return;
    }
    ok = !failed(seq);
  }
  done(ok);
}

JournalStats Journal::stats() const {
  JournalStats stats;
  {
    std::lock_guard lock(mutex_);
    stats = stats_;
  }
  stats.backlog = backlog();
  return stats;
}

std::size_t Journal::backlog() const {
  // Written first: read the other way round, a commit in between could make it exceed
  // appended_ and the difference wrap.
  const auto written = written_.load();
  return appended_.load() - written;
}

bool Journal::failed(std::uint64_t seq) const {
  return seq > failed_from_ && seq <= failed_through_;
}

std::vector<std::uint64_t> Journal::take_purge_requests() {
  std::lock_guard lock(mutex_);
  return std::exchange(purge_requests_, {});
}

void Journal::poll_purges() {
  const auto now = std::chrono::steady_clock::now();
  if (now - polled_ < kPurgePoll) return;
  polled_ = now;
  std::vector<std::uint64_t> ids;
  try {
    ids = store_->purge_requests();
  } catch (const std::exception& e) {
    log::error("reading session purge requests failed", {{"error", e.what()}});
    return;
  }
  if (ids.empty()) return;
  std::lock_guard lock(mutex_);
  purge_requests_.insert(purge_requests_.end(), ids.begin(), ids.end());
}

void Journal::run() {
  std::vector<JournalEntry> batch;
  for (;;) {
    poll_purges();
    std::uint64_t through;
    {
      std::unique_lock lock(mutex_);
      // Woken at least once a poll interval, to look for purge requests.
      if (!wake_.wait_for(lock, kPurgePoll, [&] { return !pending_.empty() || stopping_; }))
        continue;
      if (pending_.empty()) return;  // stopping, and everything is written
      batch.swap(pending_);
      through = appended_;
    }
    bool ok = true;
    bool committed = false;
    try {
      committed = store_->write(batch);
    } catch (const std::exception& e) {
      ok = false;
      log::error("journal commit failed; persistent sessions may lose what it held",
                 {{"entries", batch.size()}, {"error", e.what()}});
    }
    const auto count = batch.size();
    batch.clear();  // drops the messages' last references here, not under the lock

    std::vector<Waiter> ready;
    {
      std::lock_guard lock(mutex_);
      if (!ok) {
        failed_from_ = written_;
        failed_through_ = through;
        ++stats_.failures;
      }
      written_ = through;
      if (committed) ++stats_.commits;
      stats_.entries += count;
      std::erase_if(waiters_, [&](Waiter& w) {
        if (w.seq > written_) return false;
        ready.push_back(std::move(w));
        return true;
      });
    }
    for (auto& waiter : ready) waiter.done(ok);
  }
}

}  // namespace popflow::broker
