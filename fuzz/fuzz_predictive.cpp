// libFuzzer target: Predictive mixtures built from arbitrary doubles (any
// weights, means, sds, up to 8 components; half the inputs use raw bit
// patterns, half values 10^[-330, 330] so that extreme but finite numbers are
// common), half of them censored to a byte-derived support, then every query at
// byte-derived levels and points.
// Allowed: success or a curvecast::Error. Findings: a crash, a sanitizer
// report, or a NaN from any query.
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include <curvecast/predictive.hpp>

#include "common.hpp"

using namespace curvecast;

namespace {
double value(fuzz::Bytes& b, bool raw) {
  if (raw) return b.raw_double();
  const int e = static_cast<int>(b.u16() % 661) - 330;
  const double m = (static_cast<int>(b.u8()) - 128) / 32.0;
  return m * std::pow(10.0, e);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Bytes b{data, size};
  const std::uint8_t flags = b.u8();
  const bool raw = flags & 1;
  const std::size_t k = 1 + (flags >> 1) % 8;
  std::vector<double> w(k), mu(k), sd(k);
  for (std::size_t i = 0; i < k; ++i) {
    w[i] = (flags & 0x20) ? std::abs(value(b, raw)) : 1.0;
    mu[i] = value(b, raw);
    sd[i] = std::abs(value(b, raw));
  }
  Predictive p;
  try {
    p = k == 1 && !(flags & 0x40) ? Predictive(mu[0], sd[0], flags & 0x80) : Predictive(w, mu, sd, flags & 0x80);
  } catch (const Error&) {
    return 0;
  }
  // Half the inputs get a support (set_support: censoring), bounds possibly infinite.
  if (b.u8() & 1) {
    const std::uint8_t sf = b.u8();
    const double inf = std::numeric_limits<double>::infinity();
    const double lo = (sf & 1) ? -inf : value(b, raw), hi = (sf & 2) ? inf : value(b, raw);
    try {
      p.set_support(lo, hi);
    } catch (const Error&) {}
  }
  fuzz::nan_finding("mean", p.mean());
  fuzz::nan_finding("sd", p.sd());
  const double y = value(b, raw);
  const double q = (1 + b.u16() % 65535) / 65536.0;
  try {
    fuzz::nan_finding("quantile", p.quantile(q));
    const auto iv = p.interval(q);
    fuzz::nan_finding("interval.lo", iv.first);
    fuzz::nan_finding("interval.hi", iv.second);
    fuzz::nan_finding("quantile(0.5)", p.quantile(0.5));
    fuzz::nan_finding("cdf", p.cdf(y));
    fuzz::nan_finding("prob_better", p.prob_better(y));
    fuzz::nan_finding("log_density", p.log_density(y));
    fuzz::nan_finding("log_density(mean)", p.log_density(p.mean()));
    for (double v : p.sample(4, b.u8())) fuzz::nan_finding("sample", v);
  } catch (const Error&) {}
  return 0;
}
