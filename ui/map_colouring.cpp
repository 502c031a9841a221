#include "ui/map_colouring.hpp"

#include <algorithm>
#include <stdexcept>

#include "ui/colors.hpp"

namespace rssviz::ui {

MapColouring colourMap(const Workspace& ws, bool all_classes) {
  MapColouring c;
  const auto* pts = ws.points();
  const auto& s = ws.session();
  if (!s || !pts) return c;
  const int n = pts->size();
  const auto& grammar = s->corpus->grammar;
  ColourMode mode = ws.colourMode();
  const auto* codes = ws.codes();
  const auto* outs = ws.outputs();
  if ((mode == ColourMode::errorCode && !codes) || (mode == ColourMode::outputUnit && !outs))
    mode = ColourMode::clausePart;
  c.mode = mode;
  c.colours.resize(n);
  Eigen::VectorXf values;
  switch (mode) {
    case ColourMode::clausePart:
      c.title = QObject::tr("Clause position");
      for (int i = 0; i < n; ++i) c.colours[i] = clausePartColor(static_cast<int>(pts->part[static_cast<size_t>(i)])).rgba();
      for (int k = 0; k < 4; ++k)
        c.legend.append({QString::fromStdString(experiment::clause_part_name(static_cast<corpus::ClausePart>(k))),
                         clausePartColor(k)});
      break;
    case ColourMode::errorCode: {
      c.title = ws.stage() >= 0 ? QObject::tr("Error code (%1)")
                                      .arg(QString::fromStdString(s->stages[static_cast<size_t>(ws.stage())].label))
                                : QObject::tr("Per-step error code");
      std::vector<int> present(9, 0);
      for (int i = 0; i < n; ++i) {
        const int code = (*codes)[static_cast<size_t>(i)];
        c.colours[i] = errorCodeColor(code).rgba();
        if (code >= 0 && code < 9) ++present[static_cast<size_t>(code)];
      }
      for (int code = 0; code < 9; ++code)
        if (all_classes || present[static_cast<size_t>(code)])
          c.legend.append({QString("%1: %2").arg(code).arg(QString::fromStdString(experiment::error_code_name(code))),
                           errorCodeColor(code)});
      break;
    }
    case ColourMode::word: {
      c.title = QObject::tr("Word read");
      std::vector<int> present(static_cast<size_t>(grammar.vocabulary_size()), 0);
      for (int i = 0; i < n; ++i) {
        const int w = pts->word[static_cast<size_t>(i)];
        c.colours[i] = categoryColor(w).rgba();
        if (w >= 0) ++present[static_cast<size_t>(w)];
      }
      if (pts->zero_state_first) c.legend.append({QObject::tr("(zero state)"), categoryColor(-1)});
      for (int w = 0; w < grammar.vocabulary_size(); ++w)
        if (all_classes || present[static_cast<size_t>(w)])
          c.legend.append({QString::fromStdString(grammar.vocabulary()[static_cast<size_t>(w)]), categoryColor(w)});
      break;
    }
    case ColourMode::outputUnit: {
      const int o = std::clamp(ws.colourParameter(), 0, grammar.output_size() - 1);
      c.title = QObject::tr("Output %1").arg(QString::fromStdString(grammar.output_name(o)));
      values = outs->col(o);
      c.continuous = true;
      c.range = QCPRange(-0.3, 1.3);  // the paper's fixed range, so stages compare
      c.gradient = infernoGradient();
      c.bar_label = QObject::tr("activation");
      break;
    }
    case ColourMode::unit: {
      const int u = std::clamp(ws.colourParameter(), 0, pts->units() - 1);
      c.title = QObject::tr("%1 unit %2")
                    .arg(s->model == experiment::ModelKind::esn ? QObject::tr("Reservoir") : QObject::tr("LSTM cell"))
                    .arg(u);
      values = pts->unit_activation(u);
      const double m = std::max(1e-6f, values.cwiseAbs().maxCoeff());
      c.range = QCPRange(-m, m);
      c.continuous = true;
      c.gradient = divergingGradient();
      c.bar_label = QObject::tr("state");
      break;
    }
  }
  if (c.continuous)
    for (int i = 0; i < n; ++i) c.colours[i] = c.gradient.color(values[i], c.range);
  return c;
}

ColourChoice parseColourChoice(const QString& text) {
  ColourChoice c;
  const QString t = text.trimmed();
  const QString head = t.section(':', 0, 0), tail = t.section(':', 1);
  auto bad = [&](const QString& why) {
    return std::invalid_argument(QString("--colour-by \"%1\": %2 (choices: clause, error, word, output:K or "
                                         "output:NAME, unit:K)")
                                     .arg(text, why)
                                     .toStdString());
  };
  if (head == "clause" || head == "error" || head == "word") {
    if (t.contains(':')) throw bad(QString("%1 takes no parameter").arg(head));
    c.mode = head == "clause" ? ColourMode::clausePart : head == "error" ? ColourMode::errorCode : ColourMode::word;
    return c;
  }
  if (head != "output" && head != "unit") throw bad("unknown colour mode");
  if (tail.isEmpty()) throw bad(QString("%1 needs a parameter after ':'").arg(head));
  bool ok = false;
  const int k = tail.toInt(&ok);
  c.mode = head == "output" ? ColourMode::outputUnit : ColourMode::unit;
  if (ok) {
    if (k < 0) throw bad("the index must be >= 0");
    c.parameter = k;
  } else if (c.mode == ColourMode::outputUnit) {
    c.output_name = tail;
  } else {
    throw bad("the unit must be a non-negative integer");
  }
  return c;
}

QString resolveColour(ColourChoice& c, const experiment::MapSession& s) {
  const auto& g = s.corpus->grammar;
  if (c.mode == ColourMode::outputUnit) {
    if (!c.output_name.isEmpty()) {
      // The full name (slot1.object.glass) or a suffix that names one output (colour.blue
      // is in both slots: ambiguous).
      int found = -1;
      QStringList names, matches;
      for (int o = 0; o < g.output_size(); ++o) {
        const QString name = QString::fromStdString(g.output_name(o));
        names << name;
        if (name == c.output_name) {
          found = o;
          matches = {name};
          break;
        }
        if (name.endsWith("." + c.output_name)) {
          found = o;
          matches << name;
        }
      }
      if (matches.size() > 1)
        return QString("--colour-by output:%1 is ambiguous: %2").arg(c.output_name, matches.join(", "));
      if (found < 0)
        return QString("--colour-by output:%1: no such output (the %2 outputs are %3)")
            .arg(c.output_name)
            .arg(g.output_size())
            .arg(names.join(", "));
      c.parameter = found;
    }
    if (c.parameter >= g.output_size())
      return QString("--colour-by output:%1 is out of range [0, %2]").arg(c.parameter).arg(g.output_size() - 1);
    if (!s.trained) return "--colour-by output needs a trained readout";
  }
  if (c.mode == ColourMode::errorCode && !s.trained) return "--colour-by error needs a trained readout";
  if (c.mode == ColourMode::unit && s.points && c.parameter >= s.points->units())
    return QString("--colour-by unit:%1 is out of range [0, %2]").arg(c.parameter).arg(s.points->units() - 1);
  return {};
}

QString colourModeName(ColourMode m) {
  switch (m) {
    case ColourMode::clausePart: return QObject::tr("clause position");
    case ColourMode::errorCode: return QObject::tr("per-step error code");
    case ColourMode::word: return QObject::tr("word read");
    case ColourMode::outputUnit: return QObject::tr("output activation");
    case ColourMode::unit: return QObject::tr("unit activation");
  }
  return {};
}

}  // namespace rssviz::ui
