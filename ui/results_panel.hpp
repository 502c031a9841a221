// The "Experiment results" dock: an experiment results file (rssviz-cli experiment
// --out) as a plot (ExperimentView) over a sortable table of its runs. A double-click on
// a run loads its configuration into the model panel (MainWindow trains it).
#pragma once
#include <QAbstractTableModel>
#include <QStringList>
#include <QWidget>
#include <functional>
#include <vector>

#include "core/experiment/results_summary.hpp"
#include "ui/job_runner.hpp"
#include "ui/model_panel.hpp"

class QLabel;
class QSortFilterProxyModel;
class QTableView;

namespace rssviz::ui {

class ExperimentView;

// The runs of a results file, one row each; numbers sort as numbers (Qt::UserRole).
class ResultsTableModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  using QAbstractTableModel::QAbstractTableModel;
  void setResults(const experiment::ExperimentOptions& options, std::vector<experiment::ResultRow> rows);
  const experiment::ResultRow& row(int r) const { return rows_.at(static_cast<size_t>(r)); }
  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

 private:
  experiment::ExperimentOptions options_;
  std::vector<experiment::ResultRow> rows_;
  std::vector<std::string> columns_;
};

// The panel settings that train the run's model as the experiment did: model kind,
// objects, seed and the panel's hyperparameters from the run (others kept from `base`).
// `notes` lists what the experiment set that the panel cannot hold (e.g. a smaller
// training set, an RLS readout, a bias scaling). Returns false for a run with no model to
// train (the bag-of-words baseline), with the reason in `notes`.
bool settingsForRun(const experiment::ExperimentOptions& options, const experiment::RunConfig& run,
                    ModelSettings base, ModelSettings* out, QStringList* notes);
QString describeRun(const experiment::ExperimentOptions& options, const experiment::RunConfig& run);

class ResultsPanel : public QWidget {
  Q_OBJECT
 public:
  explicit ResultsPanel(QWidget* parent = nullptr);
  ~ResultsPanel() override;
  // Reads the file in the background; emits loaded() or failed(message naming the file
  // and line). The panel keeps what it showed until a file has been read whole.
  void openFile(const QString& path);
  bool busy() const { return reader_.busy(); }
  const QString& path() const { return path_; }
  const experiment::ExperimentOptions& options() const { return options_; }
  QTableView* table() const { return table_; }
  ExperimentView* plot() const { return plot_; }
  ResultsTableModel* model() const { return model_; }
  QSortFilterProxyModel* proxy() const { return proxy_; }
  // The run shown at `proxy_row` of the (sorted) table.
  const experiment::ResultRow& runAt(int proxy_row) const;
  // What a double-click on `proxy_row` does: emits configurationChosen, or failed.
  void chooseRow(int proxy_row);
  // The settings a chosen run keeps from the window (e.g. the map's sentences).
  void setBaseSettings(const ModelSettings& s) { base_ = s; }
  // Or asks for them at each choice (the window: the model panel's current settings).
  void setBaseProvider(std::function<ModelSettings()> f) { base_provider_ = std::move(f); }

 signals:
  void loaded();
  void failed(const QString& message);
  void configurationChosen(const rssviz::ui::ModelSettings& settings, const QString& description,
                           const QStringList& notes);

 private:
  struct Read {
    QString error;
    experiment::ExperimentOptions options;
    std::vector<experiment::ResultRow> rows;
  };
  void finishRead(Read r);
  QLabel* title_;
  ExperimentView* plot_;
  QTableView* table_;
  ResultsTableModel* model_;
  QSortFilterProxyModel* proxy_;
  QString path_, reading_, shown_title_;
  experiment::ExperimentOptions options_;
  ModelSettings base_;
  std::function<ModelSettings()> base_provider_;
  JobRunner reader_;  // the file read off the GUI thread; a newer openFile wins
};

}  // namespace rssviz::ui
