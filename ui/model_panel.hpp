// Model panel: model type, corpus size, seed, the ESN's and the LSTM's hyperparameters,
// Train and Stop. Moving the spectral radius, leak rate or input scaling asks for a live
// exploration of the untrained reservoir.
#pragma once
#include <QWidget>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "core/corpus/corpus_file.hpp"
#include "core/esn/reservoir.hpp"
#include "core/experiment/map_session.hpp"
#include "core/lstm/lstm.hpp"
#include "core/lstm/trainer.hpp"

class QComboBox;
class QLabel;
class QSpinBox;
class QDoubleSpinBox;
class QPushButton;
class QStackedWidget;

namespace rssviz::ui {

class ParamSlider;

// The panel's values: the core's own option structs, whose defaults are the paper's
// settings (no value is copied here), plus what the window adds around them. The jobs hand
// them to the core unchanged (session_jobs.hpp), only setting the thread counts.
struct ModelSettings {
  experiment::ModelKind model = experiment::ModelKind::esn;
  int objects = corpus::CorpusOptions{}.objects;  // corpus: the paper's grammar with this many objects (4: the basic corpus)
  std::shared_ptr<const corpus::CorpusFile> corpus_file;  // File > Open corpus…: used in place of `objects` (null: the paper's grammar)
  int map_sentences = experiment::kPaperMapSentences;     // test sentences on the map
  esn::ReservoirOptions reservoir;  // the ESN; reservoir.seed is the master seed (setSeed)
  lstm::LstmOptions lstm;           // the LSTM's size and initialisation
  lstm::TrainerOptions trainer;     // the LSTM's training (epochs, batch, Adam)

  // The master seed: the corpus split and every weight stream of both models (W, Win and
  // bias; the LSTM's initialisation and shuffling), as the paper's protocol seeds them. The
  // map's UMAP keeps its own seed (experiment::paper_map_umap).
  std::uint64_t seed() const { return reservoir.seed; }
  // The one place the master seed is set: reservoir.seed, lstm.seed and trainer.seed.
  void setSeed(std::uint64_t seed);
  bool operator==(const ModelSettings&) const = default;
};

// One control of the panel bound to one member of ModelSettings (usually a field of one of
// its core structs). Every bound value is a number a double holds exactly (the integer
// fields are far below 2^53), so a binding reads and writes doubles. The panel builds its
// widgets from these, and settings(), setSettings(), the change detection, edited() and the
// Edit menu's text all go through them: adding a parameter is one row of settingFields().
struct SettingField {
  enum class Group { common, reservoir, lstm };  // where the control sits
  enum class Widget { spin, slider, log_slider };  // QSpinBox (whole numbers) or ParamSlider (linear, logarithmic)
  const char* label;  // form label and Edit menu text (untranslated; ModelPanel::tr)
  const char* name;   // the widget's objectName
  Group group;
  Widget widget;
  double lo, hi;      // the control's range
  int decimals;       // ParamSlider: digits shown; 0 with a whole-number field
  bool explores;      // moving it redraws the untrained reservoir's map live
  const char* tip;    // tooltip (untranslated)
  std::function<double(const ModelSettings&)> get;
  std::function<void(ModelSettings&, double)> set;
  bool whole() const { return widget == Widget::spin || decimals == 0; }
};
// Every bound control, in the panel's order.
const std::vector<SettingField>& settingFields();

class ModelPanel : public QWidget {
  Q_OBJECT
 public:
  explicit ModelPanel(QWidget* parent = nullptr);
  ModelSettings settings() const;
  void setSettings(const ModelSettings& s);  // no signals (edited() included)
  void setBusy(bool busy);
  // True while the user holds one of the sliders down (a drag in progress).
  bool dragging() const;

  ParamSlider* spectralRadius() const;
  ParamSlider* leakRate() const;
  ParamSlider* inputScaling() const;
  QPushButton* trainButton() const { return train_; }
  QPushButton* stopButton() const { return stop_; }
  QComboBox* modelBox() const { return model_; }

 signals:
  void exploreRequested();  // spectral radius, leak rate or input scaling moved (dragging() says if by a drag)
  void exploreReleased();   // a drag of one of them ended (the drag frames may have been previews)
  void trainRequested();
  void stopRequested();
  void modelChanged();
  // The user changed the settings from `before` to `after`: once per edit of a field, once
  // per whole slider drag (on release). The undo stack records these.
  void edited(const ModelSettings& before, const ModelSettings& after);

 private:
  // A bound control: a QSpinBox or a ParamSlider (the other null) and its field.
  struct Bound {
    const SettingField* field;
    QSpinBox* spin = nullptr;
    ParamSlider* slider = nullptr;
    double value() const;
    void show(double v) const;  // signals blocked by the caller
  };
  QWidget* widgetOf(const char* name) const;
  QComboBox* model_;
  QLabel* corpus_;  // the corpus file's name, or the paper's grammar
  QStackedWidget* stack_;
  std::vector<Bound> bound_;
  QPushButton* train_;
  QPushButton* stop_;
  ModelSettings base_;       // the last setSettings(): the fields the panel does not show come from it
  ModelSettings committed_;  // the settings of the last edited() (or setSettings)
  void commitEdit();
};

}  // namespace rssviz::ui
