// Undo commands for the window's parameters (Edit > Undo / Redo, QUndoStack): a change of
// the model panel's settings, a change of the map's settings (colour mode, END marks).
// Each holds the values before and after; undo and redo hand them to an apply function
// that sets the controls and redraws through the window's usual job path (newest wins).
// The first redo() (QUndoStack::push calls it) does nothing: the user already made the
// change the command records.
#pragma once
#include <QUndoCommand>
#include <functional>

#include "ui/model_panel.hpp"
#include "ui/workspace.hpp"

namespace rssviz::ui {

// What the panel's edit changed, for the Edit menu ("Undo Spectral radius 1.1 → 1.25").
QString describeEdit(const ModelSettings& before, const ModelSettings& after);

class SettingsCommand : public QUndoCommand {
 public:
  using Apply = std::function<void(const ModelSettings&)>;
  SettingsCommand(const ModelSettings& before, const ModelSettings& after, Apply apply);
  void undo() override { apply_(before_); }
  void redo() override;

 private:
  ModelSettings before_, after_;
  Apply apply_;
  bool done_ = true;
};

// The map's settings the toolbar and the View menu change.
struct MapSettings {
  ColourMode mode = ColourMode::clausePart;
  int parameter = 0;
  bool mark_ends = true;
  bool operator==(const MapSettings&) const = default;
};

class MapSettingsCommand : public QUndoCommand {
 public:
  using Apply = std::function<void(const MapSettings&)>;
  MapSettingsCommand(const MapSettings& before, const MapSettings& after, Apply apply);
  void undo() override { apply_(before_); }
  void redo() override;

 private:
  MapSettings before_, after_;
  Apply apply_;
  bool done_ = true;
};

}  // namespace rssviz::ui
