#pragma once
// Forward declarations of curvecast's public types, for headers that only name them.
namespace curvecast {
struct Observations;
struct Normaliser;
class Predictive;
class Extrapolator;
struct AsymptoteEstimate;
struct ReachEstimate;
struct FitOptions;
struct FitResult;
struct FamilyInfo;
struct Curve;
struct CurveSet;
class LastValueExtrapolator;
class LeastSquaresExtrapolator;
class MultiFamilyExtrapolator;
class EarlyStopper;
struct EarlyStoppingOptions;
struct Decision;
struct StopForecast;
struct MultiFamilyOptions;
}  // namespace curvecast
