// Fits the Chinchilla law to Epoch AI's digitised Chinchilla data (240 points, Huber on
// log loss, 4500 starts), bootstraps it, and prints the parameters with intervals and the
// compute-optimal model size and token count for a compute budget.
//
//   build/examples/chinchilla_allocation [COMPUTE_FLOP] [--data DIR] [--resamples R] [--level L]
//   build/examples/chinchilla_allocation 1e24
//
// Default compute: 5.88e23 FLOP (Chinchilla's own budget).
//
// Data: DIR/chinchilla/svg_extracted_data.csv, DIR being --data, else the environment
// variable CURVECAST_DATA_DIR, else the folder CMake was configured with (CURVECAST_DATA_DIR).
// The file is not bundled (it has no licence that allows redistribution): data/README.md,
// "Data that is not bundled", says where to get it. Without it the program says so and
// exits with status 2 (the fit is the point of the example, so there is no fallback).
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

#include <curvecast/scaling.hpp>

#include "arguments.hpp"

namespace cs = curvecast::scaling;

int main(int argc, char** argv) {
  double compute = 5.88e23, level = 0.8;
  int resamples = 2000;
  std::string data_dir;  // --data
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if ((a == "--data" || a == "--resamples" || a == "--level") && i + 1 >= argc) {
      std::cerr << "chinchilla_allocation: " << a << " needs a value\n";
      return 2;
    }
    try {
      if (a == "--resamples") resamples = example::parse_int_count(argv[i + 1], a);
      if (a == "--level") level = example::parse_number(argv[i + 1], a);
    } catch (const curvecast::Error& e) {
      std::cerr << "chinchilla_allocation: " << e.what() << "\n";
      return 2;
    }
    if (a == "--data")
      data_dir = argv[++i];
    else if (a == "--resamples" || a == "--level")
      ++i;
    else if (a == "--help" || a == "-h") {
      std::cout << "usage: chinchilla_allocation [COMPUTE_FLOP] [--data DIR] [--resamples R] [--level L]\n";
      return 0;
    } else {
      char* end = nullptr;
      compute = std::strtod(a.c_str(), &end);
      if (end == a.c_str() || *end != '\0' || !(compute > 0) || !std::isfinite(compute)) {
        std::cerr << "chinchilla_allocation: compute budget must be a positive number of FLOP, got '" << a << "'\n";
        return 2;
      }
    }
  }
  if (data_dir.empty()) {
    const char* env = std::getenv("CURVECAST_DATA_DIR");
    data_dir = env != nullptr && *env != '\0' ? env : CURVECAST_DATA_DIR;
  }
  const std::string file = "chinchilla/svg_extracted_data.csv";
  if (!std::ifstream(data_dir + "/" + file).good()) {
    std::cerr << "chinchilla_allocation: " << file << " is not bundled (no licence to redistribute it) and is not in "
              << data_dir << ".\nGet it as data/README.md, \"Data that is not bundled\", says, put it at DIR/" << file
              << " and pass --data DIR (or set the environment variable CURVECAST_DATA_DIR=DIR).\n";
    return 2;
  }
  try {
    const cs::ScalingData data = cs::load_chinchilla(data_dir);
    const cs::ScalingFit fit = cs::fit_law<cs::Chinchilla>(data);  // 4500-start grid, Huber delta 1e-3
    cs::BootstrapOptions bo;
    bo.num_resamples = resamples;
    bo.seed = 42;
    const cs::BootstrapResult boot = cs::bootstrap_law<cs::Chinchilla>(data, fit, {}, bo);
    const auto est = cs::ChinchillaParams::from_log(fit.params);

    std::printf("Chinchilla law L = E + A/N^alpha + B/D^beta on %zu points\n", data.size());
    std::printf("objective %.8e; %d of %d starts reached it; fit %.2f s, bootstrap (%d resamples) %.2f s\n",
                fit.objective, fit.num_starts_at_best, fit.num_starts, fit.seconds, resamples, boot.seconds);
    const int pct = static_cast<int>(std::lround(level * 100));
    auto show = [&](const char* name, const cs::Interval& i) {
      std::printf("  %-22s %12.5g   SE %10.4g   %d%% interval [%.5g, %.5g]\n", name, i.estimate, i.se, pct, i.lower,
                  i.upper);
    };
    show("A", cs::summarise(boot.derive([](const double* p) { return std::exp(p[0]); }), est.A, level));
    show("B", cs::summarise(boot.derive([](const double* p) { return std::exp(p[1]); }), est.B, level));
    show("E", cs::summarise(boot.derive([](const double* p) { return std::exp(p[2]); }), est.E, level));
    show("alpha", cs::summarise(boot.column(3), est.alpha, level));
    show("beta", cs::summarise(boot.column(4), est.beta, level));

    const cs::AllocationSummary s = cs::allocation_intervals(est, boot.params, compute, level);
    std::printf("\nCompute-optimal allocation at C = %.4g FLOP (C = 6 N D):\n", compute);
    show("exponent a (N ~ C^a)", s.a);
    show("exponent b (D ~ C^b)", s.b);
    show("N_opt (parameters)", s.n_opt);
    show("D_opt (tokens)", s.d_opt);
    show("tokens per parameter", s.tokens_per_param);
    show("loss at the optimum", s.loss_opt);
    return 0;
  } catch (const curvecast::Error& e) {
    std::cerr << "chinchilla_allocation: " << e.what() << "\n";
    return 1;
  }
}
