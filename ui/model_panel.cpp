#include "ui/model_panel.hpp"

#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QStackedWidget>
#include <QStyle>
#include <QVBoxLayout>
#include <cmath>

#include "ui/param_slider.hpp"

namespace rssviz::ui {

namespace {
QSpinBox* spin(int lo, int hi, int v, const QString& tip, const char* name) {
  auto* s = new QSpinBox;
  s->setRange(lo, hi);
  s->setValue(v);
  s->setToolTip(tip);
  s->setObjectName(name);
  s->setKeyboardTracking(false);
  return s;
}
}  // namespace

ModelPanel::ModelPanel(QWidget* parent) : QWidget(parent) {
  setObjectName("modelPanel");
  const ModelSettings d;
  auto* lay = new QVBoxLayout(this);
  lay->setContentsMargins(6, 6, 6, 6);

  auto* common = new QFormLayout;
  common->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  model_ = new QComboBox;
  model_->setObjectName("modelType");
  model_->addItems({tr("Echo State Network"), tr("LSTM")});
  model_->setToolTip(tr("Model to train: a random fixed reservoir with a trained linear readout (ESN) or a "
                        "20-unit LSTM trained by backpropagation"));
  objects_ = spin(1, 50, d.objects, tr("Number of objects in the corpus (4 = the paper's basic corpus)"), "objects");
  seed_ = spin(0, 1000000, static_cast<int>(d.seed), tr("Master seed: corpus split, weights and UMAP streams"), "seed");
  sentences_ = spin(10, 1000, d.map_sentences, tr("Test sentences drawn on the map (the paper uses 200)"), "mapSentences");
  common->addRow(tr("Model"), model_);
  corpus_ = new QLabel;
  corpus_->setObjectName("corpusName");
  corpus_->setText(tr("CSL grammar"));
  common->addRow(tr("Corpus"), corpus_);
  common->addRow(tr("Objects"), objects_);
  common->addRow(tr("Seed"), seed_);
  common->addRow(tr("Map sentences"), sentences_);
  lay->addLayout(common);

  stack_ = new QStackedWidget;
  auto* esn = new QGroupBox(tr("Reservoir"));
  auto* ef = new QFormLayout(esn);
  ef->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  sr_ = new ParamSlider(0.01, 3.0, d.spectral_radius, false, 3);
  sr_->setObjectName("spectralRadius");
  sr_->setToolTips(tr("Spectral radius of W (0.01-3): above ~1 the reservoir keeps a longer, more chaotic memory. "
                      "Dragging redraws the untrained map live."));
  lr_ = new ParamSlider(0.001, 1.0, d.leak_rate, true, 4);
  lr_->setObjectName("leakRate");
  lr_->setToolTips(tr("Leak rate a (0.001-1, logarithmic): smaller = slower, smoother states. Dragging redraws live."));
  is_ = new ParamSlider(0.01, 5.0, d.input_scaling, true, 3);
  is_->setObjectName("inputScaling");
  is_->setToolTips(tr("Input scaling of Win (0.01-5, logarithmic): larger drives the units harder into tanh "
                      "saturation. Dragging redraws live."));
  units_ = new ParamSlider(10, 3000, d.units, true, 0);
  units_->setObjectName("units");
  units_->setToolTips(tr("Reservoir units (10-3000); the paper uses 1000"));
  density_ = new ParamSlider(0.01, 1.0, d.density, false, 2);
  density_->setObjectName("density");
  density_->setToolTips(tr("Fraction of non-zero recurrent weights (paper 0.85)"));
  ridge_ = new ParamSlider(1e-8, 10.0, d.ridge, true, 8);
  ridge_->setObjectName("ridge");
  ridge_->setToolTips(tr("Ridge regularisation lambda of the readout (logarithmic; paper 10^-3.5): larger = smoother readout"));
  ef->addRow(tr("Spectral radius"), sr_);
  ef->addRow(tr("Leak rate"), lr_);
  ef->addRow(tr("Input scaling"), is_);
  ef->addRow(tr("Units"), units_);
  ef->addRow(tr("Density"), density_);
  ef->addRow(tr("Ridge"), ridge_);
  auto* hint = new QLabel(tr("Drag spectral radius, leak rate or input scaling to explore the untrained "
                             "reservoir live; Train fits the readout."));
  hint->setWordWrap(true);
  hint->setStyleSheet("color: #666; font-size: 9pt");
  ef->addRow(hint);
  stack_->addWidget(esn);

  auto* lstm = new QGroupBox(tr("LSTM"));
  auto* lf = new QFormLayout(lstm);
  hidden_ = spin(2, 256, d.hidden, tr("Hidden (cell) units; the paper uses 20"), "hiddenUnits");
  epochs_ = spin(1, 500, d.epochs, tr("Training epochs (paper 35); one learning stage per epoch"), "epochs");
  batch_ = spin(1, 256, d.batch, tr("Sentences per Adam step (paper 2)"), "batchSize");
  lstm_lr_ = new ParamSlider(1e-5, 1e-1, d.learning_rate, true, 5);
  lstm_lr_->setObjectName("learningRate");
  lstm_lr_->setToolTips(tr("Adam learning rate (logarithmic; paper 1e-3)"));
  lf->addRow(tr("Hidden units"), hidden_);
  lf->addRow(tr("Epochs"), epochs_);
  lf->addRow(tr("Batch size"), batch_);
  lf->addRow(tr("Learning rate"), lstm_lr_);
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
  for (auto* p : {sr_, lr_, is_}) connect(p, &ParamSlider::valueChanged, this, &ModelPanel::exploreRequested);
  connect(train_, &QPushButton::clicked, this, &ModelPanel::trainRequested);
  connect(stop_, &QPushButton::clicked, this, &ModelPanel::stopRequested);
}

ModelSettings ModelPanel::settings() const {
  ModelSettings s;
  s.model = model_->currentIndex() == 0 ? experiment::ModelKind::esn : experiment::ModelKind::lstm;
  s.objects = objects_->value();
  s.corpus_file = corpus_file_;
  s.seed = static_cast<std::uint64_t>(seed_->value());
  s.map_sentences = sentences_->value();
  s.spectral_radius = sr_->value();
  s.leak_rate = lr_->value();
  s.input_scaling = is_->value();
  s.units = static_cast<int>(std::lround(units_->value()));
  s.density = density_->value();
  s.ridge = ridge_->value();
  s.hidden = hidden_->value();
  s.epochs = epochs_->value();
  s.batch = batch_->value();
  s.learning_rate = lstm_lr_->value();
  return s;
}

void ModelPanel::setSettings(const ModelSettings& s) {
  const QSignalBlocker b0(model_), b1(sr_), b2(lr_), b3(is_);
  model_->setCurrentIndex(s.model == experiment::ModelKind::esn ? 0 : 1);
  stack_->setCurrentIndex(model_->currentIndex());
  objects_->setValue(s.objects);
  corpus_file_ = s.corpus_file;
  objects_->setEnabled(!corpus_file_);  // a corpus file brings its own objects
  if (corpus_file_) {
    const auto& id = corpus_file_->identity;
    corpus_->setText(QString::fromStdString(corpus::corpus_label(s.objects, corpus_file_)));
    corpus_->setToolTip(tr("%1\n%2 objects, %3 words, %4 training and %5 test sentences\nSHA-256 %6")
                            .arg(QString::fromStdString(id.path))
                            .arg(corpus_file_->grammar.objects())
                            .arg(corpus_file_->grammar.vocabulary_size())
                            .arg(corpus_file_->train.size())
                            .arg(corpus_file_->test.size())
                            .arg(QString::fromStdString(id.sha256)));
  } else {
    corpus_->setText(tr("CSL grammar"));
    corpus_->setToolTip(tr("The paper's grammar with Objects objects (File > Open corpus… loads your own)"));
  }
  seed_->setValue(static_cast<int>(s.seed));
  sentences_->setValue(s.map_sentences);
  sr_->setValue(s.spectral_radius);
  lr_->setValue(s.leak_rate);
  is_->setValue(s.input_scaling);
  units_->setValue(s.units);
  density_->setValue(s.density);
  ridge_->setValue(s.ridge);
  hidden_->setValue(s.hidden);
  epochs_->setValue(s.epochs);
  batch_->setValue(s.batch);
  lstm_lr_->setValue(s.learning_rate);
}

void ModelPanel::setBusy(bool busy) { stop_->setEnabled(busy); }

}  // namespace rssviz::ui
