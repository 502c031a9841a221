#include "ui/analysis_panel.hpp"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>

namespace rssviz::ui {

AnalysisPanel::AnalysisPanel(Workspace* ws, AnalysisPlot* plot, int controls, QWidget* parent)
    : QWidget(parent), ws_(ws), plot_(plot) {
  auto* lay = new QVBoxLayout(this);
  lay->setContentsMargins(4, 4, 4, 4);
  lay->setSpacing(2);
  auto* bar = new QHBoxLayout;
  if (controls & kUnitSet) {
    units_ = new QComboBox;
    units_->setObjectName("analysisUnits");
    units_->addItems({tr("Polyvalent units"), tr("Top 10 of the output"), tr("By hand"), tr("All units")});
    units_->setToolTip(tr("Which units to follow: the polyvalent ones (paper), the 10 largest |w| of the chosen "
                          "output, units typed by hand, or all"));
    hand_ = new QLineEdit;
    hand_->setObjectName("analysisHandUnits");
    hand_->setPlaceholderText(tr("units: 3, 17, 250"));
    hand_->setMaximumWidth(140);
    bar->addWidget(units_);
    bar->addWidget(hand_);
    connect(units_, &QComboBox::currentIndexChanged, this, &AnalysisPanel::apply);
    connect(hand_, &QLineEdit::editingFinished, this, &AnalysisPanel::apply);
  }
  if (controls & kOutput) {
    output_ = new QComboBox;
    output_->setObjectName("analysisOutput");
    output_->setToolTip(tr("The output shown in colour (winglet) or whose top units are followed"));
    output_->setMinimumContentsLength(16);
    bar->addWidget(output_);
    connect(output_, &QComboBox::currentIndexChanged, this, &AnalysisPanel::apply);
  }
  if (controls & kMinOutputs) {
    k_ = new QSpinBox;
    k_->setObjectName("analysisMinOutputs");
    k_->setRange(1, 44);
    k_->setPrefix(tr("k = "));
    k_->setToolTip(tr("A unit is polyvalent when it is among the 5 most positive or 5 most negative weights of at "
                      "least k outputs (paper: 5)"));
    bar->addWidget(k_);
    connect(k_, &QSpinBox::valueChanged, this, &AnalysisPanel::apply);
  }
  if (controls & kScale) {
    scale_ = new QComboBox;
    scale_->setObjectName("analysisScale");
    scale_->addItems({tr("Softmax (decoder, 1.3/k)"), tr("Raw outputs"), tr("Sigmoid (0.5)")});
    scale_->setToolTip(tr("How the outputs are drawn: the decoder's softmax per group with its threshold 1.3/k, the "
                          "raw readout, or a sigmoid per output (the authors' view for final learning)"));
    bar->addWidget(scale_);
    connect(scale_, &QComboBox::currentIndexChanged, this, &AnalysisPanel::apply);
  }
  if (controls & kInfluence) {
    sentences_ = new QSpinBox;
    sentences_->setObjectName("analysisSentences");
    sentences_->setRange(1, 1000);
    sentences_->setSuffix(tr(" sentences"));
    sentences_->setToolTip(tr("How many of the map's test sentences the influence is measured over"));
    seed_ = new QSpinBox;
    seed_->setObjectName("analysisSeed");
    seed_->setRange(0, 1000000);
    seed_->setPrefix(tr("seed "));
    seed_->setToolTip(tr("Which sentences"));
    bar->addWidget(sentences_);
    bar->addWidget(seed_);
    connect(sentences_, &QSpinBox::editingFinished, this, &AnalysisPanel::apply);
    connect(seed_, &QSpinBox::editingFinished, this, &AnalysisPanel::apply);
  }
  bar->addStretch(1);
  lay->addLayout(bar);
  lay->addWidget(plot_, 1);
  connect(ws_, &Workspace::analysisChanged, this, &AnalysisPanel::syncFromWorkspace);
  connect(ws_, &Workspace::sessionChanged, this, &AnalysisPanel::syncFromWorkspace);
  syncFromWorkspace();
}

void AnalysisPanel::syncFromWorkspace() {
  syncing_ = true;
  const auto& a = ws_->analysis();
  if (units_) {
    const QSignalBlocker b(units_);
    const int i = a.units.kind == experiment::UnitSetKind::kPolyvalent     ? 0
                  : a.units.kind == experiment::UnitSetKind::kTopForOutput ? 1
                  : a.units.kind == experiment::UnitSetKind::kByHand       ? 2
                                                                            : 3;
    units_->setCurrentIndex(i);
    // Only on a change: a needless setVisible relayouts the window on every session.
    if (hand_->isHidden() == (i == 2)) hand_->setVisible(i == 2);
  }
  if (output_) {
    const QSignalBlocker b(output_);
    const auto& s = ws_->session();
    if (s && s->corpus && output_->count() != s->corpus->grammar.output_size()) {
      output_->clear();
      for (int o = 0; o < s->corpus->grammar.output_size(); ++o)
        output_->addItem(QString::fromStdString(s->corpus->grammar.output_name(o)));
    }
    output_->setCurrentIndex(a.output);
  }
  if (k_) {
    const QSignalBlocker b(k_);
    k_->setValue(a.units.polyvalent.min_outputs);
  }
  if (scale_) {
    const QSignalBlocker b(scale_);
    scale_->setCurrentIndex(static_cast<int>(a.scale));
  }
  if (sentences_) {
    const QSignalBlocker b1(sentences_), b2(seed_);
    sentences_->setValue(a.influence.sentences);
    seed_->setValue(static_cast<int>(a.influence.seed));
  }
  syncing_ = false;
}

void AnalysisPanel::apply() {
  if (syncing_) return;
  auto a = ws_->analysis();
  if (units_) {
    const int i = units_->currentIndex();
    a.units.kind = i == 0 ? experiment::UnitSetKind::kPolyvalent
                   : i == 1 ? experiment::UnitSetKind::kTopForOutput
                   : i == 2 ? experiment::UnitSetKind::kByHand
                            : experiment::UnitSetKind::kAll;
    if (hand_->isHidden() == (i == 2)) hand_->setVisible(i == 2);
    a.units.units.clear();
    const int n = ws_->points() ? ws_->points()->units() : 0;
    for (const QString& t : hand_->text().split(QRegularExpression("[,; ]+"), Qt::SkipEmptyParts)) {
      bool ok = false;
      const int u = t.toInt(&ok);
      if (ok && u >= 0 && u < n) a.units.units.push_back(u);
    }
  }
  if (output_ && output_->currentIndex() >= 0) {
    a.output = output_->currentIndex();
    a.units.output = a.output;
  }
  if (k_) a.units.polyvalent.min_outputs = k_->value();
  if (scale_) a.scale = static_cast<analysis::OutputScale>(scale_->currentIndex());
  if (sentences_) {
    a.influence.sentences = sentences_->value();
    a.influence.seed = static_cast<std::uint64_t>(seed_->value());
  }
  ws_->setAnalysis(a);
}

}  // namespace rssviz::ui
