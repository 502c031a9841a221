#include "ui/animation_dialog.hpp"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStackedWidget>
#include <QVBoxLayout>

#include "ui/session_jobs.hpp"

namespace rssviz::ui {

namespace {
QHBoxLayout* row(std::initializer_list<QWidget*> ws) {
  auto* h = new QHBoxLayout;
  for (auto* w : ws) h->addWidget(w);
  h->addStretch(1);
  return h;
}
QDoubleSpinBox* number(double lo, double hi, double v, int decimals) {
  auto* s = new QDoubleSpinBox;
  s->setRange(lo, hi);
  s->setDecimals(decimals);
  s->setValue(v);
  return s;
}
}  // namespace

AnimationDialog::AnimationDialog(const ModelSettings& model, const Workspace* ws, QWidget* parent)
    : QDialog(parent), model_(model), ws_(ws) {
  setObjectName("animationDialog");
  setWindowTitle(tr("Export animation"));
  auto* top = new QVBoxLayout(this);
  auto* form = new QFormLayout;
  top->addLayout(form);
  kind_ = new QComboBox;
  kind_->setObjectName("animationKind");
  kind_->addItems({tr("ESN learning stages: readout after k training sentences"),
                   tr("LSTM learning stages: one map per epoch"),
                   tr("Sweep of the untrained reservoir")});
  kind_->setCurrentIndex(model.model == experiment::ModelKind::esn ? 0 : 1);
  form->addRow(tr("Animate"), kind_);

  range_ = new QStackedWidget;
  const experiment::AnimationOptions d;  // the core's defaults
  readout_frames_ = new QSpinBox;
  readout_frames_->setRange(1, 1000);
  readout_frames_->setValue(d.readout_frames);
  readout_frames_->setToolTip(tr("Frames; k is log-spaced from 1 to 1000 training sentences"));
  auto* p0 = new QWidget;
  p0->setLayout(row({new QLabel(tr("Frames")), readout_frames_, new QLabel(tr("(k log-spaced, 1 to 1000)"))}));
  between_ = new QSpinBox;
  between_->setRange(0, 30);
  between_->setValue(3);  // the window's choice (the core's default is none): points glide
  between_->setToolTip(tr("Interpolated frames between consecutive epochs, so points glide instead of jumping"));
  auto* p1 = new QWidget;
  p1->setLayout(row({new QLabel(tr("In-between frames")), between_}));
  sweep_param_ = new QComboBox;
  sweep_param_->addItems({tr("spectral radius"), tr("leak rate"), tr("input scaling")});
  sweep_from_ = number(0.0, 1e6, d.sweep.from, 3);
  sweep_to_ = number(0.0, 1e6, d.sweep.to, 3);
  sweep_frames_ = new QSpinBox;
  sweep_frames_->setRange(2, 1000);
  sweep_frames_->setValue(d.sweep.frames);
  sweep_log_ = new QCheckBox(tr("log steps"));
  auto* p2 = new QWidget;
  p2->setLayout(row({sweep_param_, new QLabel(tr("from")), sweep_from_, new QLabel(tr("to")), sweep_to_,
                     new QLabel(tr("in")), sweep_frames_, new QLabel(tr("frames")), sweep_log_}));
  for (auto* p : {p0, p1, p2}) {
    p->layout()->setContentsMargins(0, 0, 0, 0);
    range_->addWidget(p);
  }
  form->addRow(tr("Range"), range_);

  colour_ = new QComboBox;
  colour_->setObjectName("animationColour");
  colour_->addItems({tr("Clause position"), tr("Per-step error code"), tr("Word read"), tr("Output unit activation"),
                     tr("Unit activation")});
  colour_param_ = new QSpinBox;
  colour_param_->setRange(0, 2999);
  colour_param_->setPrefix(tr("index "));
  form->addRow(tr("Colour by"), row({colour_, colour_param_}));
  width_ = new QSpinBox;
  height_ = new QSpinBox;
  for (auto* s : {width_, height_}) s->setRange(16, 16384);
  width_->setValue(800);
  height_->setValue(600);
  fps_ = number(0.1, 100, 4, 1);
  dither_ = number(0, 1, 1, 2);
  dither_->setToolTip(tr("GIF palette dithering: 0 none, 1 full (smooth colour bars without banding)"));
  form->addRow(tr("Size"), row({width_, new QLabel(QStringLiteral("×")), height_, new QLabel(tr("px")),
                                new QLabel(tr("  fps")), fps_, new QLabel(tr("  dithering")), dither_}));
  title_ = new QCheckBox(tr("Title and per-frame caption"));
  title_->setChecked(true);
  form->addRow(QString(), title_);
  gif_ = new QLineEdit("rssviz-animation.gif");
  gif_->setMinimumWidth(360);
  gif_->setObjectName("animationGif");
  auto* browse = new QPushButton(tr("Browse…"));
  connect(browse, &QPushButton::clicked, this, [this] {
    const QString p = QFileDialog::getSaveFileName(this, tr("Animated GIF"), gif_->text(), tr("GIF (*.gif)"));
    if (!p.isEmpty()) gif_->setText(p);
  });
  form->addRow(tr("GIF"), row({gif_, browse}));
  png_dir_ = new QLineEdit;
  png_dir_->setPlaceholderText(tr("optional: a folder for frame-0001.png, …"));
  form->addRow(tr("PNG frames"), png_dir_);
  webp_ = new QLineEdit;
  webp_->setPlaceholderText(figures::webpAvailable() ? tr("optional: file.webp") : tr("not available in this build"));
  webp_->setEnabled(figures::webpAvailable());
  form->addRow(tr("WebP"), webp_);

  auto* preview = new QGroupBox(tr("Preview: first and last frames"));
  auto* pl = new QHBoxLayout(preview);
  first_ = new QLabel;
  last_ = new QLabel;
  for (auto* l : {first_, last_}) {
    l->setMinimumSize(320, 240);
    l->setAlignment(Qt::AlignCenter);
    l->setStyleSheet("background: white; border: 1px solid #ccc; color: #777");
    pl->addWidget(l);
  }
  top->addWidget(preview);
  note_ = new QLabel;
  note_->setWordWrap(true);
  note_->setStyleSheet("color: #666");
  top->addWidget(note_);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel);
  auto* go = buttons->addButton(tr("Export"), QDialogButtonBox::AcceptRole);
  go->setObjectName("animationExport");
  top->addWidget(buttons);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(go, &QPushButton::clicked, this, [this] {
    emit exportRequested();
    accept();
  });
  connect(kind_, &QComboBox::currentIndexChanged, this, &AnimationDialog::kindChanged);
  connect(colour_, &QComboBox::currentIndexChanged, this, &AnimationDialog::updatePreview);
  connect(colour_param_, &QSpinBox::valueChanged, this, &AnimationDialog::updatePreview);
  connect(colour_, &QComboBox::currentIndexChanged, this, [this](int i) {
    colour_param_->setEnabled(i == 3 || i == 4);
    colour_param_->setPrefix(i == 3 ? tr("output ") : tr("unit "));
  });
  colour_->setCurrentIndex(1);
  kindChanged();
}

