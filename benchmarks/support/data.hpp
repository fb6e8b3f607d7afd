// Where the benchmark programs and the tests find their data sets.
//
//   const std::string file = curvecast::bench::bundled("curves/taskset_imdb_rnn_val_loss.json");
//   const std::string dir = curvecast::bench::user_data_dir(data_flag);  // --data > env > CMake default
//   if (!curvecast::bench::has_file(dir, "chinchilla/svg_extracted_data.csv"))
//     std::fprintf(stderr, "%s\n", curvecast::bench::not_bundled("chinchilla/svg_extracted_data.csv", dir).c_str());
//
// The bundled sets (the repository's data/ folder, CURVECAST_BUNDLED_DATA_DIR) are
// the defaults. The sets without a licence that allows redistribution live in a
// folder the user names: the program's --data, else the environment variable
// CURVECAST_DATA_DIR, else the folder CMake was configured with (CURVECAST_DATA_DIR,
// default ../shared/data next to the source tree).
#pragma once

#include <cstdlib>
#include <fstream>
#include <string>

#ifndef CURVECAST_BUNDLED_DATA_DIR
#error "CURVECAST_BUNDLED_DATA_DIR must be defined (CMake: CURVECAST_DATA_DEFINITIONS)"
#endif
#ifndef CURVECAST_DATA_DIR
#error "CURVECAST_DATA_DIR must be defined (CMake: CURVECAST_DATA_DEFINITIONS)"
#endif

namespace curvecast::bench {

// A file of the bundled data/ folder, by its path inside data/.
inline std::string bundled(const std::string& relative) {
  return std::string(CURVECAST_BUNDLED_DATA_DIR) + "/" + relative;
}

// The folder of the data sets that are not bundled: `flag` (the program's --data)
// when not empty, else the environment variable CURVECAST_DATA_DIR when set and
// not empty, else the folder compiled in by CMake.
inline std::string user_data_dir(const std::string& flag = "") {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("CURVECAST_DATA_DIR"); env != nullptr && *env != '\0') return env;
  return CURVECAST_DATA_DIR;
}

// True when `dir`/`relative` can be opened for reading.
inline bool has_file(const std::string& dir, const std::string& relative) {
  return std::ifstream(dir + "/" + relative).good();
}

// The message for a data set that is not bundled and not found in `dir`.
inline std::string not_bundled(const std::string& relative, const std::string& dir) {
  return relative + " is not bundled (no licence to redistribute it) and is not in " + dir +
         ". Get it as data/README.md, \"Data that is not bundled\", says, put it at DIR/" + relative +
         " and pass --data DIR (or set the environment variable CURVECAST_DATA_DIR=DIR).";
}

}  // namespace curvecast::bench
