// popflow-bench: the load generator of `make bench` (issue #4) and of bench/smoke.sh.
//   popflow-bench ingest|deliver|connections --option value ...
// Options are documented where each scenario reads them (ingest.cpp, deliver.cpp,
// connections.cpp); bench/run.sh shows every one in use.
#include "scenarios.hpp"

#include <sys/resource.h>

#include <cstdio>
#include <cstring>
#include <exception>

int main(int argc, char** argv) {
  // Thousands of sockets: raise the soft open-file limit to the hard one.
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
  if (argc < 2) {
    std::fprintf(stderr, "usage: popflow-bench ingest|deliver|connections --option value ...\n");
    return 2;
  }
  int rc = 2;
  try {
    bench::Options options(argc, argv, 2);
    if (std::strcmp(argv[1], "ingest") == 0)
      rc = bench::run_ingest(options);
    else if (std::strcmp(argv[1], "deliver") == 0)
      rc = bench::run_deliver(options);
    else if (std::strcmp(argv[1], "connections") == 0)
      rc = bench::run_connections(options);
    else
      std::fprintf(stderr, "popflow-bench: unknown scenario %s\n", argv[1]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "popflow-bench: %s\n", e.what());
    rc = 1;
  }
  // Subscriber coroutines are still parked on their sockets; the OS closes those faster
  // than an orderly teardown of ten thousand connections would.
  std::fflush(stdout);
  std::_Exit(rc);
}
