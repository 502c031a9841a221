#include "ui/session_jobs.hpp"

#include <chrono>

#include "core/common/parallel.hpp"
#include "core/experiment/saved_session.hpp"

namespace rssviz::ui {

int jobThreads() { return std::max(1, rssviz::default_threads() - 1); }
int liveThreads() { return rssviz::default_threads(); }

namespace {
int corpusObjects(const ModelSettings& s) { return s.corpus_file ? s.corpus_file->grammar.objects() : s.objects; }
}  // namespace

experiment::EsnSessionOptions esnSessionOptions(const ModelSettings& s) {
  experiment::EsnSessionOptions o;
  o.objects = corpusObjects(s);
  o.corpus_file = s.corpus_file;
  o.reservoir = s.reservoir;
  o.reservoir.threads = jobThreads();
  o.map_sentences = s.map_sentences;
  o.umap.threads = jobThreads();
  return o;
}

experiment::LstmSessionOptions lstmSessionOptions(const ModelSettings& s) {
  auto o = experiment::lstm_session_options(corpusObjects(s), s.seed());
  o.corpus.file = s.corpus_file;
  o.model = s.lstm;
  o.trainer = s.trainer;
  o.map_sentences = s.map_sentences;
  o.umap.threads = jobThreads();
  return o;
}

experiment::ExploreOptions exploreOptions(const ModelSettings& s) {
  experiment::ExploreOptions o;
  o.objects = corpusObjects(s);
  o.corpus_file = s.corpus_file;
  o.reservoir = s.reservoir;
  o.reservoir.threads = liveThreads();
  o.map_sentences = s.map_sentences;
  o.umap.threads = liveThreads();
  return o;
}

SessionJobs::SessionJobs(JobRunner* jobs, Mailbox<experiment::MapSession>* live, QObject* parent)
    : QObject(parent), jobs_(jobs), live_(live) {}

bool SessionJobs::train(const ModelSettings& s, std::function<void(Session)> done) {
  if (s.model == experiment::ModelKind::esn) {
    const auto o = esnSessionOptions(s);
    try {
      o.reservoir.validate();
    } catch (const std::exception& e) {
      emit failed(tr("Train ESN"), QString::fromUtf8(e.what()));
      return false;
    }
    jobs_->start<Session>(
        tr("Training ESN (%1 units)").arg(s.reservoir.units),
        [o](const JobContext& ctx) -> Session { return experiment::build_esn_session(o, ctx.stop(), ctx.progress_fn()); },
        std::move(done));
    return true;
  }
  const auto o = lstmSessionOptions(s);
  try {
    o.model.validate();
    o.trainer.validate();
  } catch (const std::exception& e) {
    emit failed(tr("Train LSTM"), QString::fromUtf8(e.what()));
    return false;
  }
  auto* live = live_;
  jobs_->start<Session>(
      tr("Training LSTM (%1 units, %2 epochs)").arg(s.lstm.hidden).arg(s.trainer.epochs),
      [o, live](const JobContext& ctx) -> Session {
        experiment::LstmSessionBuilder b(o);
        while (!b.finished()) {
          ctx.check();
          b.step(ctx.stop());
          ctx.progress(b.epoch(), b.epochs());
          if (live && !b.finished()) live->post(b.session());  // the map moves epoch by epoch
        }
        return b.session();
      },
      [live, done = std::move(done)](Session r) {
        if (live) live->take();  // an older live frame must not replace the final one
        done(std::move(r));
      });
  return true;
}

bool SessionJobs::build(const io::SessionFile& recipe, const QString& job, const QString& name, bool live_frames,
                        std::function<void(Session)> done) {
  auto* live = live_frames ? live_ : nullptr;
  const std::string file = name.toStdString();
  jobs_->start<Session>(
      job,
      [recipe, live, file](const JobContext& ctx) -> Session {
        experiment::FrameFn frame;
        if (live) frame = [live](std::shared_ptr<experiment::MapSession> s) { live->post(std::move(s)); };
        return experiment::build_saved_session(recipe, file, jobThreads(), ctx.stop(), ctx.progress_fn(), frame);
      },
      [live, done = std::move(done)](Session r) {
        if (live) live->take();  // an older live frame must not replace the final one
        done(std::move(r));
      });
  return true;
}

QString exploreStatus(double latency_seconds, const experiment::ExploreTimings& t) {
  const auto ms = [](double seconds) { return QString::number(seconds * 1e3, 'f', 0); };
  if (t.preview())
    return SessionJobs::tr("Dragging: map of %1 of %2 sentences updated in %3 ms (states %4, neighbours %5, "
                           "layout %6); release for all")
        .arg(t.sentences)
        .arg(t.map_sentences)
        .arg(ms(latency_seconds), ms(t.rescale + t.harvest), ms(t.knn), ms(t.layout));
  return SessionJobs::tr("Untrained reservoir: map updated in %1 ms (states %2, neighbours %3, layout %4); "
                         "press Train to fit a readout")
      .arg(ms(latency_seconds), ms(t.rescale + t.harvest), ms(t.knn), ms(t.layout));
}

bool SessionJobs::explore(const ModelSettings& s, Session previous, experiment::Frame frame, std::vector<int> keep,
                          std::function<void(Session, QString, bool)> done) {
  if (s.model != experiment::ModelKind::esn) return false;
  auto o = exploreOptions(s);
  o.preview_seconds = preview_seconds_;
  const auto scalings = esn::Scalings::of(s.reservoir);
  const auto requested = std::chrono::steady_clock::now();  // the value changed: the latency runs from here
  auto slot = explorer_;
  struct Explored {
    Session session;
    experiment::ExploreTimings timings;
  };
  jobs_->start<Explored>(
      tr("Exploring the untrained reservoir"),
      [o, slot, previous, scalings, frame, keep = std::move(keep)](const JobContext& ctx) -> Explored {
        if (!*slot || !(*slot)->compatible(o)) *slot = std::make_shared<experiment::Explorer>(o);
        ctx.check();
        auto session = (*slot)->update(scalings, previous.get(), ctx.stop(), frame, keep);
        return {std::move(session), (*slot)->last_timings()};
      },
      [requested, done = std::move(done)](Explored r) {
        const double latency = std::chrono::duration<double>(std::chrono::steady_clock::now() - requested).count();
        done(std::move(r.session), exploreStatus(latency, r.timings), r.timings.preview());
      });
  return true;
}

}  // namespace rssviz::ui
