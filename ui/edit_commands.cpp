#include "ui/edit_commands.hpp"

#include <QCoreApplication>

namespace rssviz::ui {

namespace {

QString number(double v) { return QString::number(v, 'g', 4); }

QString tr(const char* s) { return QCoreApplication::translate("rssviz::ui::EditCommands", s); }

}  // namespace

QString describeEdit(const ModelSettings& a, const ModelSettings& b) {
  QStringList parts;
  auto real = [&](const char* name, double x, double y) {
    if (x != y) parts << QStringLiteral("%1 %2 → %3").arg(tr(name), number(x), number(y));
  };
  auto whole = [&](const char* name, long long x, long long y) {
    if (x != y) parts << QStringLiteral("%1 %2 → %3").arg(tr(name)).arg(x).arg(y);
  };
  if (a.model != b.model) parts << (b.model == experiment::ModelKind::esn ? tr("Model ESN") : tr("Model LSTM"));
  whole("Objects", a.objects, b.objects);
  whole("Seed", static_cast<long long>(a.seed), static_cast<long long>(b.seed));
  whole("Map sentences", a.map_sentences, b.map_sentences);
  real("Spectral radius", a.spectral_radius, b.spectral_radius);
  real("Leak rate", a.leak_rate, b.leak_rate);
  real("Input scaling", a.input_scaling, b.input_scaling);
  whole("Units", a.units, b.units);
  real("Density", a.density, b.density);
  real("Ridge", a.ridge, b.ridge);
  whole("Hidden units", a.hidden, b.hidden);
  whole("Epochs", a.epochs, b.epochs);
  whole("Batch size", a.batch, b.batch);
  real("Learning rate", a.learning_rate, b.learning_rate);
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
