// The C++ side of the Python agreement tests: reads a JSON request on stdin
//   {"x": [...], "y": [...], "higher_is_better": false, "seed": 3, "x_query": [...], "methods": [...]}
// fits every method with make_extrapolator and writes, per method, the predictive
// means and sds at x_query (or the error message) as JSON on stdout. nlohmann/json
// prints doubles with round-trip precision, so Python can compare bit for bit.
#include <iostream>
#include <iterator>
#include <string>

#include <nlohmann/json.hpp>

#include <curvecast/curvecast.hpp>
#include <curvecast/factory.hpp>

int main() {
  try {
    const std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    const nlohmann::json req = nlohmann::json::parse(text);
    const curvecast::Observations obs(req.at("x").get<std::vector<double>>(), req.at("y").get<std::vector<double>>(),
                                      req.value("higher_is_better", false));
    const auto xq = req.at("x_query").get<std::vector<double>>();
    curvecast::FactoryOptions fo;
    fo.seed = req.value("seed", std::uint64_t{0});
    nlohmann::json out = nlohmann::json::object();
    for (const auto& method : req.at("methods").get<std::vector<std::string>>()) {
      try {
        auto ex = curvecast::make_extrapolator(method, fo);
        ex->fit(obs);
        std::vector<double> means, sds;
        for (const auto& p : ex->predict_many(xq)) {
          means.push_back(p.mean());
          sds.push_back(p.sd());
        }
        out[method] = {{"mean", means}, {"sd", sds}};
      } catch (const curvecast::Error& e) {
        out[method] = {{"error", e.what()}};
      }
    }
    std::cout << out.dump() << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "cpp_reference: " << e.what() << "\n";
    return 1;
  }
}
