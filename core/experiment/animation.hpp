// Animations of the map (paper-notes §6, "learning stages" and "hyperparameters before
// training"): the frames, computed step by step, that the renderer turns into a GIF, a
// WebP or a numbered PNG sequence. Three kinds:
//
//   - ESN readout stages: the reservoir is fixed, so its states and their layout are
//     computed once; frame i recolours them by the readout after k_i training sentences
//     (the exact online RLS solution, esn::readout_checkpoints), with k_i log-spaced
//     integers from 1 to the training-set size (readout_stage_counts).
//   - LSTM epochs: one frame per epoch from the initial weights (epoch 0) to the last;
//     the states change every epoch, so each frame has its own layout, warm-started
//     from and Procrustes-aligned to the previous one (LstmSessionBuilder). Optional
//     in-between frames interpolate each point's position from one epoch to the next
//     (points matched by (sentence, step)), eased by 3t^2 - 2t^3, so points glide.
//   - Sweeps of an untrained reservoir: spectral radius, leak rate or input scaling from
//     one value to another in N frames (linear or geometric steps), the same seed and
//     weights throughout (Explorer: rescaled, never redrawn); frame 0 is a full UMAP,
//     each later frame warm-starts from the previous layout and is aligned to it.
//
// Step-wise: the caller drives next() (one or a few frames per call), so the GUI's job
// and the headless command show progress and can cancel between steps. Same options,
// same seed: the same frames, bit for bit.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "core/common/progress.hpp"
#include "core/experiment/explore.hpp"
#include "core/experiment/workbench.hpp"

namespace rssviz::experiment {

enum class SweepParameter { spectral_radius, leak_rate, input_scaling };

// "spectral-radius", "leak-rate", "input-scaling" (the CLI's option names).
std::string to_string(SweepParameter p);
SweepParameter sweep_parameter_from_string(const std::string& s);  // std::invalid_argument listing the names

struct SweepSpec {
  SweepParameter parameter = SweepParameter::spectral_radius;  // what changes
  double from = 0.1;                                           // first frame's value
  double to = 3.0;                                             // last frame's value
  int frames = 30;                                             // number of frames, 2..1000
  bool log_steps = false;                                      // geometric steps (needs from, to > 0) instead of linear
};
// Parses "NAME=FROM:TO:FRAMES[:log|:linear]", e.g. "spectral-radius=0.1:3:30". Throws
// std::invalid_argument naming the part that is wrong and what is allowed.
SweepSpec parse_sweep(const std::string& text);
// Checks the values against the reservoir's ranges (esn::ReservoirOptions::validate's).
void validate(const SweepSpec& s);
// The frames' values: from, ..., to (exactly the end points).
std::vector<double> sweep_values(const SweepSpec& s);

// `frames` strictly increasing integers from 1 to `max_count`, spaced evenly on a log
// scale (each rounded, then pushed up to one more than the previous one where rounding
// made them collide); the last is max_count. frames must be in [1, max_count].
std::vector<int> readout_stage_counts(int frames, int max_count = 1000);

struct AnimationFrame {
  std::shared_ptr<const MapSession> session;  // what to draw
  int stage = -1;                             // learning stage of `session` shown (-1: the session's own map)
  std::string caption;                        // "after 10 training sentences · valid 3.1 % · exact 20.4 %"
  double value = 0.0;                         // k, the epoch (fractional in between) or the swept value
};

enum class AnimationKind { esn_readout, lstm_epochs, sweep };
std::string to_string(AnimationKind k);  // "readout", "epochs", "sweep"

struct AnimationOptions {
  AnimationKind kind = AnimationKind::esn_readout;
  EsnSessionOptions esn;            // esn_readout: the trained ESN session (its `stages` are replaced)
  int readout_frames = 20;          // esn_readout: number of frames, k log-spaced from 1 to the training-set size
  LstmSessionOptions lstm;          // lstm_epochs: the LSTM session; one frame per epoch plus the initial weights
  int between = 0;                  // lstm_epochs: interpolated frames between consecutive epochs, 0..30
  ExploreOptions explore;           // sweep: the untrained reservoir (its scalings are the sweep's fixed values)
  SweepSpec sweep;                  // sweep: what changes and how
};
// Throws std::invalid_argument naming the first bad field and its range.
void validate(const AnimationOptions& o);

class Animation {
 public:
  explicit Animation(const AnimationOptions& options);  // validates; cheap (work starts in next())
  ~Animation();
  Animation(const Animation&) = delete;
  Animation& operator=(const Animation&) = delete;

  int total_frames() const;  // frames the whole animation has
  int frames_done() const;   // frames returned so far
  bool finished() const { return frames_done() >= total_frames(); }
  // Computes and returns the next frames (at least one unless finished): ESN, the whole
  // session on the first call then one frame per call; LSTM, one epoch with its
  // in-between frames; sweep, one value. Throws Cancelled when stopped (call again to retry).
  std::vector<AnimationFrame> next(const StopFlag* stop = nullptr);
  // One line naming the model, the corpus and the key hyperparameters (figure titles).
  std::string title() const;

 private:
  struct State;
  std::unique_ptr<State> s_;
};

// Positions of `points` moved a fraction t (0..1, eased) from where the same (sentence,
// step) sat in `from` (laid out by `from_layout`) to `to_layout`; points without a match
// stay at their `to_layout` position.
Eigen::MatrixXf interpolate_layout(const MapPoints& points, const Eigen::MatrixXf& to_layout, const MapPoints& from,
                                   const Eigen::MatrixXf& from_layout, double t);

// "valid 3.1 % · exact 20.4 %" for a caption.
std::string scores_text(const metrics::Scores& s);

}  // namespace rssviz::experiment
