#include "core/common/memory.hpp"
#include "core/umap/umap.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>
#include <string>

#include "core/common/check.hpp"
#include "core/common/parallel.hpp"
#include "core/common/rng.hpp"
#include "core/common/timing.hpp"
#include "core/umap/spectral.hpp"

namespace rssviz::umap {
namespace {

// Drops edges that would be sampled less than once in n_epochs (umap-learn does so).
SparseGraph prune_weak(const SparseGraph& W, int n_epochs) {
  SparseGraph P = W;
  if (P.nonZeros() == 0) return P;
  const float wmax = Eigen::Map<const Eigen::VectorXf>(P.valuePtr(), P.nonZeros()).maxCoeff();
  const float cut = wmax / static_cast<float>(n_epochs);
  P.prune([cut](const Eigen::Index&, const Eigen::Index&, const float& v) { return v >= cut; });
  P.makeCompressed();
  return P;
}

void rescale_0_10(RowMatrixXf& y) {
  for (Eigen::Index c = 0; c < y.cols(); ++c) {
    const float lo = y.col(c).minCoeff(), hi = y.col(c).maxCoeff();
    const float span = hi - lo;
    if (span > 0.0f)
      y.col(c) = (y.col(c).array() - lo) * (10.0f / span);
    else
      y.col(c).setConstant(5.0f);
  }
}

// out = X times 2^exponent, into out's storage when it already has X's shape.
void scale_into(const Eigen::MatrixXf& X, int exponent, Eigen::MatrixXf& out) {
  if (exponent == 0)
    out = X;
  else
    out = X * std::ldexp(1.0f, exponent);  // exact: a power of two (products stay normal when the inputs' range is under 2^125)
}

}  // namespace

int default_epochs(Eigen::Index n) { return n <= 10000 ? 500 : 200; }

void validate(const UmapOptions& o) {
  check_range("n_neighbors", o.n_neighbors, 2, 1 << 20);
  check_range("n_components", o.n_components, 1, 64);
  check_range_open_low("spread", o.spread, 0.0f, 1e6f);
  check_range("min_dist", o.min_dist, 0.0f, o.spread);
  check_range("n_epochs", o.n_epochs, 0, 1000000);
  check_range_open_low("learning_rate", o.learning_rate, 0.0f, 1e6f);
  check_range("negative_sample_rate", o.negative_sample_rate, 0, 1000);
  check_range("repulsion_strength", o.repulsion_strength, 0.0f, 1e6f);
  check_range("local_connectivity", o.local_connectivity, 0.0f, static_cast<float>(o.n_neighbors));
  check_range("set_op_mix_ratio", o.set_op_mix_ratio, 0.0f, 1.0f);
  check_range("a", o.a, 0.0f, 1e6f);
  check_range("b", o.b, 0.0f, 1e6f);
  check_range("warm_start_epochs", o.warm_start_epochs, 1, 1000000);
  check_range("warm_start_min_epochs", o.warm_start_min_epochs, 0, o.warm_start_epochs);
  check_range_open_low("warm_start_learning_rate", o.warm_start_learning_rate, 0.0f, 1e6f);
  check_range("transform_epochs", o.transform_epochs, 0, 1000000);
  resolve_threads(o.threads);
}

int input_scale_exponent(const Eigen::MatrixXf& X) {
  // One pass: NaN propagates into the maximum, infinity is its own maximum.
  const float m = X.size() ? X.array().abs().maxCoeff<Eigen::PropagateNaN>() : 0.0f;
  if (!std::isfinite(m))
    for (Eigen::Index i = 0; i < X.rows(); ++i)
      if (!X.row(i).allFinite())
        throw std::invalid_argument("input row " + std::to_string(i) + " contains NaN or infinity");
  if (m == 0.0f) return 0;
  const int e = std::ilogb(m);  // m = f 2^e, 1 <= f < 2
  return e >= -kSafeExponent && e <= kSafeExponent ? 0 : -e;
}

Eigen::MatrixXf scaled(const Eigen::MatrixXf& X, int exponent) {
  Eigen::MatrixXf out;
  scale_into(X, exponent, out);
  return out;
}

Umap::Umap(UmapInput X, const UmapOptions& options, const Eigen::MatrixXf* init_coords, const StopFlag* stop)
    : opt_(options), stop_(stop) {
  setup(X, init_coords, nullptr);
}

Umap::Umap(UmapInput X, const UmapOptions& options, const Eigen::MatrixXf* init_coords, const KnnGraph& lists,
           const StopFlag* stop)
    : opt_(options), stop_(stop) {
  setup(X, init_coords, nullptr, &lists);
}

UmapOptions warm_start(UmapOptions o) {
  o.init = Init::given;
  o.warm_start = true;
  return o;
}

Umap::Umap(const Umap& previous, UmapInput X, const Eigen::MatrixXf* start, const StopFlag* stop)
    : opt_(warm_start(previous.opt_)), stop_(stop) {
  if (start) {
    setup(X, start, &previous);
  } else {
    const Eigen::MatrixXf y0 = previous.embedding();
    setup(X, &y0, &previous);
  }
}

void Umap::setup(const UmapInput& input, const Eigen::MatrixXf* init_coords, const Umap* previous,
                 const KnnGraph* lists) {
  validate(opt_);
  if (!input.matrix) throw std::invalid_argument("umap: no input matrix (a null pointer)");
  const Eigen::MatrixXf& X = *input.matrix;
  const Eigen::Index n = X.rows();
  if (n < 1 || X.cols() < 1)
    throw std::invalid_argument("umap: the input has " + std::to_string(n) + " x " + std::to_string(X.cols()) +
                                " values; it needs at least one point of one dimension");
  if (opt_.init == Init::given) {
    if (!init_coords) throw std::invalid_argument("umap: init = given needs initial coordinates");
    if (init_coords->rows() != n || init_coords->cols() != opt_.n_components)
      throw std::invalid_argument("umap: initial coordinates are " + std::to_string(init_coords->rows()) + " x " +
                                  std::to_string(init_coords->cols()) + ", expected " + std::to_string(n) + " x " +
                                  std::to_string(opt_.n_components));
    if (!init_coords->allFinite()) throw std::invalid_argument("umap: initial coordinates contain NaN or infinity");
  }
  ThreadScope threads(opt_.threads);
  const int dim = opt_.n_components;
  const int k = static_cast<int>(std::min<Eigen::Index>(opt_.n_neighbors, n));
  diag_.n_neighbors = k;

  auto t0 = std::chrono::steady_clock::now();
  scale_exponent_ = input_scale_exponent(X);
  diag_.input_scale_exponent = scale_exponent_;
  if (scale_exponent_ == 0 && input.shared) {
    data_ = input.shared;  // used as it is: no copy
  } else {
    auto data = std::make_shared<Eigen::MatrixXf>(X.rows(), X.cols());  // sized first, so that it can take huge
    prefer_huge_pages(*data);                                            // pages before it is written
    scale_into(X, scale_exponent_, *data);
    data_ = std::move(data);
  }
  const Eigen::MatrixXf& data = *data_;
  const bool same_points = previous && previous->data_->rows() == n && previous->data_->cols() == X.cols() &&
                           previous->knn_.k == k && previous->opt_.metric == opt_.metric;
  // Neighbour descent from earlier lists of these points: the previous run's (with its
  // projection basis), else lists handed in without their Umap (a fresh basis).
  const bool lists_fit = lists && lists->n == n && lists->k == k && n > 1;
  bool have = false;
  const auto descend_from = [&](const KnnGraph& start, const Eigen::MatrixXf& basis) {
    DescentOptions d;
    d.threads = opt_.threads;
    DescentResult r = descend_knn(data, start, k, opt_.metric, basis, d, stop_);
    if (r.graph.n != n) return;
    knn_ = std::move(r.graph);
    descent_basis_ = std::move(r.basis);
    diag_.knn_method = KnnMethod::approximate;
    diag_.descent_rounds = r.rounds;
    have = true;
  };
  if (opt_.warm_knn == WarmKnn::descent) {
    if (same_points && previous->knn_.n == n) descend_from(previous->knn_, previous->descent_basis_);
    else if (lists_fit) descend_from(*lists, Eigen::MatrixXf());
  }
  // Else the previous map's exact lists are updated (same shape), unless HNSW is forced.
  if (!have) {
    if (same_points && previous->diag_.knn_method == KnnMethod::exact && opt_.knn != KnnMethod::approximate &&
        previous->scale_exponent_ == scale_exponent_) {
      diag_.knn_method = KnnMethod::exact;
      knn_ = update_exact_knn(previous->knn_, *previous->data_, data, opt_.metric, stop_);
    } else {
      knn_ = nearest_neighbors(data, k, opt_.metric, opt_.knn, derive_seed(opt_.seed, "umap knn"), stop_,
                               &diag_.knn_method);
    }
  }
  if (same_points) diag_.knn_change = 1.0 - knn_recall(knn_, previous->knn_);
  else if (lists_fit) diag_.knn_change = 1.0 - knn_recall(knn_, *lists);
  diag_.knn_seconds = seconds_since(t0);
  if (stop_requested(stop_)) throw Cancelled();

  t0 = std::chrono::steady_clock::now();
  const float lc = std::min(opt_.local_connectivity, static_cast<float>(k));
  const int full_epochs = opt_.n_epochs > 0 ? opt_.n_epochs : default_epochs(n);
  graph_ = prune_weak(fuzzy_simplicial_set(knn_, lc, opt_.set_op_mix_ratio), full_epochs);
  if (opt_.a > 0.0f && opt_.b > 0.0f) {
    params_.a = opt_.a;
    params_.b = opt_.b;
  } else {
    const CurveParams ab = find_ab_params(opt_.spread, opt_.min_dist);
    params_.a = static_cast<float>(ab.a);
    params_.b = static_cast<float>(ab.b);
  }
  diag_.a = params_.a;
  diag_.b = params_.b;
  params_.gamma = opt_.repulsion_strength;
  params_.negative_sample_rate = static_cast<float>(opt_.negative_sample_rate);
  params_.attraction_pulls = opt_.move_both_ends ? 2 : 1;
  params_.exclude_self = true;
  // A rate of 0 becomes a negligible one: the schedule then never draws a sample.
  schedule_ = SgdSchedule(graph_, std::max(params_.negative_sample_rate, 1e-9f));
  diag_.edges = schedule_.edges();
  diag_.graph_seconds = seconds_since(t0);
  if (stop_requested(stop_)) throw Cancelled();

  t0 = std::chrono::steady_clock::now();
  Rng init_rng(opt_.seed, "umap init");
  y_.resize(n, dim);
  std::vector<int> label;
  diag_.components = connected_components(graph_, label);
  if (opt_.init == Init::spectral) {
    const SpectralResult s = spectral_layout(graph_, dim, derive_seed(opt_.seed, "umap spectral"));
    diag_.init_fallbacks = s.fallbacks;
    y_ = s.coords;
    const float m = y_.cwiseAbs().maxCoeff();
    const float expansion = m > 0.0f ? 10.0f / m : 1.0f;
    for (Eigen::Index i = 0; i < n; ++i)
      for (int c = 0; c < dim; ++c) y_(i, c) = y_(i, c) * expansion + static_cast<float>(1e-4 * init_rng.normal());
    rescale_0_10(y_);
  } else if (opt_.init == Init::random) {
    for (Eigen::Index i = 0; i < n; ++i)
      for (int c = 0; c < dim; ++c) y_(i, c) = static_cast<float>(init_rng.uniform(-10.0, 10.0));
    rescale_0_10(y_);
  } else {
    y_ = *init_coords;
    if (!opt_.warm_start) rescale_0_10(y_);
  }
  diag_.init_seconds = seconds_since(t0);

  const bool warm = opt_.init == Init::given && opt_.warm_start;
  total_epochs_ = warm ? opt_.warm_start_epochs : full_epochs;
  if (warm && (same_points || lists_fit) && opt_.warm_start_min_epochs > 0) {
    // A warm update whose neighbours barely changed needs few epochs (docs/BENCHMARKS.md,
    // "Live exploration": 10 epochs keep the trustworthiness within 0.003 of a fresh map).
    constexpr double kFullChange = 0.1;
    const double share = std::min(1.0, diag_.knn_change / kFullChange);
    total_epochs_ = std::max(opt_.warm_start_min_epochs,
                             static_cast<int>(std::ceil(opt_.warm_start_epochs * share)));
  }
  alpha0_ = warm ? opt_.warm_start_learning_rate : opt_.learning_rate;
  sampling_seed_ = derive_seed(opt_.seed, "umap sampling");
}

void Umap::run_at_least(int epochs) {
  if (epochs < 0) throw std::invalid_argument("umap: run_at_least needs epochs >= 0, got " + std::to_string(epochs));
  if (epoch_ > 0) throw std::logic_error("umap: run_at_least after epochs have run");
  total_epochs_ = std::max(total_epochs_, epochs);
}

bool Umap::run(int max_epochs) {
  ThreadScope threads(opt_.threads);
  const auto t0 = std::chrono::steady_clock::now();
  const int end = max_epochs < 0 ? total_epochs_ : std::min(total_epochs_, epoch_ + max_epochs);
  while (epoch_ < end) {
    if (stop_requested(stop_)) break;
    snapshot_ = y_;
    const float alpha =
        alpha0_ * (1.0f - static_cast<float>(epoch_) / static_cast<float>(total_epochs_));
    schedule_.run_epoch(epoch_, alpha, params_, y_, snapshot_, sampling_seed_);
    ++epoch_;
  }
  diag_.layout_seconds += seconds_since(t0);
  return finished();
}

Eigen::MatrixXf Umap::embedding() const { return y_; }

Eigen::MatrixXf Umap::transform(const Eigen::MatrixXf& Xnew) const {
  const Eigen::MatrixXf& data = *data_;
  if (Xnew.cols() != data.cols())
    throw std::invalid_argument("umap transform: new points have " + std::to_string(Xnew.cols()) +
                                " columns, the fitted data " + std::to_string(data.cols()));
  const Eigen::Index m = Xnew.rows();
  const int dim = opt_.n_components;
  if (m == 0) return Eigen::MatrixXf(0, dim);
  ThreadScope threads(opt_.threads);
  const int k = diag_.n_neighbors;
  if (!Xnew.allFinite())
    for (Eigen::Index i = 0; i < Xnew.rows(); ++i)
      if (!Xnew.row(i).allFinite())
        throw std::invalid_argument("umap transform: new point " + std::to_string(i) + " contains NaN or infinity");
  const KnnGraph q = scale_exponent_ == 0 ? exact_knn_query(data, Xnew, k, opt_.metric, stop_)
                                          : exact_knn_query(data, scaled(Xnew, scale_exponent_), k, opt_.metric, stop_);
  const SmoothKnn s = smooth_knn_dist(q, std::max(0.0f, opt_.local_connectivity - 1.0f), false);
  std::vector<Eigen::Triplet<float, int>> t;
  t.reserve(q.index.size());
  RowMatrixXf ynew = RowMatrixXf::Zero(m, dim);
  for (Eigen::Index i = 0; i < m; ++i) {
    double wsum = 0.0;
    for (int j = 0; j < k; ++j) {
      const float dd = q.dist(static_cast<int>(i), j) - s.rho[static_cast<std::size_t>(i)];
      const float sg = s.sigma[static_cast<std::size_t>(i)];
      const float w = (dd <= 0.0f || sg == 0.0f) ? 1.0f : std::exp(-dd / sg);
      t.emplace_back(static_cast<int>(i), q.at(static_cast<int>(i), j), w);
      ynew.row(i) += w * y_.row(q.at(static_cast<int>(i), j));
      wsum += w;
    }
    if (wsum > 0.0) ynew.row(i) /= static_cast<float>(wsum);
  }
  SparseGraph W(m, data.rows());
  W.setFromTriplets(t.begin(), t.end());
  const int epochs = opt_.transform_epochs > 0 ? opt_.transform_epochs : (data.rows() <= 10000 ? 100 : 30);
  W = prune_weak(W, epochs);
  SgdSchedule sched(W, std::max(static_cast<float>(opt_.negative_sample_rate), 1e-9f));
  SgdParams p = params_;
  p.attraction_pulls = 1;
  p.exclude_self = false;
  const std::uint64_t seed = derive_seed(opt_.seed, "umap transform sampling");
  const float alpha0 = opt_.learning_rate / 4.0f;
  for (int e = 0; e < epochs; ++e) {
    if (stop_requested(stop_)) throw Cancelled();
    sched.run_epoch(e, alpha0 * (1.0f - static_cast<float>(e) / static_cast<float>(epochs)), p, ynew, y_, seed);
  }
  return ynew;
}

Eigen::MatrixXf fit(const Eigen::MatrixXf& X, const UmapOptions& options, const Eigen::MatrixXf* init_coords,
                    const StopFlag* stop) {
  Umap u(X, options, init_coords, stop);
  if (!u.run()) throw Cancelled();
  return u.embedding();
}

Eigen::MatrixXf refine(const Eigen::MatrixXf& X, const Eigen::MatrixXf& previous, UmapOptions options,
                       const StopFlag* stop) {
  return fit(X, warm_start(std::move(options)), &previous, stop);
}

}  // namespace rssviz::umap
