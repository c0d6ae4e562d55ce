#include "histogram.hpp"

#include <bit>

namespace bench {
namespace {

// Values below 64 get their own bucket; above, the top 7 significant bits pick the bucket.
int index_of(std::uint64_t v) {
  if (v < 128) return static_cast<int>(v);
  int shift = (63 - std::countl_zero(v)) - 6;
  return shift * 64 + static_cast<int>(v >> shift);
}

std::uint64_t upper_value_of(int idx) {
  if (idx < 128) return static_cast<std::uint64_t>(idx);
  int shift = idx / 64 - 1;
  std::uint64_t mantissa = static_cast<std::uint64_t>(idx - shift * 64);
  return ((mantissa + 1) << shift) - 1;
}

}  // namespace

void Histogram::record(std::uint64_t ns) {
  int idx = index_of(ns);
  if (idx >= kBuckets) idx = kBuckets - 1;
  ++counts_[idx];
  ++count_;
}

void Histogram::merge(const Histogram& other) {
  for (int i = 0; i < kBuckets; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
}

std::uint64_t Histogram::quantile_ns(double q) const {
  if (count_ == 0) return 0;
  auto rank = static_cast<std::uint64_t>(q * static_cast<double>(count_ - 1)) + 1;
  std::uint64_t seen = 0;
  for (int i = 0; i < kBuckets; ++i) {
    seen += counts_[i];
    if (seen >= rank) return upper_value_of(i);
  }
  return upper_value_of(kBuckets - 1);
}

}  // namespace bench
