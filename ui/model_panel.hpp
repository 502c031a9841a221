// Model panel: model type, corpus size, seed, the ESN's and the LSTM's hyperparameters,
// Train and Stop. Moving the spectral radius, leak rate or input scaling asks for a live
// exploration of the untrained reservoir.
#pragma once
#include <QWidget>
#include <cstdint>
#include <memory>

#include "core/corpus/corpus_file.hpp"
#include "core/experiment/map_session.hpp"

class QComboBox;
class QLabel;
class QSpinBox;
class QDoubleSpinBox;
class QPushButton;
class QStackedWidget;

namespace rssviz::ui {

class ParamSlider;

// The panel's values, plain (converted to the core's options structs by the jobs).
struct ModelSettings {
  experiment::ModelKind model = experiment::ModelKind::esn;
  int objects = 4;             // corpus: number of objects (4 = basic corpus)
  std::shared_ptr<const corpus::CorpusFile> corpus_file;  // File > Open corpus…: used in place of `objects` (null: the paper's grammar)
  std::uint64_t seed = 1;      // master seed
  int map_sentences = 200;     // test sentences on the map
  // ESN (paper values)
  int units = 1000;
  double spectral_radius = 1.1;
  double leak_rate = 0.05;
  double input_scaling = 1.0;
  double density = 0.85;
  double ridge = 3.1622776601683795e-4;  // 10^-3.5
  // LSTM (paper values)
  int hidden = 20;
  int epochs = 35;
  int batch = 2;
  double learning_rate = 1e-3;
};

class ModelPanel : public QWidget {
  Q_OBJECT
 public:
  explicit ModelPanel(QWidget* parent = nullptr);
  ModelSettings settings() const;
  void setSettings(const ModelSettings& s);  // no signals
  void setBusy(bool busy);

  ParamSlider* spectralRadius() const { return sr_; }
  ParamSlider* leakRate() const { return lr_; }
  ParamSlider* inputScaling() const { return is_; }
  QPushButton* trainButton() const { return train_; }
  QPushButton* stopButton() const { return stop_; }
  QComboBox* modelBox() const { return model_; }

 signals:
  void exploreRequested();  // spectral radius, leak rate or input scaling moved
  void trainRequested();
  void stopRequested();
  void modelChanged();

 private:
  QComboBox* model_;
  QSpinBox* objects_;
  QLabel* corpus_;  // the corpus file's name, or the paper's grammar
  std::shared_ptr<const corpus::CorpusFile> corpus_file_;
  QSpinBox* seed_;
  QSpinBox* sentences_;
  QStackedWidget* stack_;
  ParamSlider *sr_, *lr_, *is_, *units_, *density_, *ridge_;
  QSpinBox *hidden_, *epochs_, *batch_;
  ParamSlider* lstm_lr_;
  QPushButton* train_;
  QPushButton* stop_;
};

}  // namespace rssviz::ui
