// RSSviz: the points of a recurrent state-space map and their labels (paper-notes §6).
//
// The model (ESN or LSTM) is run over a few test sentences and the state after every
// token is recorded; the GUI and the CLI then project these points with UMAP and colour
// them. This file holds the model-independent part: gathering the per-step states into
// one point set, dropping duplicates (identical prefixes give bitwise identical states)
// while keeping the map (sentence, step) -> point, and the per-point labels:
//   - clause part of the token just read (first clause, `and`, second clause, END);
//   - the word just read (-1 for the LSTM's zero state, read before any token);
//   - the per-step error code (paper-notes §2): decode the readout y(t) at that step
//     and score it against the sentence's own meaning: code = score(slot1) + 3 score(slot2);
//   - the output-unit activations y(t) and the unit activations (the state itself).
// A duplicate point keeps the labels of its first occurrence (sentence order, then step):
// two sentences sharing a prefix have the same state and the same word, but their
// meanings, hence their error codes, may differ; the first one is shown.
#pragma once
#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

#include "core/corpus/dataset.hpp"
#include "core/umap/umap.hpp"

namespace rssviz::experiment {

// The paper's map (paper-notes §6), the one place it is defined: the states of this many
// test sentences (spread_sentences), projected with paper_map_umap(). Every map of the
// workbench (trained sessions, live exploration, animations, session files, the CLI's
// figures) starts from these.
inline constexpr int kPaperMapSentences = 200;
// The paper's UMAP settings: 15 neighbours, min_dist 0.1, Euclidean, spectral
// initialisation, seed 42 (a fixed seed of its own, not the master seed: the same states
// always give the same map), on top of UmapOptions' algorithm settings (epochs, SGD).
// Warm-started frames take these options too (see carry_layout in workbench.hpp).
umap::UmapOptions paper_map_umap();

// What a model recorded over one sentence.
struct Trajectory {
  // One row per recorded state. ESN: T rows, the extended state [1; x(t)] after token t.
  // LSTM: T + 1 rows, the zero cell state first, then the state after each token.
  Eigen::MatrixXd states;
  // The readout y at each recorded state (same rows as `states`), or empty when the
  // model has no trained readout yet (untrained reservoir).
  Eigen::MatrixXd outputs;
};

struct MapPointOptions {
  bool zero_state_first = false;  // LSTM: row 0 of each trajectory is the state before any token (default off: ESN)
  bool drop_duplicates = true;    // merge bitwise identical states into one point (default on, as the paper)
  int unit_offset = 0;            // leading state columns that are not units (ESN: 1 for the constant in [1; x]; default 0)
};

inline constexpr int kNoWord = -1;   // word label of the zero state
inline constexpr int kNoCode = -1;   // error code when there is no readout

struct MapPoints {
  Eigen::MatrixXf X;                     // unique states, points x state dimension (float: what UMAP reads)
  Eigen::MatrixXf outputs;               // points x output_size, the readout at each point (empty: none)
  std::vector<int> sentence;             // per point: index into the chosen sentence list of its first occurrence
  std::vector<int> step;                 // per point: trajectory row of its first occurrence
  std::vector<int> word;                 // per point: word index read at that step, kNoWord for the zero state
  std::vector<corpus::ClausePart> part;  // per point: clause part of that word (the zero state: first clause)
  std::vector<int> error_code;           // per point: 0..8, kNoCode without readout
  std::vector<std::vector<int>> point_of;  // [sentence][row] -> point index (every row, duplicates included)
  std::vector<int> dataset_index;        // [sentence] -> index of the sentence in the dataset
  int unit_offset = 0;                   // see MapPointOptions
  bool zero_state_first = false;         // see MapPointOptions
  long long rows_total = 0;              // rows before dropping duplicates

  int size() const { return static_cast<int>(X.rows()); }
  int units() const { return static_cast<int>(X.cols()) - unit_offset; }
  bool has_outputs() const { return outputs.rows() > 0; }
  // Activation of unit u (0-based, after the offset) at every point.
  Eigen::VectorXf unit_activation(int u) const;
  // The states of one chosen sentence in order (rows of X, duplicates re-expanded): rows x units.
  Eigen::MatrixXf sentence_units(int s) const;
  // Word read at trajectory row r of chosen sentence s (kNoWord for the zero state).
  int word_at(const corpus::Dataset& data, int s, int r) const;
  // Rows of chosen sentence s whose point is an END state (the last row).
  bool is_end_point(int p) const { return part[static_cast<size_t>(p)] == corpus::ClausePart::kEnd; }
};

// Gathers the points. `chosen` lists dataset indices; `trajectories[i]` belongs to
// dataset sentence chosen[i] and must have length(s) rows (+1 with zero_state_first).
// All trajectories must agree on the state width, and either all or none carry outputs.
// Throws std::invalid_argument naming the sentence and the mismatch otherwise.
MapPoints collect_map_points(const corpus::Grammar& g, const corpus::Dataset& data, const std::vector<int>& chosen,
                             const std::vector<Trajectory>& trajectories, const MapPointOptions& options = {});

// Per-point error codes for another readout's outputs over the same points (the ESN's
// learning stages: same states, readout after k sentences). outputs: points x output_size.
std::vector<int> point_error_codes(const corpus::Grammar& g, const corpus::Dataset& data, const MapPoints& points,
                                   const Eigen::MatrixXf& outputs);

// Error code at every row of one chosen sentence (duplicates re-expanded): the decoded
// readout at each step scored against that sentence's own meaning.
std::vector<int> sentence_error_codes(const corpus::Grammar& g, const corpus::Dataset& data, const MapPoints& points,
                                      int s, const Eigen::MatrixXf& outputs);

// `count` sentences spread evenly over a data set: indices floor(i * size / count). The
// test set lists its one-object sentences before its two-object ones (each group already
// shuffled by the split), so this keeps their proportion (30 % / 70 %) on the map, where
// the first `count` would all be one-object sentences. count is clamped to the data size.
std::vector<int> spread_sentences(const corpus::Dataset& data, int count);
// The map's sentences: spread_sentences(data, count) plus the test sentences `include`
// (a sentence a figure or the user selected must have its states on the map), in
// increasing order without repeats. Throws std::invalid_argument for an index out of range.
std::vector<int> map_sentences(const corpus::Dataset& data, int count, const std::vector<int>& include);

// Label names for legends.
std::string clause_part_name(corpus::ClausePart p);
// "slot1 wrong, slot2 exact" style description of an error code 0..8.
std::string error_code_name(int code);

}  // namespace rssviz::experiment
