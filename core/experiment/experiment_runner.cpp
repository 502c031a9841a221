#include "core/experiment/experiment_runner.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "core/common/parallel.hpp"
#include "core/common/timing.hpp"
#include "core/experiment/results_file.hpp"
#include "core/io/atomic_file.hpp"

namespace rssviz::experiment {

double RunnerProgress::seconds_left() const {
  const int ran = done - resumed;
  if (ran <= 0) return std::numeric_limits<double>::quiet_NaN();
  return elapsed / ran * (total - done);
}

namespace {

nlohmann::json identity_with_shard(const ExperimentOptions& o, const Shard& s) {
  auto j = experiment_identity(o);
  if (s.count > 1) j["shard"] = to_string(s);
  return j;
}

std::string describe(const RunConfig& r) {
  return "run " + std::to_string(r.index) + " (" + to_string(r.model) + ", " + std::to_string(r.objects) +
         " objects, seed " + std::to_string(r.seed) + ")";
}

// Appends and flushes to disk; one writer at a time (the caller holds the lock).
class Appender {
 public:
  explicit Appender(const std::filesystem::path& p) : path_(p) {
    fd_ = ::open(p.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd_ < 0) throw std::runtime_error(p.string() + ": cannot open for appending: " + std::strerror(errno));
  }
  ~Appender() {
    if (fd_ >= 0) ::close(fd_);
  }
  Appender(const Appender&) = delete;
  Appender& operator=(const Appender&) = delete;
  void append(const std::string& s) {
    size_t off = 0;
    while (off < s.size()) {
      const ssize_t n = ::write(fd_, s.data() + off, s.size() - off);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) throw std::runtime_error(path_.string() + ": writing a row failed: " + std::strerror(errno));
      off += static_cast<size_t>(n);
    }
    if (::fsync(fd_) != 0 && errno != EINVAL && errno != EROFS)
      throw std::runtime_error(path_.string() + ": flushing a row to disk failed: " + std::strerror(errno));
  }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
};

std::string ordered(const std::string& preamble, const std::map<int, std::string>& rows) {
  std::string s = preamble;
  for (const auto& [i, line] : rows) s += line;
  return s;
}

}  // namespace

