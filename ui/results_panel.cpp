#include "ui/results_panel.hpp"

#include <QHeaderView>
#include <QLabel>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>
#include <cmath>

#include "core/corpus/corpus_file.hpp"
#include "core/experiment/workbench.hpp"
#include "ui/experiment_view.hpp"

namespace rssviz::ui {

namespace ex = rssviz::experiment;

namespace {

QString columnTitle(const std::string& c) {
  if (c == "run") return QObject::tr("run");
  if (c == "train_sentences") return QObject::tr("training sentences");
  if (c == "leak_rate") return QObject::tr("leak rate");
  if (c == "spectral_radius") return QObject::tr("spectral radius");
  if (c == "log10_ridge") return QObject::tr("log10 ridge");
  if (c == "valid_error") return QObject::tr("valid error (%)");
  if (c == "exact_error") return QObject::tr("exact error (%)");
  if (c == "rmse") return QObject::tr("RMSE");
  if (c == "train_cpu_seconds") return QObject::tr("CPU s");
  if (c == "train_wall_seconds") return QObject::tr("wall s");
  return QString::fromStdString(c);
}

// The value of column `c` of a row, as a number (the model as its enum).
double cellValue(const ex::ResultRow& r, const std::string& c) {
  if (c == "run") return r.run.index;
  if (c == "model") return static_cast<double>(r.run.model);
  if (c == "objects") return r.run.objects;
  if (c == "seed") return static_cast<double>(r.run.seed);
  if (c == "train_sentences") return r.run.train_sentences;
  if (c == "units") return r.run.units;
  if (c == "trial") return r.run.trial;
  if (c == "leak_rate") return r.run.point.leak_rate;
  if (c == "spectral_radius") return r.run.point.spectral_radius;
  if (c == "density") return r.run.point.density;
  if (c == "log10_ridge") return r.run.point.log10_ridge;
  if (c == "valid_error") return 100.0 * r.valid_error;
  if (c == "exact_error") return 100.0 * r.exact_error;
  if (c == "rmse") return r.rmse;
  if (c == "train_cpu_seconds") return r.train_cpu_seconds;
  if (c == "train_wall_seconds") return r.train_wall_seconds;
  return std::nan("");
}

QString cellText(const ex::ResultRow& r, const std::string& c) {
  if (c == "model") return ExperimentView::modelName(r.run.model);
  const double v = cellValue(r, c);
  if (std::isnan(v)) return QObject::tr("n/a");
  if (c == "valid_error" || c == "exact_error") return QString::number(v, 'f', 2);
  if (c == "rmse") return QString::number(v, 'f', 4);
  if (c == "train_cpu_seconds" || c == "train_wall_seconds") return QString::number(v, 'f', 2);
  if (c == "leak_rate" || c == "spectral_radius" || c == "density" || c == "log10_ridge")
    return QString::number(v, 'f', 4);
  return QString::number(static_cast<qlonglong>(std::llround(v)));
}

}  // namespace

void ResultsTableModel::setResults(const ex::ExperimentOptions& options, std::vector<ex::ResultRow> rows) {
  beginResetModel();
  options_ = options;
  rows_ = std::move(rows);
  columns_ = ex::results_columns(options.kind);
  endResetModel();
}

int ResultsTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int ResultsTableModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(columns_.size());
}

QVariant ResultsTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount() || index.column() >= columnCount()) return {};
  const auto& r = rows_[static_cast<size_t>(index.row())];
  const auto& c = columns_[static_cast<size_t>(index.column())];
  switch (role) {
    case Qt::DisplayRole: return cellText(r, c);
    case Qt::UserRole: {
      const double v = cellValue(r, c);
      return std::isnan(v) ? QVariant(INFINITY) : QVariant(v);  // unmeasured sorts last
    }
    case Qt::TextAlignmentRole:
      return c == "model" ? QVariant(Qt::AlignLeft | Qt::AlignVCenter) : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::ToolTipRole: return describeRun(options_, r.run);
    default: return {};
  }
}

QVariant ResultsTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || section < 0 || section >= columnCount()) return {};
  if (role == Qt::DisplayRole) return columnTitle(columns_[static_cast<size_t>(section)]);
  if (role == Qt::ToolTipRole) return QString::fromStdString(columns_[static_cast<size_t>(section)]);
  return {};
}

