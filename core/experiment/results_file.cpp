#include "core/experiment/results_file.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <stdexcept>

#include "core/io/atomic_file.hpp"

namespace rssviz::experiment {

namespace {

constexpr std::string_view kMagic = "# rssviz experiment ";

std::string shortest(double v) {
  if (std::isnan(v)) return "nan";
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : "nan";
}

std::string seconds(double v) {
  if (!std::isfinite(v)) return "nan";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4f", v);
  return buf;
}

std::vector<std::string> split_tabs(std::string_view line) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const auto t = line.find('\t', start);
    out.emplace_back(line.substr(start, t == std::string_view::npos ? std::string_view::npos : t - start));
    if (t == std::string_view::npos) break;
    start = t + 1;
  }
  return out;
}

bool parse_double(const std::string& s, double& v) {
  if (s == "nan") {
    v = std::nan("");
    return true;
  }
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? "\t" : "") + v[i];
  return s;
}

}  // namespace

std::vector<std::string> results_columns(ExperimentKind kind) {
  std::vector<std::string> c{"run", "model", "objects", "seed"};
  switch (kind) {
    case ExperimentKind::kObjects: break;
    case ExperimentKind::kTrainingSize: c.push_back("train_sentences"); break;
    case ExperimentKind::kUnits: c.push_back("units"); break;
    case ExperimentKind::kSearch:
      for (const char* n : {"trial", "leak_rate", "spectral_radius", "density", "log10_ridge"}) c.push_back(n);
      break;
  }
  for (const char* n : {"valid_error", "exact_error", "rmse", "train_cpu_seconds", "train_wall_seconds"})
    c.push_back(n);
  return c;
}

std::string results_preamble(const nlohmann::json& identity, ExperimentKind kind) {
  return std::string(kMagic) + identity.dump() + "\n" + join(results_columns(kind)) + "\n";
}

std::string format_run_config(ExperimentKind kind, const RunConfig& r) {
  std::vector<std::string> v{std::to_string(r.index), to_string(r.model), std::to_string(r.objects),
                             std::to_string(r.seed)};
  switch (kind) {
    case ExperimentKind::kObjects: break;
    case ExperimentKind::kTrainingSize: v.push_back(std::to_string(r.train_sentences)); break;
    case ExperimentKind::kUnits: v.push_back(std::to_string(r.units)); break;
    case ExperimentKind::kSearch:
      v.push_back(std::to_string(r.trial));
      for (double x : {r.point.leak_rate, r.point.spectral_radius, r.point.density, r.point.log10_ridge})
        v.push_back(shortest(x));
      break;
  }
  return join(v);
}

std::string format_row(ExperimentKind kind, const RunConfig& run, const RunResult& res) {
  return format_run_config(kind, run) + "\t" + shortest(res.test.valid_error) + "\t" + shortest(res.test.exact_error) +
         "\t" + shortest(res.test.rmse) + "\t" + seconds(res.cpu_seconds) + "\t" + seconds(res.wall_seconds) + "\n";
}

std::string identity_difference(const nlohmann::json& a, const nlohmann::json& b) {
  if (a == b) return {};
  if (a.is_object() && b.is_object()) {
    for (auto it = a.begin(); it != a.end(); ++it) {
      if (!b.contains(it.key())) return it.key() + ": " + it.value().dump() + " here, absent there";
      const auto d = identity_difference(it.value(), b.at(it.key()));
      if (!d.empty()) return it.key() + (d.front() == ':' ? "" : ".") + d;
    }
    for (auto it = b.begin(); it != b.end(); ++it)
      if (!a.contains(it.key())) return it.key() + ": absent here, " + it.value().dump() + " there";
  }
  return ": " + a.dump() + " here, " + b.dump() + " there";
}

ResultsFile read_results(const std::filesystem::path& path) {
  const std::string text = io::read_file(path);
  const std::string name = path.string();
  auto fail = [&](int line, const std::string& why) -> std::runtime_error {
    return std::runtime_error(name + ":" + std::to_string(line) + ": " + why);
  };
  ResultsFile f;
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    const auto nl = text.find('\n', start);
    if (nl == std::string::npos) {
      f.incomplete_tail = true;  // a row cut short by a crash: the run is redone
      break;
    }
    lines.emplace_back(text.data() + start, nl - start);
    start = nl + 1;
  }
  if (lines.empty() || !lines[0].starts_with(kMagic))
    throw fail(1, "not an rssviz experiment results file (line 1 must start with \"" + std::string(kMagic) + "\")");
  try {
    f.identity = nlohmann::json::parse(lines[0].substr(kMagic.size()));
  } catch (const nlohmann::json::exception& e) {
    throw fail(1, std::string("the experiment description is not valid JSON: ") + e.what());
  }
  if (!f.identity.is_object()) throw fail(1, "the experiment description is not a JSON object");
  if (f.identity.contains("shard")) {
    try {
      f.shard = parse_shard(f.identity.at("shard").get<std::string>());
    } catch (const std::exception& e) {
      throw fail(1, e.what());
    }
    f.identity.erase("shard");
  }
  try {
    f.options = experiment_from_identity(f.identity);
  } catch (const std::invalid_argument& e) {
    throw fail(1, e.what());
  }
  const auto columns = results_columns(f.options.kind);
  if (lines.size() < 2) throw fail(2, "the column names are missing");
  if (lines[1] != join(columns)) throw fail(2, "the column names are not those of the " + to_string(f.options.kind) +
                                                   " experiment (" + join(columns) + ")");
  const auto runs = make_run_list(f.options);
  const size_t config_columns = columns.size() - 5;
  for (size_t i = 2; i < lines.size(); ++i) {
    const int ln = static_cast<int>(i) + 1;
    const auto cells = split_tabs(lines[i]);
    if (cells.size() != columns.size())
      throw fail(ln, std::to_string(cells.size()) + " columns, expected " + std::to_string(columns.size()));
    int index = -1;
    const auto& c0 = cells[0];
    const auto [end, ec] = std::from_chars(c0.data(), c0.data() + c0.size(), index);
    if (ec != std::errc() || end != c0.data() + c0.size() || index < 0 || static_cast<size_t>(index) >= runs.size())
      throw fail(ln, "run = \"" + c0 + "\" is not a run of this experiment (0 .. " + std::to_string(runs.size() - 1) +
                         ")");
    if (!f.shard.contains(index))
      throw fail(ln, "run " + c0 + " does not belong to shard " + to_string(f.shard));
    std::vector<std::string> config(cells.begin(), cells.begin() + static_cast<long>(config_columns));
    const auto expected = format_run_config(f.options.kind, runs[static_cast<size_t>(index)]);
    if (join(config) != expected)
      throw fail(ln, "the configuration of run " + c0 + " is not the experiment's (expected \"" + expected + "\")");
    for (size_t k = config_columns; k < cells.size(); ++k) {
      double v = 0;
      if (!parse_double(cells[k], v)) throw fail(ln, columns[k] + " = \"" + cells[k] + "\" is not a number");
    }
    if (f.rows.count(index)) throw fail(ln, "run " + c0 + " appears twice");
    f.rows.emplace(index, std::string(lines[i]) + "\n");
    f.order.push_back(index);
  }
  return f;
}

}  // namespace rssviz::experiment
