#include "ui/sentences_view.hpp"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include "core/experiment/corpus_report.hpp"

namespace rssviz::ui {

SentenceModel::SentenceModel(Workspace* ws, QObject* parent) : QAbstractTableModel(parent), ws_(ws) {}

int SentenceModel::rowCount(const QModelIndex& parent) const {
  if (parent.isValid() || !ws_->session() || !ws_->session()->corpus) return 0;
  return ws_->session()->corpus->test.size();
}

void SentenceModel::reset() {
  beginResetModel();
  // The sentences' text is built once per corpus (searching and sorting read it for
  // every row), not per call of data(); sessions of the same corpus share it.
  const auto& s = ws_->session();
  const auto c = s ? s->corpus : nullptr;
  if (c != text_corpus_) {
    text_.clear();
    if (c)
      for (const auto& sent : c->test.sentences) text_ << QString::fromStdString(experiment::inner_text(c->grammar, sent));
    text_corpus_ = c;
  }
  endResetModel();
}

QVariant SentenceModel::headerData(int section, Qt::Orientation o, int role) const {
  if (o != Qt::Horizontal) return {};
  static const char* names[] = {"#", "Sentence", "Decoded", "Valid", "Exact", "Error", "Map"};
  static const char* tips[] = {"Index in the test set", "The sentence (BEGIN/END omitted)",
                               "Meaning decoded from the readout after END (object,position,colour; - for none)",
                               "Every attribute the sentence names is decoded correctly",
                               "Both slots match the sentence's meaning exactly, none included",
                               "2 = not valid, 1 = valid but not exact, 0 = exact (sort descending for the hardest)",
                               "Whether the sentence is one of the map's sentences"};
  if (role == Qt::DisplayRole) return tr(names[section]);
  if (role == Qt::ToolTipRole) return tr(tips[section]);
  return {};
}

QVariant SentenceModel::data(const QModelIndex& index, int role) const {
  const auto& s = ws_->session();
  if (!index.isValid() || !s) return {};
  const int i = index.row();
  const auto& g = s->corpus->grammar;
  const auto& sent = s->corpus->test.sentences[static_cast<size_t>(i)];
  const bool has = !s->results.empty();
  const auto* r = has ? &s->results[static_cast<size_t>(i)] : nullptr;
  const int err = r ? (r->exact ? 0 : (r->valid ? 1 : 2)) : -1;
  if (role == Qt::DisplayRole || role == Qt::EditRole) {
    const bool sortKey = role == Qt::EditRole;
    switch (index.column()) {
      case cIndex: return i;
      case cSentence: return i < text_.size() ? text_[i] : QString::fromStdString(experiment::inner_text(g, sent));
      case cDecoded: return r ? QString::fromStdString(g.meaning_text(r->decoded)) : QStringLiteral("—");
      case cValid: return r ? (sortKey ? QVariant(r->valid) : QVariant(r->valid ? "✓" : "✗")) : QVariant("—");
      case cExact: return r ? (sortKey ? QVariant(r->exact) : QVariant(r->exact ? "✓" : "✗")) : QVariant("—");
      case cError: return err;
      case cOnMap: return ws_->mapIndex(i) >= 0 ? (sortKey ? QVariant(1) : QVariant("●")) : (sortKey ? QVariant(0) : QVariant(""));
    }
  }
  if (role == Qt::ForegroundRole && r && (index.column() == cValid || index.column() == cExact)) {
    const bool ok = index.column() == cValid ? r->valid : r->exact;
    return QColor(ok ? QColor(30, 130, 60) : QColor(200, 40, 40));
  }
  if (role == Qt::TextAlignmentRole && index.column() != cSentence && index.column() != cDecoded)
    return int(Qt::AlignCenter);
  if (role == Qt::ToolTipRole) {
    return tr("Target: %1").arg(QString::fromStdString(g.meaning_text(sent.meaning)));
  }
  return {};
}

SentencesView::SentencesView(Workspace* ws, QWidget* parent) : QWidget(parent), ws_(ws) {
  setObjectName("sentencesView");
  auto* lay = new QVBoxLayout(this);
  lay->setContentsMargins(4, 4, 4, 4);
  auto* bar = new QHBoxLayout;
  search_ = new QLineEdit;
  search_->setObjectName("sentenceSearch");
  search_->setPlaceholderText(tr("Search sentences, e.g. \"orange\" or \"left\"…"));
  search_->setClearButtonEnabled(true);
  search_->setToolTip(tr("Filter the test sentences by any text in any column (Ctrl+F)"));
  summary_ = new QLabel;
  summary_->setStyleSheet("color: #555");
  bar->addWidget(search_, 1);
  bar->addWidget(summary_);
  lay->addLayout(bar);
  model_ = new SentenceModel(ws_, this);
  proxy_ = new QSortFilterProxyModel(this);
  proxy_->setSourceModel(model_);
  proxy_->setSortRole(Qt::EditRole);
  proxy_->setFilterCaseSensitivity(Qt::CaseInsensitive);
  proxy_->setFilterKeyColumn(-1);
  table_ = new QTableView;
  table_->setObjectName("sentenceTable");
  table_->setModel(proxy_);
  table_->setSortingEnabled(true);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->setAlternatingRowColors(true);
  table_->verticalHeader()->setVisible(false);
  table_->verticalHeader()->setDefaultSectionSize(22);
  table_->horizontalHeader()->setSectionResizeMode(SentenceModel::cSentence, QHeaderView::Stretch);
  table_->setColumnWidth(SentenceModel::cDecoded, 150);
  table_->sortByColumn(SentenceModel::cIndex, Qt::AscendingOrder);
  for (int c : {SentenceModel::cIndex, SentenceModel::cValid, SentenceModel::cExact, SentenceModel::cError,
                SentenceModel::cOnMap})
    table_->setColumnWidth(c, 46);
  table_->setToolTip(tr("Test sentences; click a header to sort (Error descending puts the hardest first)"));
  lay->addWidget(table_, 1);

  connect(search_, &QLineEdit::textChanged, proxy_, &QSortFilterProxyModel::setFilterFixedString);
  connect(ws_, &Workspace::sessionChanged, this, [this] {
    syncing_ = true;
    model_->reset();
    syncing_ = false;
    const auto& s = ws_->session();
    if (s && s->trained)
      summary_->setText(tr("valid error %1 %, exact error %2 %")
                            .arg(100 * s->scores.valid_error, 0, 'f', 1)
                            .arg(100 * s->scores.exact_error, 0, 'f', 1));
    else
      summary_->setText(s ? tr("untrained: no readout") : QString());
    showSelection(ws_->selected());
  });
  connect(ws_, &Workspace::selectionChanged, this, &SentencesView::showSelection);
  connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex& cur) {
    if (syncing_ || !cur.isValid()) return;
    ws_->select(proxy_->mapToSource(cur).row());
  });
}

int SentencesView::selectedInTable() const {
  const auto cur = table_->selectionModel()->currentIndex();
  return cur.isValid() ? proxy_->mapToSource(cur).row() : -1;
}

void SentencesView::sortByError() { table_->sortByColumn(SentenceModel::cError, Qt::DescendingOrder); }

void SentencesView::showSelection(int test_index) {
  if (selectedInTable() == test_index) return;
  syncing_ = true;
  if (test_index < 0) {
    table_->selectionModel()->clearSelection();
  } else {
    const QModelIndex src = model_->index(test_index, 0);
    const QModelIndex p = proxy_->mapFromSource(src);
    if (p.isValid()) {
      table_->selectionModel()->setCurrentIndex(p, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
      table_->scrollTo(p);
    }
  }
  syncing_ = false;
}

}  // namespace rssviz::ui
