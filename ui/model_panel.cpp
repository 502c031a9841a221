#include "ui/model_panel.hpp"

#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QStackedWidget>
#include <QStyle>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <type_traits>
#include <utility>

#include "ui/param_slider.hpp"

namespace rssviz::ui {

void ModelSettings::setSeed(std::uint64_t seed) {
  reservoir.seed = seed;
  lstm.seed = seed;
  trainer.seed = seed;
}

namespace {

using Field = SettingField;
using G = SettingField::Group;
using W = SettingField::Widget;

// get / set of a member of ModelSettings, or of a member of one of its structs.
template <class T>
double read(T v) {
  return static_cast<double>(v);
}
template <class T>
T written(double v) {
  if constexpr (std::is_floating_point_v<T>) return static_cast<T>(v);
  else return static_cast<T>(std::llround(v));
}
template <class T>
std::pair<std::function<double(const ModelSettings&)>, std::function<void(ModelSettings&, double)>> member(
    T ModelSettings::*m) {
  return {[m](const ModelSettings& s) { return read(s.*m); }, [m](ModelSettings& s, double v) { s.*m = written<T>(v); }};
}
template <class P, class T>
std::pair<std::function<double(const ModelSettings&)>, std::function<void(ModelSettings&, double)>> member(
    P ModelSettings::*p, T P::*m) {
  return {[p, m](const ModelSettings& s) { return read(s.*p.*m); },
          [p, m](ModelSettings& s, double v) { s.*p.*m = written<T>(v); }};
}

Field row(const char* label, const char* name, G g, W w, double lo, double hi, int decimals, bool explores, const char* tip,
          std::pair<std::function<double(const ModelSettings&)>, std::function<void(ModelSettings&, double)>> at) {
  return {label, name, g, w, lo, hi, decimals, explores, tip, std::move(at.first), std::move(at.second)};
}

using M = ModelSettings;
using R = esn::ReservoirOptions;
constexpr bool kLive = true;  // the slider redraws the untrained map while it moves

}  // namespace

const std::vector<SettingField>& settingFields() {
  // One row per control: label, widget name, group, widget, range, decimals, live, tooltip, the member it edits.
  static const std::vector<SettingField> fields = {
      row(QT_TRANSLATE_NOOP("rssviz::ui::ModelPanel", "Objects"), "objects", G::common, W::spin, 1, corpus::kMaxObjects, 0, false,
          QT_TRANSLATE_NOOP("rssviz::ui::ModelPanel", "Number of objects in the corpus (4 = the paper's basic corpus)"),
          member(&M::objects)),
      row(QT_TRANSLATE_NOOP("rssviz::ui::ModelPanel", "Seed"), "seed", G::common, W::spin, 0, 1000000, 0, false,
          QT_TRANSLATE_NOOP("rssviz::ui::ModelPanel",
                            "Master seed: the corpus split and the model's weights (the map's UMAP keeps the paper's "
                            "fixed seed 42, so a map changes only when the states do)"),
          {[](const M& s) { return static_cast<double>(s.seed()); },
           [](M& s, double v) { s.setSeed(static_cast<std::uint64_t>(std::llround(v))); }}),
      row(QT_TRANSLATE_NOOP("rssviz::ui::ModelPanel", "Map sentences"), "mapSentences", G::common, W::spin, 10, 1000, 0, false,
          QT_TRANSLATE_NOOP("rssviz::ui::ModelPanel", "Test sentences drawn on the map (10-1000; the paper uses 200)"),
          member(&M::map_sentences)),
      row(QT_TRANSLATE_NOOP("rssviz::ui::ModelPanel", "Spectral radius"), "spectralRadius", G::reservoir, W::slider, 0.01, 3.0, 3,
          kLive,
          QT_TRANSLATE_NOOP("rssviz::ui::ModelPanel",
                            "Spectral radius of W (0.01-3): above ~1 the reservoir keeps a longer, more chaotic memory. "
                            "Dragging redraws the untrained map live."),
          member(&M::reservoir, &R::spectral_radius)),
      row(QT_TRANSLATE_NOOP("rssviz::ui::ModelPanel", "Leak rate"), "leakRate", G::reservoir, W::log_slider, 0.001, 1.0, 4, kLive,
          QT_TRANSLATE_NOOP("rssviz::ui::ModelPanel",
                            "Leak rate a (0.001-1, logarithmic): smaller = slower, smoother states. Dragging redraws live."),
          member(&M::reservoir, &R::leak_rate)),
      row(QT_TRANSLATE_NOOP("rssviz::ui::ModelPanel", "Input scaling"), "inputScaling", G::reservoir, W::log_slider, 0.01, 5.0, 3,
          kLive,
          QT_TRANSLATE_NOOP("rssviz::ui::ModelPanel",
                            "Input scaling of Win (0.01-5, logarithmic): larger drives the units harder into tanh "
                            "saturation. Dragging redraws live."),
          member(&M::reservoir, &R::input_scaling)),
      row(QT_TRANSLATE_NOOP("rssviz::ui::ModelPanel", "Units"), "units", G::reservoir, W::log_slider, 10, 3000, 0, false,
          QT_TRANSLATE_NOOP("rssviz::ui::ModelPanel", "Reservoir units (10-3000); the paper uses 1000"),
          member(&M::reservoir, &R::units)),
      row(QT_TRANSLATE_NOOP("rssviz::ui::ModelPanel", "Density"), "density", G::reservoir, W::slider, 0.01, 1.0, 2, false,
          QT_TRANSLATE_NOOP("rssviz::ui::ModelPanel", "Fraction of non-zero recurrent weights (paper 0.85)"),
          member(&M::reservoir, &R::density)),
      row(QT_TRANSLATE_NOOP("rssviz::ui::ModelPanel", "Ridge"), "ridge", G::reservoir, W::log_slider, 1e-8, 10.0, 8, false,
          QT_TRANSLATE_NOOP("rssviz::ui::ModelPanel",
                            "Ridge regularisation lambda of the readout (logarithmic; paper 10^-3.5): larger = smoother readout"),
          member(&M::reservoir, &R::ridge)),
      row(QT_TRANSLATE_NOOP("rssviz::ui::ModelPanel", "Hidden units"), "hiddenUnits", G::lstm, W::spin, 2, 256, 0, false,
          QT_TRANSLATE_NOOP("rssviz::ui::ModelPanel", "Hidden (cell) units; the paper uses 20"),
          member(&M::lstm, &lstm::LstmOptions::hidden)),
      row(QT_TRANSLATE_NOOP("rssviz::ui::ModelPanel", "Epochs"), "epochs", G::lstm, W::spin, 1, 500, 0, false,
          QT_TRANSLATE_NOOP("rssviz::ui::ModelPanel", "Training epochs (paper 35); one learning stage per epoch"),
          member(&M::trainer, &lstm::TrainerOptions::epochs)),
      row(QT_TRANSLATE_NOOP("rssviz::ui::ModelPanel", "Batch size"), "batchSize", G::lstm, W::spin, 1, 256, 0, false,
          QT_TRANSLATE_NOOP("rssviz::ui::ModelPanel", "Sentences per Adam step (paper 2)"),
          member(&M::trainer, &lstm::TrainerOptions::batch_size)),
      // Up to the core's limit (lstm::TrainerOptions), so a run-away training can be seen:
      // it stops with a message and keeps the last finite model.
      row(QT_TRANSLATE_NOOP("rssviz::ui::ModelPanel", "Learning rate"), "learningRate", G::lstm, W::log_slider, 1e-5, 10.0, 5,
          false,
          QT_TRANSLATE_NOOP("rssviz::ui::ModelPanel",
                            "Adam learning rate (1e-5 to 10, logarithmic; paper 1e-3). Far too large a rate makes the "
                            "training diverge: it then stops with a message and keeps the last finite model."),
          member(&M::trainer, &lstm::TrainerOptions::learning_rate)),
  };
  return fields;
}

double ModelPanel::Bound::value() const { return spin ? spin->value() : slider->value(); }

void ModelPanel::Bound::show(double v) const {
  if (spin) spin->setValue(static_cast<int>(std::llround(std::clamp(v, field->lo, field->hi))));
  else slider->setValue(v);
}

ModelPanel::ModelPanel(QWidget* parent) : QWidget(parent) {
  setObjectName("modelPanel");
  auto* lay = new QVBoxLayout(this);
  lay->setContentsMargins(6, 6, 6, 6);

  auto* common = new QFormLayout;
  common->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  model_ = new QComboBox;
  model_->setObjectName("modelType");
  model_->addItems({tr("Echo State Network"), tr("LSTM")});
  model_->setToolTip(tr("Model to train: a random fixed reservoir with a trained linear readout (ESN) or a "
                        "20-unit LSTM trained by backpropagation"));
  common->addRow(tr("Model"), model_);
  corpus_ = new QLabel;
  corpus_->setObjectName("corpusName");
  corpus_->setText(tr("CSL grammar"));
  common->addRow(tr("Corpus"), corpus_);
  lay->addLayout(common);

  stack_ = new QStackedWidget;
  auto* esn = new QGroupBox(tr("Reservoir"));
  auto* ef = new QFormLayout(esn);
  ef->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  auto* lstm = new QGroupBox(tr("LSTM"));
  auto* lf = new QFormLayout(lstm);

  // The bound controls, from the table, at the defaults of the core's structs.
  const ModelSettings d;
  for (const SettingField& f : settingFields()) {
    Bound b{&f};
    QWidget* w = nullptr;
    const QString tip = tr(f.tip);
    if (f.widget == SettingField::Widget::spin) {
      b.spin = new QSpinBox;
      b.spin->setRange(static_cast<int>(f.lo), static_cast<int>(f.hi));
      b.spin->setToolTip(tip);
      b.spin->setKeyboardTracking(false);
      w = b.spin;
    } else {
      b.slider = new ParamSlider(f.lo, f.hi, f.get(d), f.widget == SettingField::Widget::log_slider, f.decimals);
      b.slider->setToolTips(tip);
      w = b.slider;
    }
    w->setObjectName(f.name);
    b.show(f.get(d));
    (f.group == SettingField::Group::common ? common : f.group == SettingField::Group::reservoir ? ef : lf)
        ->addRow(tr(f.label), w);
    bound_.push_back(b);
  }
  auto* hint = new QLabel(tr("Drag spectral radius, leak rate or input scaling to explore the untrained "
                             "reservoir live; Train fits the readout."));
  hint->setWordWrap(true);
  hint->setStyleSheet("color: #666; font-size: 9pt");
  ef->addRow(hint);
  stack_->addWidget(esn);
  stack_->addWidget(lstm);
  lay->addWidget(stack_);

  auto* buttons = new QHBoxLayout;
  train_ = new QPushButton(style()->standardIcon(QStyle::SP_MediaPlay), tr("Train"));
  train_->setObjectName("trainButton");
  train_->setToolTip(tr("Build the model with these settings, train it, evaluate it and draw its map (Ctrl+T)"));
  train_->setDefault(true);
  stop_ = new QPushButton(style()->standardIcon(QStyle::SP_MediaStop), tr("Stop"));
  stop_->setObjectName("stopButton");
  stop_->setToolTip(tr("Cancel the running job (Esc)"));
  stop_->setEnabled(false);
  buttons->addWidget(train_);
  buttons->addWidget(stop_);
  lay->addLayout(buttons);
  lay->addStretch(1);

  connect(model_, &QComboBox::currentIndexChanged, this, [this](int i) {
    stack_->setCurrentIndex(i);
    emit modelChanged();
  });
  // Every control reports its edits; a slider reports its drag once, on release.
  connect(model_, &QComboBox::currentIndexChanged, this, &ModelPanel::commitEdit);
  for (const Bound& b : bound_) {
    if (b.spin) {
      connect(b.spin, &QSpinBox::valueChanged, this, &ModelPanel::commitEdit);
      continue;
    }
    if (b.field->explores) {
      connect(b.slider, &ParamSlider::valueChanged, this, &ModelPanel::exploreRequested);
      connect(b.slider->slider(), &QSlider::sliderReleased, this, &ModelPanel::exploreReleased);
    }
    connect(b.slider, &ParamSlider::valueChanged, this, &ModelPanel::commitEdit);
    connect(b.slider->slider(), &QSlider::sliderReleased, this, &ModelPanel::commitEdit);
  }
  committed_ = settings();
  connect(train_, &QPushButton::clicked, this, &ModelPanel::trainRequested);
  connect(stop_, &QPushButton::clicked, this, &ModelPanel::stopRequested);
}

QWidget* ModelPanel::widgetOf(const char* name) const {
  for (const Bound& b : bound_)
    if (std::strcmp(b.field->name, name) == 0) return b.spin ? static_cast<QWidget*>(b.spin) : b.slider;
  return nullptr;
}

ParamSlider* ModelPanel::spectralRadius() const { return qobject_cast<ParamSlider*>(widgetOf("spectralRadius")); }
ParamSlider* ModelPanel::leakRate() const { return qobject_cast<ParamSlider*>(widgetOf("leakRate")); }
ParamSlider* ModelPanel::inputScaling() const { return qobject_cast<ParamSlider*>(widgetOf("inputScaling")); }

bool ModelPanel::dragging() const {
  for (const Bound& b : bound_)
    if (b.slider && b.slider->slider()->isSliderDown()) return true;
  return false;
}

void ModelPanel::commitEdit() {
  if (dragging()) return;  // the release commits the whole drag
  const ModelSettings now = settings();
  if (now == committed_) return;
  const ModelSettings before = committed_;
  committed_ = now;
  emit edited(before, now);
}

ModelSettings ModelPanel::settings() const {
  ModelSettings s = base_;
  s.model = model_->currentIndex() == 0 ? experiment::ModelKind::esn : experiment::ModelKind::lstm;
  for (const Bound& b : bound_) b.field->set(s, b.value());
  return s;
}

void ModelPanel::setSettings(const ModelSettings& s) {
  std::vector<std::unique_ptr<QSignalBlocker>> blocked;
  blocked.push_back(std::make_unique<QSignalBlocker>(model_));
  for (const Bound& b : bound_)
    blocked.push_back(std::make_unique<QSignalBlocker>(b.spin ? static_cast<QObject*>(b.spin) : b.slider));
  base_ = s;
  model_->setCurrentIndex(s.model == experiment::ModelKind::esn ? 0 : 1);
  stack_->setCurrentIndex(model_->currentIndex());
  for (const Bound& b : bound_) b.show(b.field->get(s));
  widgetOf("objects")->setEnabled(!s.corpus_file);  // a corpus file brings its own objects
  if (s.corpus_file) {
    const auto& id = s.corpus_file->identity;
    corpus_->setText(QString::fromStdString(corpus::corpus_label(s.objects, s.corpus_file)));
    corpus_->setToolTip(tr("%1\n%2 objects, %3 words, %4 training and %5 test sentences\nSHA-256 %6")
                            .arg(QString::fromStdString(id.path))
                            .arg(s.corpus_file->grammar.objects())
                            .arg(s.corpus_file->grammar.vocabulary_size())
                            .arg(s.corpus_file->train.size())
                            .arg(s.corpus_file->test.size())
                            .arg(QString::fromStdString(id.sha256)));
  } else {
    corpus_->setText(tr("CSL grammar"));
    corpus_->setToolTip(tr("The paper's grammar with Objects objects (File > Open corpus… loads your own)"));
  }
  committed_ = settings();
}

void ModelPanel::setBusy(bool busy) { stop_->setEnabled(busy); }

}  // namespace rssviz::ui
