// What chosen units do along sentences (paper-notes §5): their activation, their
// variation from one step to the next, and which words move them most. Pure functions
// over recorded states; experiment/unit_analysis.hpp runs a session's model to get them.
//
// A trajectory is one row per recorded state, in reading order: ESN rows t = 0..T-1 are
// x(t) after token t (BEGIN first); LSTM rows are the zero state then the state after
// each token (T + 1 rows). `word[t]` is the token read to reach row t (-1 for the LSTM's
// zero state). For a unit set U (columns of the trajectory):
//   (1) activation  a_i(t) = x_i(t),                         i in U
//   (2) variation   v_i(t) = |x_i(t) - x_i(t-1)| for t >= 1,  v_i(0) = 0
//       (the first row has no predecessor among the recorded states; by convention 0)
//   (3) step influence  s(t) = sum_{i in U} v_i(t), for t >= 1: the summed variation of
//       the set on the transition t-1 -> t, credited to word[t], the word read there.
//   (4) word influence over sentences S: for each word w, the multiset
//       { s_n(t) : n in S, t >= 1, word_n[t] = w }; its count, sum, mean and standard
//       deviation (population: divide by the count, as numpy.std). Rows t = 0 are never
//       credited (variation 0 by (2)), and one word can be excluded (BEGIN: the ESN's
//       first row reads it, and the LSTM's zero -> BEGIN transition is the same for
//       every sentence, so it says nothing about the sentence).
#pragma once
#include <Eigen/Core>
#include <cstdint>
#include <vector>

namespace rssviz::analysis {

struct UnitActivity {
  std::vector<int> units;      // the unit set U, as given (columns of the trajectory)
  Eigen::MatrixXd activation;  // rows x |U|: equation (1)
  Eigen::MatrixXd variation;   // rows x |U|: equation (2), row 0 all zero
};

// Equations (1) and (2) for the columns `units` of `states` (rows x state width).
// Throws std::invalid_argument for a unit outside [0, width) or an empty trajectory.
UnitActivity unit_activity(const Eigen::MatrixXd& states, const std::vector<int>& units);

// Equation (3) at every row (row 0: 0). Same errors as unit_activity.
Eigen::VectorXd step_influence(const Eigen::MatrixXd& states, const std::vector<int>& units);

struct WordInfluence {
  std::vector<long long> count;  // [word] transitions credited to the word
  std::vector<double> sum;       // [word] summed step influence
  std::vector<double> mean;      // [word] sum / count (0 when count = 0)
  std::vector<double> stddev;    // [word] population standard deviation (0 when count = 0)
  int sentences = 0;             // trajectories accumulated
  int vocabulary() const { return static_cast<int>(count.size()); }
};

// Accumulates equation (4) one sentence at a time (the caller owns the loop, so a view
// can stop half-way); result() gives the means and deviations so far.
class WordInfluenceAccumulator {
 public:
  // vocabulary: number of words (indices 0 .. vocabulary-1); excluded_word: a word never
  // credited (BEGIN), or -1 for none.
  WordInfluenceAccumulator(int vocabulary, std::vector<int> units, int excluded_word = -1);
  // One trajectory: states (rows x width) and the word read at each row (-1: none, not credited).
  // Throws std::invalid_argument when the sizes disagree or a word is out of range.
  void add(const Eigen::MatrixXd& states, const std::vector<int>& words);
  WordInfluence result() const;

 private:
  std::vector<int> units_;
  int excluded_;
  std::vector<long long> count_;
  std::vector<double> sum_, mean_, m2_;
  int sentences_ = 0;
};

// `count` distinct indices of [0, pool), chosen by `seed` (a partial Fisher-Yates shuffle
// of the stream Rng(seed, "analysis.sentences")), returned ascending. count is clamped
// to pool. The same seed gives the same set; a larger count keeps the smaller one's
// indices (the shuffle's prefix). Throws std::invalid_argument for pool < 0 or count < 0.
std::vector<int> choose_sentences(int pool, int count, std::uint64_t seed);

}  // namespace rssviz::analysis
