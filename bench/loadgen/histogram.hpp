#pragma once
// A log-linear latency histogram (HdrHistogram's layout, 64 sub-buckets per power of two, so
// every reported percentile is within 1.6% of the true value). Fixed 18 KiB, O(1) record:
// the load generator records millions of samples and must not allocate or sort on the path.
#include <array>
#include <cstdint>

namespace bench {

class Histogram {
 public:
  void record(std::uint64_t ns);
  void merge(const Histogram& other);
  std::uint64_t count() const { return count_; }
  // The value at quantile q (0..1), in nanoseconds; 0 when empty.
  std::uint64_t quantile_ns(double q) const;
  double quantile_us(double q) const { return static_cast<double>(quantile_ns(q)) / 1000.0; }

 private:
  static constexpr int kBuckets = 64 * 44;  // up to 2^43 ns (~2.4 h)
  std::array<std::uint64_t, kBuckets> counts_{};
  std::uint64_t count_ = 0;
};

}  // namespace bench
