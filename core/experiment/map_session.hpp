// What the workbench shows for one model: the map points and their layout, the test
// results, the readout and its unit ranking, the learning stages and the training curve.
// Built by the core (workbench.hpp, explore.hpp); the GUI only draws it. Immutable once
// built and shared by pointer, so the GUI thread and a job never race on it.
#pragma once
#include <Eigen/Core>
#include <memory>
#include <string>
#include <vector>

#include "core/corpus/dataset.hpp"
#include "core/experiment/rssviz_map.hpp"
#include "core/metrics/metrics.hpp"

namespace rssviz::esn {
class Reservoir;
}
namespace rssviz::lstm {
template <class T>
class BasicLstm;
using Lstm = BasicLstm<double>;
}  // namespace rssviz::lstm

namespace rssviz::experiment {

enum class ModelKind { esn, lstm };

// One frame of the learning-stage timeline.
struct LearningStage {
  std::string label;                        // "after 100 sentences", "epoch 3"
  double x = 0.0;                           // training sentences seen (ESN) or epoch (LSTM)
  std::shared_ptr<const MapPoints> points;  // this stage's states (LSTM); null: the session's points (ESN)
  Eigen::MatrixXf layout;                   // points x 2 (LSTM, aligned to the previous frame); empty: the session's
  Eigen::MatrixXf outputs;                  // readout at every point of this stage: points x outputs
  std::vector<int> codes;                   // per-point error code at this stage
  metrics::Scores scores;                   // test-set scores of this stage's model
  Eigen::MatrixXd readout;                  // this stage's readout (ESN: Wout after k sentences; LSTM: W_y); empty: none kept
  std::shared_ptr<const lstm::Lstm> lstm;   // LSTM: the network after this epoch (the analyses rerun it); null for the ESN
};

// Errors against training progress (ESN: sentences; LSTM: epochs, with the loss).
struct TrainingCurve {
  std::string x_label;               // "training sentences" or "epoch"
  std::vector<double> x;             // abscissa
  std::vector<double> loss;          // training loss (LSTM only; empty for the ESN)
  std::vector<double> valid_error;   // validation (LSTM) or test (ESN) valid error
  std::vector<double> exact_error;   // validation (LSTM) or test (ESN) exact error
};

struct MapSession {
  ModelKind model = ModelKind::esn;
  bool trained = false;                         // false: untrained reservoir (exploration), no readout
  std::shared_ptr<const corpus::Corpus> corpus;
  std::shared_ptr<const MapPoints> points;      // states of the chosen test sentences
  Eigen::MatrixXf layout;                       // points x 2: the UMAP of `points`
  // The map's neighbour lists (null: not kept, e.g. a session read from a file): the live
  // sliders' first update after training descends from them instead of searching anew.
  std::shared_ptr<const umap::KnnGraph> knn;
  bool preview = false;  // a drag frame of the live sliders: a subset of the map's sentences (explore.hpp)
  std::vector<metrics::SentenceResult> results; // per test sentence, empty when untrained
  metrics::Scores scores;                       // test scores when trained
  Eigen::MatrixXd readout;                      // Wout: outputs x state width, empty when untrained
  std::vector<int> unit_order;                  // units by decreasing readout importance (index order when untrained)
  std::vector<LearningStage> stages;            // learning-stage frames, oldest first
  // The model itself, so the analyses (experiment/unit_analysis.hpp) can run any test
  // sentence, not only the map's: the reservoir (ESN, trained or explored) or the final
  // network (LSTM). Null in sessions built without it (then only the map's sentences).
  std::shared_ptr<const esn::Reservoir> reservoir;
  std::shared_ptr<const lstm::Lstm> lstm;
  TrainingCurve curve;
  std::string description;                      // one line for the status bar and window title
  std::string diagnostic;                       // expected numerical trouble met while building (a diverged
                                                // training), shown to the user; empty when none
  double seconds = 0.0;                         // wall time the session took to build
};

}  // namespace rssviz::experiment
