// libFuzzer target: the JSON readers. Any text goes to parse_curve_set; text
// that is valid JSON also goes to every from_json (Observations, Normaliser,
// FitResult, Predictive) and what was read is written back and re-read.
// Allowed outcomes: success or a curvecast::Error (JsonError for bad documents).
// Findings: a crash, a sanitizer report, another exception type escaping
// (e.g. a raw nlohmann::json::exception), or a NaN from a Predictive read back.
#include <cstdint>
#include <string>

#include <curvecast/json.hpp>

#include "common.hpp"

using namespace curvecast;

namespace {
template <class T>
void read_and_round_trip(const nlohmann::json& j) {
  T v;
  try {
    v = j.get<T>();
  } catch (const Error&) {
    return;
  }
  const nlohmann::json back = v;  // writing what was read must work...
  (void)back.get<T>();            // ...and read again
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const CurveSet set = parse_curve_set(text);
    for (const auto& c : set.curves) {
      try {
        c.observations(set.higher_is_better).validate();
      } catch (const InvalidInput&) {}
    }
    const nlohmann::json back = set;
    const CurveSet again = parse_curve_set(back.dump());
    if (again.curves.size() != set.curves.size()) std::abort();
  } catch (const JsonError&) {}

  const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;
  read_and_round_trip<Observations>(j);
  read_and_round_trip<Normaliser>(j);
  read_and_round_trip<FitResult>(j);
  try {
    const Predictive p = j.get<Predictive>();
    fuzz::nan_finding("Predictive::mean", p.mean());
    fuzz::nan_finding("Predictive::sd", p.sd());
    const auto iv = p.interval(0.9);
    fuzz::nan_finding("Predictive::interval.lo", iv.first);
    fuzz::nan_finding("Predictive::interval.hi", iv.second);
    fuzz::nan_finding("Predictive::quantile(0.5)", p.quantile(0.5));
    fuzz::nan_finding("Predictive::log_density(mean)", p.log_density(p.mean()));
    fuzz::nan_finding("Predictive::prob_better(q05)", p.prob_better(iv.first));
    const nlohmann::json back = p;
    (void)back.get<Predictive>();
  } catch (const Error&) {}
  return 0;
}