QString describeRun(const ex::ExperimentOptions& o, const ex::RunConfig& run) {
  QString text = QObject::tr("run %1: %2, n = %3, seed %4")
                     .arg(run.index)
                     .arg(ExperimentView::modelName(run.model))
                     .arg(run.objects)
                     .arg(run.seed);
  switch (o.kind) {
    case ex::ExperimentKind::kObjects: break;
    case ex::ExperimentKind::kTrainingSize: text += QObject::tr(", %1 training sentences").arg(run.train_sentences); break;
    case ex::ExperimentKind::kUnits: text += QObject::tr(", %1 units").arg(run.units); break;
    case ex::ExperimentKind::kSearch:
      text += QObject::tr(", trial %1%2: leak rate %3, spectral radius %4, density %5, ridge 10^%6")
                  .arg(run.trial)
                  .arg(run.trial == 0 ? QObject::tr(" (the paper's point)") : QString())
                  .arg(run.point.leak_rate, 0, 'g', 4)
                  .arg(run.point.spectral_radius, 0, 'g', 4)
                  .arg(run.point.density, 0, 'g', 4)
                  .arg(run.point.log10_ridge, 0, 'g', 4);
      break;
  }
  return text;
}

bool settingsForRun(const ex::ExperimentOptions& o, const ex::RunConfig& run, ModelSettings s, ModelSettings* out,
                    QStringList* notes) {
  notes->clear();
  if (run.model == ex::RunModel::kBagOfWords) {
    *notes << QObject::tr("the bag-of-words baseline has no model to train in the window");
    return false;
  }
  s.objects = run.objects;
  // A corpus-file experiment stores the file's checksum, not the file: its runs load only
  // when the window already holds that corpus (File > Open corpus…).
  const std::string sha = o.corpus_file ? o.corpus_file->identity.sha256 : o.corpus_sha256;
  if (sha.empty()) {
    s.corpus_file = nullptr;
  } else if (s.corpus_file && s.corpus_file->identity.sha256 == sha) {
    // keep the window's corpus file: the run's
  } else {
    *notes << QObject::tr("the run trained on a corpus file (SHA-256 %1…) that the window does not hold: open it "
                          "with File > Open corpus…, then double-click the run again")
                  .arg(QString::fromStdString(sha.substr(0, 12)));
    return false;
  }
  if (run.train_sentences != ex::RunConfig{}.train_sentences)
    *notes << QObject::tr("the run trained on %1 sentences; the window trains on the paper's 1000")
                  .arg(run.train_sentences);
  // The run's own option structs, whole: the fields the panel does not show come along
  // (the window keeps them), and the notes name those that differ from the paper's.
  const auto unshown = [&](const char* name, double here, double paper) {
    if (here != paper) *notes << QObject::tr("%1 %2 (not shown in the panel; the paper's is %3)").arg(name).arg(here).arg(paper);
  };
  if (run.model == ex::RunModel::kEsn) {
    const esn::ReservoirOptions r = ex::run_reservoir_options(o, run);
    const esn::ReservoirOptions paper;
    s.model = ex::ModelKind::esn;
    s.reservoir = r;
    unshown("input connectivity", r.input_connectivity, paper.input_connectivity);
    if (r.bias != paper.bias) *notes << QObject::tr("bias %1 (not shown in the panel)").arg(r.bias ? "on" : "off");
    unshown("bias scaling", r.bias_scaling, paper.bias_scaling);
    if (r.weight_init != paper.weight_init)
      *notes << QObject::tr("weight init %1 (not shown in the panel)").arg(QString::fromStdString(esn::to_string(r.weight_init)));
    if (o.readout != ex::EsnReadout::kRidge) *notes << QObject::tr("an RLS readout (the window fits the ridge readout)");
  } else {
    const auto l = ex::run_lstm_options(o, run);
    const auto paper = ex::lstm_session_options(run.objects, run.seed);
    s.model = ex::ModelKind::lstm;
    const lstm::TrainerOptions window = s.trainer;
    s.lstm = l.model;
    s.trainer = l.trainer;
    s.trainer.threads = window.threads;  // how the experiment ran its runs, not what they trained
    s.trainer.keep_snapshots = window.keep_snapshots;
    unshown("forget bias", l.model.forget_bias, paper.model.forget_bias);
    unshown("beta1", l.trainer.beta1, paper.trainer.beta1);
    unshown("beta2", l.trainer.beta2, paper.trainer.beta2);
    unshown("epsilon", l.trainer.epsilon, paper.trainer.epsilon);
    unshown("gradient clip", l.trainer.clip_norm, paper.trainer.clip_norm);
    if (l.trainer.shuffle != paper.trainer.shuffle)
      *notes << QObject::tr("shuffle %1 (not shown in the panel)").arg(l.trainer.shuffle ? "on" : "off");
  }
  s.setSeed(run.seed);  // the run's master seed, into every stream
  *out = s;
  return true;
}