void AnimationDialog::kindChanged() {
  range_->setCurrentIndex(kind_->currentIndex());
  const bool sweep = kind_->currentIndex() == 2;
  auto* items = qobject_cast<QStandardItemModel*>(colour_->model());
  for (int i : {1, 3})
    if (auto* it = items->item(i)) it->setEnabled(!sweep);
  if (sweep && (colour_->currentIndex() == 1 || colour_->currentIndex() == 3)) colour_->setCurrentIndex(0);
  updatePreview();
}

ColourChoice AnimationDialog::colour() const {
  ColourChoice c;
  c.mode = static_cast<ColourMode>(colour_->currentIndex());
  c.parameter = colour_param_->value();
  return c;
}

experiment::AnimationOptions AnimationDialog::animation() const {
  experiment::AnimationOptions o;
  ModelSettings m = model_;
  switch (kind_->currentIndex()) {
    case 0:
      m.model = experiment::ModelKind::esn;
      o.kind = experiment::AnimationKind::esn_readout;
      o.esn = esnSessionOptions(m);
      o.readout_frames = readout_frames_->value();
      break;
    case 1:
      o.kind = experiment::AnimationKind::lstm_epochs;
      o.lstm = lstmSessionOptions(m);
      o.between = between_->value();
      break;
    default:
      o.kind = experiment::AnimationKind::sweep;
      o.explore = exploreOptions(m);
      o.sweep.parameter = static_cast<experiment::SweepParameter>(sweep_param_->currentIndex());
      o.sweep.from = sweep_from_->value();
      o.sweep.to = sweep_to_->value();
      o.sweep.frames = sweep_frames_->value();
      o.sweep.log_steps = sweep_log_->isChecked();
      break;
  }
  experiment::validate(o);
  return o;
}

