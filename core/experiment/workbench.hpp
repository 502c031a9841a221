// The workbench's sessions (map + results + learning stages) for a trained ESN or LSTM,
// shared by the GUI's jobs, the CLI and the tests. Specification: paper-notes §3, §4, §6.
//
// ESN session: build the corpus and the reservoir, harvest every step of the test
// sentences (the first `map_sentences` go on the map; all give the END states), fit the
// ridge readout on the training END states, evaluate, project the map's states [1; x]
// with UMAP, and compute the learning stages: the readout after k training sentences
// (the exact online RLS solution, esn::readout_checkpoints) recolours the same points.
//
// LSTM session: step-wise. Each step trains one epoch, then maps that epoch's cell
// states (the zero state first): the first frame (initial weights) from a spectral
// UMAP, every later frame warm-started from the previous one (points matched by
// (sentence, step)) and Procrustes-aligned to it, so a point can be followed from frame
// to frame.
#pragma once
#include <Eigen/Core>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/common/progress.hpp"
#include "core/esn/reservoir.hpp"
#include "core/experiment/esn_protocol.hpp"
#include "core/lstm/lstm.hpp"
#include "core/experiment/map_session.hpp"
#include "core/lstm/trainer.hpp"
#include "core/umap/umap.hpp"

namespace rssviz::experiment {

// A number for titles and status lines: %.4g ("0.1", "1.25", "0.0003162").
std::string format_number(double v);

struct EsnSessionOptions {
  int objects = 4;                  // corpus size n (4 = basic corpus); reservoir.seed is the master seed
  std::shared_ptr<const corpus::CorpusFile> corpus_file;  // a corpus file in place of the paper's n objects (null: `objects`)
  esn::ReservoirOptions reservoir;  // paper defaults (1000 units, sr 1.1, leak 0.05, ridge 10^-3.5)
  EsnReadout readout = EsnReadout::kRidge;  // how the final Wout is fitted (the stages are the RLS path either way)
  int map_sentences = kPaperMapSentences;  // test sentences on the map (paper: 200)
  std::vector<int> include_sentences;  // test sentences put on the map besides the spread ones (default none)
  umap::UmapOptions umap = paper_map_umap();  // projection of the map
  // Learning stages: training sentences seen by the readout at each frame (each in [1, 1000]).
  std::vector<int> stages = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000};
};

// Builds a trained ESN session. progress(done, total) is told after each stage; `stop`
// is checked between stages and inside the harvest and UMAP (throws Cancelled).
std::shared_ptr<MapSession> build_esn_session(const EsnSessionOptions& options, const StopFlag* stop = nullptr,
                                              const ProgressFn& progress = {});

// A trained ESN session from a given model (a model file, a session's embedded weights):
// no reservoir draw and no readout fit; the map, the scores and the learning stages
// (the RLS path of the model's reservoir) as build_esn_session computes them, so a model
// saved from a session gives that session back bit for bit. The model's reservoir
// options and readout kind replace options.reservoir and options.readout (its thread
// count kept). Throws std::invalid_argument when the model does not fit the corpus of
// options.objects and the model's seed (input or output sizes).
std::shared_ptr<MapSession> build_esn_session(const EsnSessionOptions& options, const EsnModel& model,
                                              const StopFlag* stop = nullptr, const ProgressFn& progress = {});
// Throws std::invalid_argument naming the sizes when `model` cannot read or write `grammar`'s words and outputs.
void check_model_fits(const EsnModel& model, const corpus::Grammar& grammar);

// Map points of `count` test sentences (spread_sentences) for an ESN (states [1; x]) with the
// readout `wout` (K x (N+1)) or none (empty matrix: untrained).
MapPoints esn_map_points(const corpus::Corpus& corpus, const esn::Reservoir& reservoir, int count,
                         const Eigen::MatrixXd& wout, const StopFlag* stop = nullptr);
// The same for a given list of test sentences (map_sentences).
MapPoints esn_map_points(const corpus::Corpus& corpus, const esn::Reservoir& reservoir, const std::vector<int>& chosen,
                         const Eigen::MatrixXd& wout, const StopFlag* stop = nullptr);

