// The section-5 analyses of a session (paper-notes §5), shared by the window's docks,
// the headless `rssviz render --view winglet|polyvalent|activity|influence|cells|outputs`
// and `rssviz-cli units`. The numerics are core/analysis/*; this file picks the
// session's readout and model at a learning stage and runs the model over the test
// sentences the analyses need.
//
// Stage: -1 = the final model, 0.. an index into session.stages. The ESN's states do
// not depend on the stage (the reservoir is fixed), its readout does (Wout after k
// sentences); the LSTM's states and readout both do (the network after epoch k).
#pragma once
#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

#include "core/analysis/output_activity.hpp"
#include "core/analysis/readout_weights.hpp"
#include "core/analysis/unit_activity.hpp"
#include "core/common/progress.hpp"
#include "core/experiment/map_session.hpp"

namespace rssviz::experiment {

// The readout at a stage (outputs x columns; empty when untrained), and the number of
// leading columns that are not units (ESN: 1, the bias of [1; x]; LSTM: 0).
const Eigen::MatrixXd& readout_at(const MapSession& s, int stage);
int readout_offset(const MapSession& s);

// One test sentence as the model at a stage reads it.
struct SentenceRecord {
  int test_index = -1;
  Eigen::MatrixXd states;   // rows x units: ESN x(t) (T rows); LSTM cell c(t), zero state first (T + 1 rows)
  Eigen::MatrixXd hidden;   // LSTM h(t), same rows; empty for the ESN
  Eigen::MatrixXd outputs;  // rows x outputs, the readout y(t); empty when untrained
  std::vector<int> words;   // the word read to reach each row (-1: the LSTM's zero state)
};

// Runs the session's model (session.reservoir / the stage's LSTM) over test sentences.
// ESN sentences that are all on the map are read from the map's states instead (the
// same numbers: the map is a harvest of the same reservoir, and no run is needed).
// Without a model in the session, falls back to the map's recorded states (then only
// the map's sentences are available, and no LSTM hidden state). Throws
// std::invalid_argument for an index out of range or a sentence that cannot be
// recorded; Cancelled when stopped.
std::vector<SentenceRecord> record_sentences(const MapSession& s, int stage, const std::vector<int>& test_indices,
                                             const StopFlag* stop = nullptr);
SentenceRecord record_sentence(const MapSession& s, int stage, int test_index);

// Which units an activity or influence plot follows.
enum class UnitSetKind { kPolyvalent, kTopForOutput, kByHand, kAll, kRandom };
// "polyvalent" | "top" | "hand" | "all" | "random"
std::string to_string(UnitSetKind k);
UnitSetKind unit_set_from_string(const std::string& s);     // throws std::invalid_argument

struct UnitSetChoice {
  UnitSetKind kind = UnitSetKind::kPolyvalent;  // the paper's choice
  analysis::PolyvalentOptions polyvalent;       // m and k of the polyvalent units (offset set from the session)
  int output = 0;                               // kTopForOutput: the output whose top units are taken
  int top = 10;                                 // kTopForOutput: how many (paper: 10)
  std::vector<int> units;                       // kByHand: the units
  int random_count = 0;                         // kRandom: how many units (a control set; 0: as many as polyvalent)
  std::uint64_t random_seed = 1;                // kRandom: which (analysis::choose_sentences over the units)
};
// The unit set at a stage. Polyvalent and top-for-output need a readout (empty set when
// untrained); all is every unit; random is a seeded control set; by hand is checked against the unit count (std::invalid_argument).
std::vector<int> choose_units(const MapSession& s, int stage, const UnitSetChoice& choice);
// Polyvalent units of the stage's readout with the session's offset.
std::vector<analysis::PolyvalentUnit> session_polyvalent(const MapSession& s, int stage,
                                                         analysis::PolyvalentOptions options = {});

// Where the influence's sentences are drawn from.
enum class InfluencePool {
  kTestSet,  // the whole test set (1000 sentences): runs the model over the chosen ones
  kMap,      // the map's test sentences (200 spread over the test set): their states are already
             // recorded, so this costs no model run (the window and the figures use it)
};
struct InfluenceOptions {
  int sentences = 100;      // test sentences the influence is measured over (paper: "many"; default 100)
  std::uint64_t seed = 1;   // which ones: analysis::choose_sentences(pool size, sentences, seed)
  InfluencePool pool = InfluencePool::kTestSet;  // drawn from the test set (default) or the map's sentences
};
// The test sentences the influence uses (ascending test indices).
std::vector<int> influence_sentences(const MapSession& s, int stage, const InfluenceOptions& options);
// Word influence (analysis/unit_activity.hpp, equation 4) of `units` over those
// sentences, BEGIN excluded. Without a model in the session the pool is always the map.
analysis::WordInfluence session_word_influence(const MapSession& s, int stage, const std::vector<int>& units,
                                               const InfluenceOptions& options = {}, const StopFlag* stop = nullptr);

// Structure words (the sentence frame: this, that, is, a, the, on, there, and, BEGIN,
// END) versus content words (objects, positions, colours); "orange" is content.
bool is_structure_word(const std::string& word);

// Mean step influence over the transitions that read structure words and over those
// that read content words (count-weighted, from a WordInfluence).
struct StructureContrast {
  double structure_mean = 0.0;
  double content_mean = 0.0;
  long long structure_count = 0, content_count = 0;
  double ratio() const { return content_mean > 0 ? structure_mean / content_mean : 0.0; }
};
StructureContrast structure_contrast(const corpus::Grammar& g, const analysis::WordInfluence& w);

}  // namespace rssviz::experiment
