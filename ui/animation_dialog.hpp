// File > Export animation…: what to animate (ESN readout stages, LSTM epochs, or a sweep
// of the untrained reservoir's spectral radius, leak rate or input scaling), the range
// and frames, the colour mode, size, frame rate and outputs, with a preview of the
// first and last frames drawn from the current session where it has them. The model is
// the model panel's. Export starts an AnimationJob (background, cancellable).
#pragma once
#include <QDialog>

#include "ui/animation_job.hpp"
#include "ui/model_panel.hpp"

class QComboBox;
class QSpinBox;
class QDoubleSpinBox;
class QCheckBox;
class QLineEdit;
class QLabel;
class QStackedWidget;

namespace rssviz::ui {

class AnimationDialog : public QDialog {
  Q_OBJECT
 public:
  AnimationDialog(const ModelSettings& model, const Workspace* ws, QWidget* parent = nullptr);
  // The animation, its look and its outputs as set (throws std::invalid_argument for a
  // value the core refuses).
  experiment::AnimationOptions animation() const;
  figures::AnimationLook look() const;
  figures::AnimationOutput output() const;
  QComboBox* kindBox() const { return kind_; }
  QLineEdit* gifEdit() const { return gif_; }
  QLabel* firstPreview() const { return first_; }
  QLabel* lastPreview() const { return last_; }
  void updatePreview();

 signals:
  void exportRequested();

 private:
  void kindChanged();
  ColourChoice colour() const;
  ModelSettings model_;
  const Workspace* ws_;
  QComboBox* kind_;
  QStackedWidget* range_;
  QSpinBox* readout_frames_;
  QSpinBox* between_;
  QComboBox* sweep_param_;
  QDoubleSpinBox* sweep_from_;
  QDoubleSpinBox* sweep_to_;
  QSpinBox* sweep_frames_;
  QCheckBox* sweep_log_;
  QComboBox* colour_;
  QSpinBox* colour_param_;
  QSpinBox* width_;
  QSpinBox* height_;
  QDoubleSpinBox* fps_;
  QDoubleSpinBox* dither_;
  QCheckBox* title_;
  QLineEdit* gif_;
  QLineEdit* png_dir_;
  QLineEdit* webp_;
  QLabel* first_;
  QLabel* last_;
  QLabel* note_;
};

}  // namespace rssviz::ui
