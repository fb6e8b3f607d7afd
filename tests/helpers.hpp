#pragma once
// Helpers shared by several test files. The test files are compiled together in
// unity batches (tests/CMakeLists.txt), so a helper that two files need is
// defined here, once, rather than in each file's anonymous namespace.
#include <cmath>
#include <limits>
#include <vector>

#include <Eigen/Dense>

#include <curvecast/detail/basis_posterior.hpp>

namespace curvecast_test {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// The coefficient prior of the filtered-likelihood tests: intercept + pow3,
/// ilog2, janoschek (p = 4) with mean m and a full covariance S.
struct CorrelatedBasisPrior {
  static constexpr int p = 4;
  const std::vector<int> families{curvecast::detail::kPow3, curvecast::detail::kIlog2, curvecast::detail::kJanoschek};
  const double m[p] = {0.5, -0.3, -0.2, -0.4};
  const double S[p * p] = {0.30, 0.05, 0.00, 0.02,  //
                           0.05, 0.20, 0.01, 0.00,  //
                           0.00, 0.01, 0.25, 0.03,  //
                           0.02, 0.00, 0.03, 0.40};
  curvecast::detail::BasisPrior prior() const {
    curvecast::detail::BasisPrior pr;
    for (int a = 0; a < p; ++a) pr.b_mean[static_cast<std::size_t>(a)] = m[a];
    for (int a = 0; a < p * p; ++a) pr.b_cov[static_cast<std::size_t>(a)] = S[a];
    return pr;
  }
  /// log N(z; X m, X S X' + C): the dense Gaussian density that the Kalman
  /// filter must reproduce with the coefficients integrated out.
  double dense_log_density(const Eigen::MatrixXd& X, const Eigen::MatrixXd& C, const std::vector<double>& z) const {
    const int n = static_cast<int>(z.size());
    const Eigen::Map<const Eigen::Matrix<double, p, p, Eigen::RowMajor>> Sm(S);
    const Eigen::MatrixXd V = X * Sm * X.transpose() + C;
    Eigen::VectorXd r(n);
    for (int i = 0; i < n; ++i) r[i] = z[i] - X.row(i).dot(Eigen::Map<const Eigen::VectorXd>(m, p));
    const Eigen::LLT<Eigen::MatrixXd> llt(V);
    const double logdet = 2 * llt.matrixL().toDenseMatrix().diagonal().array().log().sum();
    return -0.5 * (n * std::log(2 * M_PI) + logdet + r.dot(llt.solve(r)));
  }
};
}  // namespace curvecast_test
