// rssviz-cli bench explore: the GUI's live exploration pipeline, headless. For a
// sequence of slider values (a drag of the spectral radius, then of the leak rate and
// the input scaling) it rescales the reservoir, recollects the states of the map's test
// sentences and warm-starts UMAP from the previous layout, and prints the median latency
// from a value change to a finished layout (targets in target_ms), the neighbour lists'
// recall against an exact search and the final map's trustworthiness against a fresh UMAP.
#include <iomanip>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "app/cli/bench.hpp"
#include "app/cli/command.hpp"
#include "core/experiment/explore.hpp"
#include "core/experiment/workbench.hpp"
#include "core/umap/knn_descent.hpp"
#include "core/umap/stability.hpp"

namespace rssviz::cli {
namespace cmd_bench_explore {  // this command's own names: a unity build compiles several commands in one unit
namespace {

namespace ex = rssviz::experiment;

struct Args {
  int objects = 4;
  int units = 1000;
  int sentences = 200;
  int values = 15;
  int warm_epochs = 50;
  int threads = 0;
  std::uint64_t seed = 1;
  bool json = false;
  int session_runs = 0;
  bool quality = true;
};

// The explorer's options for these arguments (the map, the reservoir, the warm epochs).
ex::ExploreOptions explore_options(const Args& a) {
  ex::ExploreOptions o;
  o.objects = a.objects;
  o.reservoir.units = a.units;
  o.reservoir.seed = a.seed;
  o.reservoir.threads = a.threads;
  o.map_sentences = a.sentences;
  o.umap.warm_start_epochs = a.warm_epochs;
  o.umap.warm_start_min_epochs = std::min(o.umap.warm_start_min_epochs, a.warm_epochs);
  o.umap.threads = a.threads;
  return o;
}

// The GUI's default session (trained paper ESN + its map + learning stages), which the
// window must show within 3 s of launch.
void time_session(const Args& a) {
  std::vector<double> wall, cpu;
  for (int i = 0; i < a.session_runs; ++i) {
    ex::EsnSessionOptions o;
    o.objects = a.objects;
    o.reservoir.units = a.units;
    o.reservoir.seed = a.seed;
    o.reservoir.threads = a.threads;
    o.umap.threads = a.threads;
    o.map_sentences = a.sentences;
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = cpu_seconds();
    const auto s = ex::build_esn_session(o);
    wall.push_back(seconds_since(t0));
    cpu.push_back(cpu_seconds() - c0);
    if (i == 0) {
      std::cout << std::fixed << std::setprecision(2) << "session: valid error " << 100 * s->scores.valid_error
                << " %, exact error " << 100 * s->scores.exact_error << " %, " << s->points->size() << " map points\n";
      // The window's first slider value after training: from the trained map's neighbour
      // lists (kept in the session), and without them (a session read from a file).
      const ex::ExploreOptions eo = explore_options(a);
      esn::Scalings moved = esn::Scalings::of(o.reservoir);
      moved.spectral_radius -= 0.03;
      auto bare = std::make_shared<ex::MapSession>(*s);
      bare->knn = nullptr;
      double seeded = 0.0, cold = 0.0;
      for (const bool with_lists : {true, false}) {
        ex::Explorer explorer(eo);
        const auto t1 = std::chrono::steady_clock::now();
        (void)explorer.update(moved, with_lists ? s.get() : bare.get());
        (with_lists ? seeded : cold) = seconds_since(t1);
      }
      std::cout << std::setprecision(1) << "  first slider value after training: " << seeded * 1e3
                << " ms from the trained map's neighbour lists, " << cold * 1e3 << " ms searching anew\n";
    }
  }
  std::cout << std::fixed << std::setprecision(1) << "  default session (train + map + stages), median of "
            << a.session_runs << ": " << median(wall) * 1e3 << " ms wall, " << median(cpu) * 1e3
            << " ms processor time\n";
}

// Issue #15's targets for a value change on a 2-core machine: 40 ms for the paper's 200
// sentences, 150 ms for the whole test set (1000), 400 ms for it with 3000 units.
double target_ms(const Args& a) {
  if (a.units <= 1000) return a.sentences <= 200 ? 40.0 : 150.0;
  return 400.0;
}

// Value i of a drag: a third of the values on each slider, in small steps as a mouse produces.
esn::Scalings drag_value(const esn::Scalings& paper, int i, int values) {
  const int third = std::max(1, values / 3);
  esn::Scalings v = paper;
  if (i < third) v.spectral_radius = paper.spectral_radius - 0.03 * (i + 1);
  else if (i < 2 * third) v.leak_rate = paper.leak_rate * (1.0 + 0.08 * (i - third + 1));
  else v.input_scaling = paper.input_scaling + 0.05 * (i - 2 * third + 1);
  return v;
}

void run(const Args& a) {
  const ex::ExploreOptions o = explore_options(a);
  auto t0 = std::chrono::steady_clock::now();
  ex::Explorer explorer(o);
  const double setup = seconds_since(t0);
  // The first map (spectral initialisation, full UMAP) is what the user waits for once.
  t0 = std::chrono::steady_clock::now();
  const esn::Scalings paper = esn::Scalings::of(o.reservoir);  // the paper's values
  std::shared_ptr<const ex::MapSession> prev = explorer.update(paper, nullptr);
  const double first = seconds_since(t0);
  // A drag, every value a full frame.
  std::vector<double> total, cpu, harvest, umap, knn, graph, layout, recall, epochs, change;
  int descents = 0;  // updates whose neighbour lists descended from the last update's
  for (int i = 0; i < a.values; ++i) {
    const esn::Scalings v = drag_value(paper, i, a.values);
    t0 = std::chrono::steady_clock::now();
    const double c0 = cpu_seconds();
    prev = explorer.update(v, prev.get());
    total.push_back(seconds_since(t0));
    cpu.push_back(cpu_seconds() - c0);
    harvest.push_back(explorer.last_timings().harvest);
    umap.push_back(explorer.last_timings().umap);
    knn.push_back(explorer.last_timings().knn);
    graph.push_back(explorer.last_timings().graph);
    layout.push_back(explorer.last_timings().layout);
    epochs.push_back(explorer.last_timings().epochs);
    change.push_back(explorer.last_timings().knn_change);
    // Outside the timing: the lists against an exact search of the same states.
    const auto* u = explorer.last_projection();
    if (u->diagnostics().descent_rounds > 0) ++descents;
    if (a.quality && u->diagnostics().descent_rounds > 0)
      recall.push_back(rssviz::umap::knn_recall(u->knn(), rssviz::umap::exact_knn(prev->points->X, u->knn().k)));
  }
  const int points = prev->points->size();
  // The same drag as drag frames (Frame::kPreview), then the release (a full frame), when
  // full frames are slower than the preview budget: the window does this while a slider
  // is held. Twice: the first drag's subset is sized at ex::kFirstDragCostRatio times the
  // full frame's cost per state, the second at the first drag's own measured cost.
  struct Drag {
    std::vector<double> total;
    int sentences = 0, points = 0;
  };
  Drag drag[2];
  double release = 0.0, trust_drag = 0.0, trust_drag_fresh = 0.0;
  const bool drags = !explorer.preview_sentences().empty();
  std::shared_ptr<const ex::MapSession> frame = prev;
  for (int pass = 0; drags && pass < 2; ++pass) {
    for (int i = 0; i < a.values; ++i) {
      t0 = std::chrono::steady_clock::now();
      frame = explorer.update(drag_value(paper, i, a.values), frame.get(), nullptr, ex::Frame::kPreview);
      drag[pass].total.push_back(seconds_since(t0));
    }
    drag[pass].sentences = explorer.last_timings().sentences;
    drag[pass].points = frame->points->size();
    if (a.quality && pass == 1) {
      trust_drag = rssviz::umap::trustworthiness(frame->points->X, frame->layout, 15);
      trust_drag_fresh =
          rssviz::umap::trustworthiness(frame->points->X, rssviz::umap::fit(frame->points->X, o.umap), 15);
    }
    t0 = std::chrono::steady_clock::now();
    frame = explorer.update(drag_value(paper, a.values - 1, a.values), frame.get(), nullptr, ex::Frame::kFull);
    release = seconds_since(t0);
  }
  if (drags) prev = frame;
  // Quality after the drag: the warm-started map against a fresh full UMAP of the same states.
  const Eigen::MatrixXf& X = prev->points->X;
  const double trust_warm = a.quality ? rssviz::umap::trustworthiness(X, prev->layout, 15) : 0.0;
  const double trust_fresh = a.quality ? rssviz::umap::trustworthiness(X, rssviz::umap::fit(X, o.umap), 15) : 0.0;
  const double recall_median = recall.empty() ? 1.0 : median(recall);
  const double recall_min = recall.empty() ? 1.0 : *std::min_element(recall.begin(), recall.end());
  if (a.json) {
    nlohmann::json j = {{"objects", a.objects},          {"units", a.units},
                        {"sentences", a.sentences},      {"points", points},
                        {"values", a.values},            {"warm_start_epochs", a.warm_epochs},
                        {"setup_seconds", setup},        {"first_map_seconds", first},
                        {"median_update_seconds", median(total)}, {"median_update_cpu_seconds", median(cpu)}, {"median_harvest_seconds", median(harvest)},
                        {"median_umap_seconds", median(umap)}, {"median_knn_seconds", median(knn)}, {"median_graph_seconds", median(graph)},
                        {"median_layout_seconds", median(layout)}, {"median_epochs", median(epochs)},
                        {"median_knn_change", median(change)},    {"peak_rss_mib", peak_rss_mib()},
                        {"descent_updates", descents}, {"median_recall", recall_median}, {"min_recall", recall_min},
                        {"trustworthiness_warm", trust_warm}, {"trustworthiness_fresh", trust_fresh},
                        {"drag_frames", drags}, {"first_drag_sentences", drag[0].sentences}, {"first_drag_points", drag[0].points},
                        {"median_first_drag_frame_seconds", drags ? median(drag[0].total) : 0.0},
                        {"drag_sentences", drag[1].sentences}, {"drag_points", drag[1].points},
                        {"median_drag_frame_seconds", drags ? median(drag[1].total) : 0.0}, {"release_seconds", release},
                        {"trustworthiness_drag_frame", trust_drag}, {"trustworthiness_drag_frame_fresh", trust_drag_fresh}};
    std::cout << j.dump(2) << "\n";
    return;
  }
  std::cout << std::fixed << std::setprecision(1) << "explore: " << a.units << " units, " << a.sentences
            << " test sentences (" << points << " unique states), " << a.values << " slider values\n"
            << "  setup (corpus + weights, once):    " << setup * 1e3 << " ms\n"
            << "  first map (spectral UMAP):         " << first * 1e3 << " ms\n"
            << "  value change -> full layout, median: " << median(total) * 1e3 << " ms"
            << "  (target < " << target_ms(a) << " ms: " << (median(total) * 1e3 < target_ms(a) ? "met" : "NOT met") << ")\n"
            << "  processor time per change, median: " << median(cpu) * 1e3 << " ms (all threads)\n"
            << "    rescale + harvest + points:      " << median(harvest) * 1e3 << " ms\n"
            << "    UMAP warm start:                 " << median(umap) * 1e3 << " ms (neighbours "
            << median(knn) * 1e3 << ", graph " << median(graph) * 1e3 << ", epochs " << median(layout) * 1e3 << "; " << median(epochs) << " epochs of "
            << a.warm_epochs << " median, " << std::setprecision(2) << 100 * median(change)
            << " % of the neighbour entries changed)\n" << std::setprecision(1)
            << "  neighbour lists: " << (descents == 0 ? "exact search" : "descent from the last update") << " ("
            << descents << " of " << a.values << " updates)";
  if (!recall.empty())
    std::cout << ", recall against exact " << std::setprecision(4) << recall_median << " median, " << recall_min
              << " worst";
  std::cout << "\n" << std::setprecision(4)
            << "  trustworthiness (15) after the drag" << (drags ? " and the release" : "") << ": warm map " << trust_warm << ", fresh UMAP " << trust_fresh
            << " (difference " << trust_fresh - trust_warm << ")\n"
            << std::setprecision(1);
  const auto drag_line = [&](const char* what, const Drag& d) {
    std::cout << "  " << what << " (coarser while the slider moves: " << d.sentences << " of " << a.sentences
              << " sentences, " << d.points << " states), median: " << median(d.total) * 1e3 << " ms  (target < "
              << target_ms(a) << " ms: " << (median(d.total) * 1e3 < target_ms(a) ? "met" : "NOT met") << ")\n";
  };
  if (drags) {
    drag_line("first drag's frames, sized by the full frame's cost", drag[0]);
    drag_line("next drag's frames, sized by the last drag frame's cost", drag[1]);
    std::cout << "  release -> full map (every sentence):  " << release * 1e3 << " ms\n"
              << std::setprecision(4) << "  trustworthiness (15) of the last drag frame: " << trust_drag
              << ", fresh UMAP of its states " << trust_drag_fresh << " (difference " << trust_drag_fresh - trust_drag
              << ")\n" << std::setprecision(1);
  } else {
    std::cout << "  drag frames: full ones (a full frame is within the " << o.preview_seconds * 1e3
              << " ms preview budget)\n";
  }
  std::cout << "  peak RSS " << peak_rss_mib() << " MiB\n";
}

void add(CLI::App& bench) {
  auto a = std::make_shared<Args>();
  auto* cmd = bench.add_subcommand("explore", "Time the live exploration: slider value -> rescaled reservoir -> "
                                               "states -> warm-started UMAP layout (median latency)");
  cmd->add_option("--objects,-n", a->objects, "Number of objects in the corpus")->check(CLI::Range(1, 50))->default_val(4);
  cmd->add_option("--units", a->units, "Reservoir units")->check(CLI::Range(10, 3000))->default_val(1000);
  cmd->add_option("--sentences", a->sentences, "Test sentences on the map")->check(CLI::Range(10, 1000))->default_val(200);
  cmd->add_option("--values", a->values, "Slider values to time")->check(CLI::Range(3, 1000))->default_val(15);
  cmd->add_option("--warm-epochs", a->warm_epochs, "UMAP epochs per warm-started update")->check(CLI::Range(1, 500))->default_val(50);
  cmd->add_option("--threads", a->threads, "Threads (0 = all cores)")->check(CLI::Range(0, 256))->default_val(0);
  cmd->add_option("--seed", a->seed, "Master seed")->default_val(1);
  cmd->add_flag("--json", a->json, "Print the figures as JSON");
  cmd->add_flag("!--no-quality", a->quality,
                "Skip the quality figures (recall against an exact search after every value, trustworthiness "
                "against a fresh UMAP): for profiling the updates alone");
  cmd->add_option("--session-runs", a->session_runs,
                  "Also time the GUI's default session (trained ESN + map + stages) this many times")
      ->check(CLI::Range(0, 100))
      ->default_val(0);
  cmd->callback([a] {
    run(*a);
    if (a->session_runs > 0) time_session(*a);
  });
}

const BenchRegistrar reg("explore", add);

}  // namespace
}  // namespace cmd_bench_explore
}  // namespace rssviz::cli
