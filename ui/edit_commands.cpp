#include "ui/edit_commands.hpp"

#include <QCoreApplication>
#include <cmath>

namespace rssviz::ui {

namespace {

QString number(double v) { return QString::number(v, 'g', 4); }

QString tr(const char* s) { return QCoreApplication::translate("rssviz::ui::EditCommands", s); }

}  // namespace

QString describeEdit(const ModelSettings& a, const ModelSettings& b) {
  QStringList parts;
  if (a.model != b.model) parts << (b.model == experiment::ModelKind::esn ? tr("Model ESN") : tr("Model LSTM"));
  for (const SettingField& f : settingFields()) {
    const double x = f.get(a), y = f.get(b);
    if (x == y) continue;
    const QString label = QCoreApplication::translate("rssviz::ui::ModelPanel", f.label);
    if (f.whole())
      parts << QStringLiteral("%1 %2 → %3").arg(label).arg(std::llround(x)).arg(std::llround(y));
    else
      parts << QStringLiteral("%1 %2 → %3").arg(label, number(x), number(y));
  }
  return parts.isEmpty() ? tr("Settings") : parts.join(", ");
}

SettingsCommand::SettingsCommand(const ModelSettings& before, const ModelSettings& after, Apply apply)
    : before_(before), after_(after), apply_(std::move(apply)) {
  setText(describeEdit(before, after));
}

void SettingsCommand::redo() {
  if (done_) {
    done_ = false;
    return;
  }
  apply_(after_);
}

MapSettingsCommand::MapSettingsCommand(const MapSettings& before, const MapSettings& after, Apply apply)
    : before_(before), after_(after), apply_(std::move(apply)) {
  setText(before.mark_ends != after.mark_ends ? tr("END marks") : tr("Colour mode"));
}

void MapSettingsCommand::redo() {
  if (done_) {
    done_ = false;
    return;
  }
  apply_(after_);
}

}  // namespace rssviz::ui
