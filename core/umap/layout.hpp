// UMAP's layout optimisation: stochastic gradient descent on the fuzzy cross entropy
// with negative sampling (McInnes et al. 2018, section 3.3; umap-learn's schedule).
//
// Each directed edge (i, j) of weight w is sampled every epochs_per_sample = w_max / w
// epochs; each time, point i is pulled towards j and pushed away from
// negative_sample_rate / epochs_per_sample-scheduled random points k. With
// d² = |y_i - y_j|² and the curve parameters a, b:
//   attraction  g = -2 a b d^(2(b-1)) / (1 + a d^(2b))                (1)
//   repulsion   g =  2 gamma b / ((0.001 + d²)(1 + a d^(2b)))         (2)
//   y_i += alpha clip(g (y_i - y_j), -4, 4) per coordinate             (3)
//   alpha = learning_rate (1 - epoch / n_epochs)                       (4)
//
// Determinism by design (where umap-learn races threads over shared coordinates): in
// each epoch every point reads the other points from a snapshot taken at the start of
// the epoch and only writes its own coordinates, processing its own edges in order with
// its own random stream (seeded from the sampling seed, the epoch and its index). The
// result is therefore identical for any thread count. The paper's Algorithm 5 moves
// only the head of a sampled edge (attraction_pulls = 1, the default of UmapOptions);
// umap-learn also moves the other end (UmapOptions::move_both_ends), emulated here at
// the head: a first pull moves the head and a private copy of the partner by the same
// step, a second pull (the reverse edge's) starts from those two moved positions.
// Each sample (attraction or negative) is applied in turn, as umap-learn does; the head's
// sequence of samples in an epoch depends only on the graph, the epoch and the seed.
// Speed (2-D): heads run side by side in vector lanes, 32 per block, each lane with its
// own head's sample sequence (layout.cpp), so the parallelism is across heads and the
// arithmetic of a head is the same in any lane, block or thread. A vector is one
// register of the build's target: 16 lanes with AVX-512, 8 with AVX/AVX2, 4 with SSE.
// The powers use fast float log2/exp2 (relative error below 1e-5).
#pragma once
#include <Eigen/Core>
#include <cstdint>
#include <vector>

#include "core/umap/fuzzy_graph.hpp"

namespace rssviz::umap {

using RowMatrixXf = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// x^y for x > 0 with relative error below 1e-5 (bit-level log2, polynomial exp2).
float fast_pow(float x, float y);

struct SgdParams {
  float a = 1.577f;
  float b = 0.895f;
  float gamma = 1.0f;                // repulsion_strength
  float negative_sample_rate = 5.0f;
  int attraction_pulls = 1;          // 1: head only (the paper); 2: emulate umap-learn moving both ends
  bool exclude_self = true;          // negative samples skip the head's own index (fit)
};

// Per-edge sampling schedule for a graph whose rows are the moving (head) points.
class SgdSchedule {
 public:
  SgdSchedule() = default;
  // W: n_head x n_tail, rows = heads; weights below max/n_epochs must be pruned already.
  SgdSchedule(const SparseGraph& W, float negative_sample_rate);
  // One epoch (0-based `epoch`): moves the rows of `head`; `tail` is what the heads read
  // (a snapshot of head for fit, the fitted embedding for transform).
  // `threads`: 0 = automatic (one thread below 15 000 edges, as a parallel region per
  // epoch costs more than it saves; above, one or all OpenMP threads, whichever the
  // recent epochs found faster: on a busy machine a second thread can slow every epoch
  // down 20-fold); > 0 forces that many. The result is the same for any value.
  void run_epoch(int epoch, float alpha, const SgdParams& p, RowMatrixXf& head, const RowMatrixXf& tail,
                 std::uint64_t sampling_seed, int threads = 0);
  // The same epoch by the plain scalar kernel (one head at a time, any dimension, one
  // thread): the reference the vectorised 2-D kernel is tested against.
  void run_epoch_reference(int epoch, float alpha, const SgdParams& p, RowMatrixXf& head, const RowMatrixXf& tail,
                           std::uint64_t sampling_seed);
  Eigen::Index edges() const { return static_cast<Eigen::Index>(tail_.size()); }

 private:
  int pick_threads();                            // automatic thread count for the next epoch
  void record_epoch(int threads, double seconds);
  double epoch_seconds_[2] = {-1.0, -1.0};       // recent wall time of an epoch: 1 thread, all threads
  int probe_interval_ = 1, since_probe_ = 0;
  int first_threads_ = 0;                        // count of the first epoch (0: not chosen yet)
  bool probing_ = false;
  int max_degree_ = 0;         // most edges of one head
  long long max_samples_ = 0;  // bound on one head's samples in one epoch (2-D kernel buffers)
  std::vector<int> order_;  // heads by decreasing expected samples per epoch (2-D kernel blocks)
  std::vector<int> ptr_;   // CSR by head
  std::vector<int> tail_;
  std::vector<double> eps_, next_, eps_neg_, inv_eps_neg_, next_neg_;
};

}  // namespace rssviz::umap