ResultsPanel::ResultsPanel(QWidget* parent) : QWidget(parent) {
  auto* lay = new QVBoxLayout(this);
  lay->setContentsMargins(4, 4, 4, 4);
  title_ = new QLabel(tr("No results file: File > Open results… reads one written by rssviz-cli experiment --out"));
  title_->setObjectName("resultsTitle");
  title_->setWordWrap(true);
  lay->addWidget(title_);
  auto* split = new QSplitter(Qt::Vertical);
  plot_ = new ExperimentView;
  split->addWidget(plot_);
  model_ = new ResultsTableModel(this);
  proxy_ = new QSortFilterProxyModel(this);
  proxy_->setSourceModel(model_);
  proxy_->setSortRole(Qt::UserRole);
  table_ = new QTableView;
  table_->setObjectName("resultsTable");
  table_->setModel(proxy_);
  table_->setSortingEnabled(true);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->setAlternatingRowColors(true);
  table_->verticalHeader()->setVisible(false);
  table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 6);
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table_->setToolTip(tr("Click a column to sort; double-click a run to load its configuration into the model panel"));
  split->addWidget(table_);
  split->setStretchFactor(0, 1);
  split->setStretchFactor(1, 1);
  lay->addWidget(split, 1);
  connect(table_, &QTableView::doubleClicked, this, [this](const QModelIndex& i) { chooseRow(i.row()); });
}

ResultsPanel::~ResultsPanel() { reader_.cancelAndWait(); }

void ResultsPanel::openFile(const QString& path) {
  title_->setText(tr("Reading %1…").arg(path));
  reading_ = path;  // a read under way is superseded: only the newest file's is shown
  reader_.start<Read>(
      QStringLiteral("Reading results"),
      [path](const JobContext&) {
        Read r;
        try {
          const auto f = ex::read_results(path.toStdString());
          r.options = f.options;
          r.rows = ex::result_rows(f);
        } catch (const std::exception& e) {
          r.error = QString::fromUtf8(e.what());
        }
        return r;
      },
      [this](Read r) { finishRead(std::move(r)); });
}

void ResultsPanel::finishRead(Read r) {
  if (!r.error.isEmpty()) {
    title_->setText(plot_->hasResults() ? shown_title_ + tr("<br><i>(kept: %1 could not be read)</i>").arg(reading_.toHtmlEscaped())
                                        : tr("No results file"));
    emit failed(r.error);
    return;
  }
  options_ = r.options;
  path_ = reading_;
  model_->setResults(r.options, r.rows);
  plot_->setResults(r.options, std::move(r.rows));
  const int sort = options_.kind == ex::ExperimentKind::kSearch
                       ? static_cast<int>(ex::results_columns(options_.kind).size()) - 4  // exact_error
                       : 0;
  table_->sortByColumn(sort, Qt::AscendingOrder);
  shown_title_ = QStringLiteral("<b>%1</b><br>%2").arg(path_.toHtmlEscaped(), plot_->description().toHtmlEscaped());
  title_->setText(shown_title_);
  emit loaded();
}

const ex::ResultRow& ResultsPanel::runAt(int proxy_row) const {
  return model_->row(proxy_->mapToSource(proxy_->index(proxy_row, 0)).row());
}

void ResultsPanel::chooseRow(int proxy_row) {
  if (proxy_row < 0 || proxy_row >= proxy_->rowCount()) return;
  const auto& r = runAt(proxy_row);
  ModelSettings s;
  QStringList notes;
  const ModelSettings base = base_provider_ ? base_provider_() : base_;
  if (!settingsForRun(options_, r.run, base, &s, &notes)) {
    emit failed(describeRun(options_, r.run) + ": " + notes.join("; "));
    return;
  }
  emit configurationChosen(s, describeRun(options_, r.run), notes);
}

}  // namespace rssviz::ui