RunnerReport run_experiment(const ExperimentOptions& options, const std::filesystem::path& out,
                            const RunnerOptions& ro) {
  const auto t0 = std::chrono::steady_clock::now();
  if (ro.shard.count < 1 || ro.shard.index < 0 || ro.shard.index >= ro.shard.count)
    throw std::invalid_argument("shard = " + to_string(ro.shard) + " is not I/K with 0 <= I < K");
  if (ro.jobs < 0) throw std::invalid_argument("jobs = " + std::to_string(ro.jobs) + " is negative");
  resolve_threads(ro.threads);
  const auto all = make_run_list(options);
  std::vector<RunConfig> mine;
  for (const auto& r : all)
    if (ro.shard.contains(r.index)) mine.push_back(r);
  const auto identity = identity_with_shard(options, ro.shard);
  const std::string preamble = results_preamble(identity, options.kind);

  RunnerReport rep;
  rep.total = static_cast<int>(mine.size());
  std::map<int, std::string> rows;
  std::error_code ec;
  const bool exists = std::filesystem::exists(out, ec);
  if (exists && std::filesystem::is_regular_file(out, ec) && std::filesystem::file_size(out, ec) > 0) {
    ResultsFile f = read_results(out);
    const auto mine_id = experiment_identity(options);
    const auto diff = identity_difference(mine_id, f.identity);
    if (!diff.empty())
      throw std::runtime_error(out.string() + ": holds the results of a different experiment (" + diff +
                               "); use another --out or remove it");
    if (!(f.shard == ro.shard))
      throw std::runtime_error(out.string() + ": holds shard " + to_string(f.shard) + ", not " + to_string(ro.shard));
    rows = std::move(f.rows);
    rep.resumed = static_cast<int>(rows.size());
    if (f.incomplete_tail) io::write_file_atomic(out, ordered(preamble, rows));  // drop the cut line
  } else {
    io::write_file_atomic(out, preamble);
  }

  std::vector<const RunConfig*> todo;
  for (const auto& r : mine)
    if (!rows.count(r.index)) todo.push_back(&r);

  if (!todo.empty()) {
    Appender app(out);
    const int cores = default_threads();
    const int jobs = std::max(1, std::min<int>(ro.jobs == 0 ? cores : ro.jobs, static_cast<int>(todo.size())));
    StopFlag halt;
    std::mutex mu;
    std::atomic<size_t> next{0};
    std::atomic<int> running{jobs};
    std::exception_ptr error;
    int done = rep.resumed;
    auto worker = [&] {
      while (!halt.requested()) {
        const size_t i = next.fetch_add(1);
        if (i >= todo.size()) break;
        const RunConfig& run = *todo[i];
        try {
          const RunResult res = run_configuration(options, run, ro.threads, jobs == 1, &halt);
          std::lock_guard lock(mu);
          if (halt.requested() && error) break;
          app.append(format_row(options.kind, run, res));
          rows.emplace(run.index, format_row(options.kind, run, res));
          ++rep.ran;
          ++done;
          if (ro.on_row) {
            RunnerProgress p{done, rep.total, rep.resumed, seconds_since(t0), &run, &res};
            if (!ro.on_row(p)) halt.request();
          }
        } catch (const Cancelled&) {
          break;
        } catch (const std::exception& e) {
          std::lock_guard lock(mu);
          if (!error) error = std::make_exception_ptr(std::runtime_error(describe(run) + ": " + e.what()));
          halt.request();
          break;
        }
      }
      running.fetch_sub(1);
    };
    std::vector<std::thread> pool;
    pool.reserve(static_cast<size_t>(jobs));
    for (int j = 0; j < jobs; ++j) pool.emplace_back(worker);
    // This thread forwards the caller's stop flag to the workers' (so that a signal
    // handler only has to set one flag) and waits.
    while (running.load() > 0) {
      if (stop_requested(ro.stop)) halt.request();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    for (auto& t : pool) t.join();
    if (error) std::rethrow_exception(error);
  }
  rep.stopped = !rep.complete();
  if (rep.complete()) io::write_file_atomic(out, ordered(preamble, rows));
  return rep;
}

MergeReport merge_results(const std::vector<std::filesystem::path>& inputs, const std::filesystem::path& out) {
  if (inputs.empty()) throw std::invalid_argument("merge: no input files");
  io::atomic_write_target(out);
  std::vector<ResultsFile> files;
  for (const auto& p : inputs) {
    files.push_back(read_results(p));
    if (files.back().incomplete_tail)
      throw std::runtime_error(p.string() + ": its last row is cut short (an interrupted run): resume that shard first");
  }
  const auto& first = files.front();
  const int k = first.shard.count;
  std::vector<int> owner(static_cast<size_t>(k), -1);
  for (size_t i = 0; i < files.size(); ++i) {
    const auto& f = files[i];
    const auto diff = identity_difference(first.identity, f.identity);
    if (!diff.empty())
      throw std::runtime_error(inputs[i].string() + ": a different experiment from " + inputs[0].string() + " (" +
                               diff + ")");
    if (f.shard.count != k)
      throw std::runtime_error(inputs[i].string() + ": shard " + to_string(f.shard) + ", but " + inputs[0].string() +
                               " is one of " + std::to_string(k) + " shards");
    auto& o = owner[static_cast<size_t>(f.shard.index)];
    if (o >= 0)
      throw std::runtime_error(inputs[i].string() + ": shard " + to_string(f.shard) + " is given twice (also " +
                               inputs[static_cast<size_t>(o)].string() + ")");
    o = static_cast<int>(i);
  }
  for (int s = 0; s < k; ++s)
    if (owner[static_cast<size_t>(s)] < 0)
      throw std::runtime_error("shard " + std::to_string(s) + "/" + std::to_string(k) +
                               " is missing (no input file holds it)");
  const auto runs = make_run_list(first.options);
  std::map<int, std::string> rows;
  for (size_t i = 0; i < files.size(); ++i) {
    const auto& f = files[i];
    int expected = 0, first_missing = -1;
    for (const auto& r : runs)
      if (f.shard.contains(r.index)) {
        ++expected;
        if (!f.rows.count(r.index) && first_missing < 0) first_missing = r.index;
      }
    if (first_missing >= 0)
      throw std::runtime_error(inputs[i].string() + ": shard " + to_string(f.shard) + " is incomplete (" +
                               std::to_string(f.rows.size()) + " of its " + std::to_string(expected) +
                               " runs, run " + std::to_string(first_missing) + " missing): resume it first");
    rows.insert(f.rows.begin(), f.rows.end());
  }
  io::write_file_atomic(out, ordered(results_preamble(first.identity, first.options.kind), rows));
  return {k, static_cast<int>(rows.size())};
}

}  // namespace rssviz::experiment