// Starting coordinates for `points` from a previous layout of other points of the same
// sentences (rows matched by (sentence, step)); rows without a match take the mean of
// the previous layout. Returns an empty matrix when `previous` has no sentences in common.
//
// The warm-start convention of every moving map (the live sliders, the LSTM's epochs, the
// sweep animations): a frame starts from carry_layout() of the previous frame and runs the
// map's own UmapOptions with init = given and warm_start = true, i.e. umap::refine(X,
// carried, options) (warm_start_epochs epochs at warm_start_learning_rate, no rescale);
// Explorer::update builds the same umap::Umap itself to read its stage timings. An
// animation frame is then rigidly aligned to the carried layout (umap::align) so the
// picture does not turn; the live map is not. Without a carried layout (the first frame,
// no sentence in common) the frame is a full run from the options' own init.
Eigen::MatrixXf carry_layout(const MapPoints& points, const MapPoints& previous, const Eigen::MatrixXf& previous_layout);
// The same with a second source: a point `previous` lacks takes its position in `fallback`
// (the live map's release after a drag that showed a subset of the sentences: the drag's
// last layout first, the last full map for the rest), else the previous layout's mean.
Eigen::MatrixXf carry_layout(const MapPoints& points, const MapPoints& previous, const Eigen::MatrixXf& previous_layout,
                             const MapPoints& fallback, const Eigen::MatrixXf& fallback_layout);

struct LstmSessionOptions {
  corpus::CorpusOptions corpus;     // objects and seed of the split
  lstm::LstmOptions model;          // hidden units, initialisation seed
  lstm::TrainerOptions trainer;     // epochs, batch, Adam
  int map_sentences = kPaperMapSentences;  // test sentences on the map (paper: 200)
  std::vector<int> include_sentences;  // test sentences put on the map besides the spread ones (default none)
  umap::UmapOptions umap = paper_map_umap();  // first frame's projection; later frames warm-start from it
  bool map_every_epoch = true;      // map every epoch (the learning stages); false: only the final model, one UMAP (a figure of it)
};
// The paper's LSTM settings for a corpus size and master seed.
LstmSessionOptions lstm_session_options(int objects, std::uint64_t seed);

// The whole LSTM session in one call: LstmSessionBuilder::step() until finished().
// progress(epoch, epochs) is told after each step (frame 0 = the initial weights);
// `stop` is checked between and inside the steps (throws Cancelled).
std::shared_ptr<MapSession> build_lstm_session(const LstmSessionOptions& options, const StopFlag* stop = nullptr,
                                               const ProgressFn& progress = {});

// Networks to map instead of training them (a session's embedded weights, a model file).
struct LstmReplay {
  // map_every_epoch: the network after epochs 0, 1, ..., history.size(); otherwise the
  // final network alone.
  std::vector<lstm::Lstm> frames;
  std::vector<lstm::EpochReport> history;  // the epochs trained (the training curve)
};

class LstmSessionBuilder {
 public:
  explicit LstmSessionBuilder(const LstmSessionOptions& options);
  // Replays `replay` through the same steps (no training): the same frames, maps and
  // curve as the training that produced the networks. Throws std::invalid_argument when
  // the frames do not fit the corpus or the options (count, input/output sizes).
  LstmSessionBuilder(const LstmSessionOptions& options, LstmReplay replay);
  // Maps the initial network (frame 0) when not done yet, then trains one epoch and maps
  // it. Throws Cancelled when stopped (the trainer rolls back to the epoch's start).
  // When the training diverges (lstm::BasicTrainer) the builder is finished: the last
  // frame is the last finite model and session()->diagnostic says what happened.
  void step(const StopFlag* stop = nullptr);
  bool finished() const;
  int epoch() const;
  int epochs() const;
  // The network the latest frame shows (the trainer's, or the replayed frame).
  const lstm::Lstm& model() const;
  // The session so far: the latest frame as the map, every frame as a learning stage,
  // the curve of the epochs done. A fresh copy each call (the GUI keeps it).
  std::shared_ptr<MapSession> session() const;
  // Every frame mapped so far (frame 0: the initial weights), and the corpus they use.
  const std::vector<LearningStage>& frames() const { return frames_; }
  const std::shared_ptr<const corpus::Corpus>& corpus() const { return corpus_; }

 private:
  void map_frame(const StopFlag* stop);
  LstmSessionOptions options_;
  std::shared_ptr<const corpus::Corpus> corpus_;
  std::unique_ptr<lstm::Trainer> trainer_;  // null when replaying
  std::unique_ptr<LstmReplay> replay_;
  int replay_epoch_ = 0;
  std::vector<int> chosen_;
  std::vector<LearningStage> frames_;
  TrainingCurve curve_;
  double seconds_ = 0.0;
};

}  // namespace rssviz::experiment
