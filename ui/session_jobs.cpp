#include "ui/session_jobs.hpp"

#include "core/common/parallel.hpp"
#include "core/experiment/saved_session.hpp"

namespace rssviz::ui {

int jobThreads() { return std::max(1, rssviz::default_threads() - 1); }

void setReservoir(esn::ReservoirOptions& r, const ModelSettings& s) {
  r.units = s.units;
  r.spectral_radius = s.spectral_radius;
  r.leak_rate = s.leak_rate;
  r.input_scaling = s.input_scaling;
  r.density = s.density;
  r.ridge = s.ridge;
  r.seed = s.seed;
}

namespace {
esn::ReservoirOptions reservoirOf(const ModelSettings& s) {
  esn::ReservoirOptions r;
  r.threads = jobThreads();
  setReservoir(r, s);
  return r;
}
int corpusObjects(const ModelSettings& s) { return s.corpus_file ? s.corpus_file->grammar.objects() : s.objects; }
}  // namespace

experiment::EsnSessionOptions esnSessionOptions(const ModelSettings& s) {
  experiment::EsnSessionOptions o;
  o.objects = corpusObjects(s);
  o.corpus_file = s.corpus_file;
  o.reservoir = reservoirOf(s);
  o.map_sentences = s.map_sentences;
  o.umap.threads = jobThreads();
  return o;
}

experiment::LstmSessionOptions lstmSessionOptions(const ModelSettings& s) {
  auto o = experiment::lstm_session_options(corpusObjects(s), s.seed);
  o.corpus.file = s.corpus_file;
  o.model.hidden = s.hidden;
  o.trainer.epochs = s.epochs;
  o.trainer.batch_size = s.batch;
  o.trainer.learning_rate = s.learning_rate;
  o.map_sentences = s.map_sentences;
  o.umap.threads = jobThreads();
  return o;
}

experiment::ExploreOptions exploreOptions(const ModelSettings& s) {
  experiment::ExploreOptions o;
  o.objects = corpusObjects(s);
  o.corpus_file = s.corpus_file;
  o.reservoir = reservoirOf(s);
  o.map_sentences = s.map_sentences;
  o.umap.threads = jobThreads();
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
        tr("Training ESN (%1 units)").arg(s.units),
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
      tr("Training LSTM (%1 units, %2 epochs)").arg(s.hidden).arg(s.epochs),
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

bool SessionJobs::explore(const ModelSettings& s, Session previous, std::function<void(Session)> done) {
  if (s.model != experiment::ModelKind::esn) return false;
  const auto o = exploreOptions(s);
  auto slot = explorer_;
  jobs_->start<Session>(
      tr("Exploring the untrained reservoir"),
      [o, slot, previous, s](const JobContext& ctx) -> Session {
        if (!*slot || !(*slot)->compatible(o)) *slot = std::make_shared<experiment::Explorer>(o);
        ctx.check();
        return (*slot)->update(s.spectral_radius, s.leak_rate, s.input_scaling, previous.get(), ctx.stop());
      },
      std::move(done));
  return true;
}

}  // namespace rssviz::ui