figures::AnimationLook AnimationDialog::look() const {
  figures::AnimationLook l;
  l.figure.size = QSize(width_->value(), height_->value());
  l.figure.title = title_->isChecked();
  l.colour = colour();
  l.selected = ws_ ? ws_->selected() : -1;
  return l;
}

figures::AnimationOutput AnimationDialog::output() const {
  figures::AnimationOutput o;
  o.gif = gif_->text().trimmed();
  o.png_dir = png_dir_->text().trimmed();
  o.webp = webp_->text().trimmed();
  o.fps = fps_->value();
  o.dithering = dither_->value();
  return o;
}

void AnimationDialog::updatePreview() {
  // From the current session when it is the kind animated: its first and last learning
  // stages are the animation's first and last frames (k = 1 and 1000; initial weights
  // and last epoch). A sweep needs its own maps: shown once exported.
  first_->setPixmap({});
  last_->setPixmap({});
  const auto s = ws_ ? ws_->session() : nullptr;
  const int kind = kind_->currentIndex();
  const bool usable = s && s->trained && !s->stages.empty() &&
                      ((kind == 0 && s->model == experiment::ModelKind::esn) ||
                       (kind == 1 && s->model == experiment::ModelKind::lstm));
  if (!usable) {
    first_->setText(tr("no preview"));
    last_->setText(tr("no preview"));
    note_->setText(kind == 2 ? tr("A sweep maps the untrained reservoir at every value; its frames are computed when "
                                  "you export (the window stays usable; Esc cancels).")
                             : tr("Train the model of this kind first to preview its first and last stages; the "
                                  "export trains it again with the panel's settings."));
    return;
  }
  note_->setText(tr("Preview from the current session. The export retrains with the panel's settings (same seed: "
                    "the same frames) and runs in the background; Esc cancels."));
  std::vector<experiment::AnimationFrame> ends;
  const int last = static_cast<int>(s->stages.size()) - 1;
  for (int k : {0, last}) {
    experiment::AnimationFrame f;
    f.session = s;
    f.stage = k;
    f.caption = s->stages[static_cast<size_t>(k)].label + " · " + experiment::scores_text(s->stages[static_cast<size_t>(k)].scores);
    ends.push_back(std::move(f));
  }
  auto l = look();
  l.figure.size = QSize(width_->value(), height_->value());
  try {
    figures::AnimationPainter painter(l, QString::fromStdString(s->description), ends);
    const QImage a = painter.render(ends[0]), b = painter.render(ends[1]);
    first_->setPixmap(QPixmap::fromImage(a.scaled(320, 240, Qt::KeepAspectRatio, Qt::SmoothTransformation)));
    last_->setPixmap(QPixmap::fromImage(b.scaled(320, 240, Qt::KeepAspectRatio, Qt::SmoothTransformation)));
  } catch (const std::exception& e) {
    first_->setText(QString::fromUtf8(e.what()));
    last_->setText({});
  }
}

}  // namespace rssviz::ui
