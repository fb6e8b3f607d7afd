#pragma once
// Internal: a minimal deterministic parallel-for over std::threads (items are claimed in
// order; the caller writes results by index, so the outcome does not depend on the thread
// count). Exceptions thrown by fn are re-thrown on the calling thread.
#include <algorithm>
#include <atomic>
#include <exception>
#include <thread>
#include <vector>

namespace curvecast::scaling::detail {

/// Runs fn(worker, i) for i in [0, n) on `threads` workers (items claimed in order).
template <class Fn>
void parallel_for(int n, int threads, Fn&& fn) {
  if (threads <= 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = std::max(1, std::min(threads, n));
  std::atomic<int> next{0};
  auto work = [&](int w) {
    for (int i = next++; i < n; i = next++) fn(w, i);
  };
  if (threads == 1) {
    work(0);
    return;
  }
  std::vector<std::thread> pool;
  std::vector<std::exception_ptr> errs(threads);
  for (int w = 0; w < threads; ++w)
    pool.emplace_back([&, w] {
      try {
        work(w);
      } catch (...) {
        errs[w] = std::current_exception();
        next = n;  // stop the others early
      }
    });
  for (auto& t : pool) t.join();
  for (auto& e : errs)
    if (e) std::rethrow_exception(e);
}

}  // namespace curvecast::scaling::detail
