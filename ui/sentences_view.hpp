// The test sentences with their decoded meaning and valid/exact marks; search box,
// sortable columns (by error: the difficult examples first). Selecting a row selects
// the sentence everywhere.
#pragma once
#include <QAbstractTableModel>
#include <QWidget>

#include "ui/workspace.hpp"

class QTableView;
class QLineEdit;
class QSortFilterProxyModel;
class QLabel;

namespace rssviz::ui {

class SentenceModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { cIndex, cSentence, cDecoded, cValid, cExact, cError, cOnMap, cCount };
  explicit SentenceModel(Workspace* ws, QObject* parent = nullptr);
  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& = {}) const override { return cCount; }
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation o, int role) const override;
  void reset();

 private:
  Workspace* ws_;
  QStringList text_;                             // sentence text by test index
  std::shared_ptr<const corpus::Corpus> text_corpus_;  // the corpus text_ was built from (kept alive)
};

class SentencesView : public QWidget {
  Q_OBJECT
 public:
  explicit SentencesView(Workspace* ws, QWidget* parent = nullptr);
  QLineEdit* searchBox() const { return search_; }
  QTableView* table() const { return table_; }
  // Test index of the row selected in the table, -1 if none.
  int selectedInTable() const;
  // Sorts so the worst sentences come first.
  void sortByError();

 private:
  void showSelection(int test_index);
  Workspace* ws_;
  SentenceModel* model_;
  QSortFilterProxyModel* proxy_;
  QTableView* table_;
  QLineEdit* search_;
  QLabel* summary_;
  bool syncing_ = false;
};

}  // namespace rssviz::ui
