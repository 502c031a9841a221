// The window's job recipes, out of MainWindow so that anything (the window, a dialog, a
// test) can drive them with a JobRunner and no window: turn the model panel's settings
// into the core's options, run the core's session builders as one background job
// (newest wins, cancellable), and hand the finished session back on the GUI thread.
#pragma once
#include <QObject>
#include <functional>
#include <memory>

#include "core/experiment/animation.hpp"
#include "core/experiment/explore.hpp"
#include "core/experiment/workbench.hpp"
#include "core/io/session_file.hpp"
#include "ui/job_runner.hpp"
#include "ui/mailbox.hpp"
#include "ui/model_panel.hpp"

namespace rssviz::ui {

// Threads for a job: all cores but one, which stays with the GUI thread so the window
// keeps painting (on a 2-core machine: one job thread).
int jobThreads();
// Threads for a live update (a slider value): every core. An update lasts a fraction of a
// second and the GUI thread only waits for it, so sharing a core with it costs the event
// loop a few milliseconds at most (measured by the stall tests), and the map follows the
// hand twice as fast on two cores.
int liveThreads();
// The core options for the panel's settings (validated by the caller or the job): the
// settings' own structs, with the job's thread counts.
experiment::EsnSessionOptions esnSessionOptions(const ModelSettings& s);
experiment::LstmSessionOptions lstmSessionOptions(const ModelSettings& s);
experiment::ExploreOptions exploreOptions(const ModelSettings& s);

// The status line after a live update: "Untrained reservoir: map updated in 38 ms (states 15,
// neighbours 12, layout 9); …": the latency from the value change to the layout shown, then
// the explorer's stages (Explorer::last_timings: rescale + harvest, neighbour search, SGD).
QString exploreStatus(double latency_seconds, const experiment::ExploreTimings& timings);

class SessionJobs : public QObject {
  Q_OBJECT
 public:
  using Session = std::shared_ptr<const experiment::MapSession>;
  // `live` receives the LSTM's epoch-by-epoch sessions while it trains (may be null).
  SessionJobs(JobRunner* jobs, Mailbox<experiment::MapSession>* live, QObject* parent = nullptr);

  // Trains the model of `s` and maps it; `done` gets the session. Returns false (and
  // reports through failed()) when the settings are invalid.
  bool train(const ModelSettings& s, std::function<void(Session)> done);
  // Builds the session a recipe describes (core/experiment/saved_session.hpp): trains it
  // (the LSTM live, epoch by epoch, when `live_frames`), or maps its embedded weights.
  // `name` starts the error messages (the file opened). A failure leaves the shown session as it was.
  bool build(const io::SessionFile& recipe, const QString& job, const QString& name, bool live_frames,
             std::function<void(Session)> done);
  // Maps the untrained reservoir of `s` with its current scalings, warm-started from
  // `previous` (may be null); `done` gets the session, the status line of the update's
  // latency (exploreStatus), measured from this call (the value change) to the finished
  // layout back on the GUI thread, and whether the frame was a preview (a drag frame of a
  // subset of the sentences, experiment::Frame::kPreview, which holds the test sentences
  // of `keep` that are on the map).
  bool explore(const ModelSettings& s, Session previous, experiment::Frame frame, std::vector<int> keep,
               std::function<void(Session, QString, bool)> done);
  // The drag frames' budget (experiment::ExploreOptions::preview_seconds; 0: every frame full).
  void setPreviewSeconds(double seconds) { preview_seconds_ = seconds; }
  double previewSeconds() const { return preview_seconds_; }

 signals:
  void failed(const QString& job, const QString& message);

 private:
  JobRunner* jobs_;
  Mailbox<experiment::MapSession>* live_;
  double preview_seconds_ = experiment::ExploreOptions{}.preview_seconds;
  // The explorer (corpus + drawn weights) lives in a slot only the job thread touches
  // (the pool has one thread, so jobs never overlap); a cancelled job still leaves it
  // for the next slider value.
  std::shared_ptr<std::shared_ptr<experiment::Explorer>> explorer_ =
      std::make_shared<std::shared_ptr<experiment::Explorer>>();
};

}  // namespace rssviz::ui
