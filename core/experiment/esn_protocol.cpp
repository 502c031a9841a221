#include "core/experiment/esn_protocol.hpp"

#include <chrono>
#include <stdexcept>

#include "core/corpus/corpus_file.hpp"
#include "core/common/check.hpp"
#include "core/common/parallel.hpp"
#include "core/common/timing.hpp"
#include "core/io/model_file.hpp"

namespace rssviz::experiment {

std::string to_string(EsnReadout r) { return r == EsnReadout::kRls ? "rls" : "ridge"; }

void validate_readout(double ridge, EsnReadout readout) {
  if (readout != EsnReadout::kRls) return;
  try {
    check_range_open_low("ridge", ridge, 0.0, 1e6);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string(e.what()) + " for the RLS readout (P(0) = I / ridge)");
  }
}

EsnReadout esn_readout_from_string(const std::string& s) {
  if (s == "ridge") return EsnReadout::kRidge;
  if (s == "rls") return EsnReadout::kRls;
  throw std::invalid_argument("readout = \"" + s + "\" is not one of: ridge, rls");
}

namespace {

using Clock = std::chrono::steady_clock;

void check_stop(const StopFlag* stop) {
  if (stop_requested(stop)) throw Cancelled();
}

}  // namespace

Eigen::MatrixXd fit_readout(const Eigen::MatrixXf& end_states, const Eigen::MatrixXd& teacher, double ridge,
                            EsnReadout kind) {
  return kind == EsnReadout::kRls ? esn::fit_rls(end_states, teacher, ridge)
                                  : esn::fit_ridge(end_states, teacher, ridge);
}

EsnRun run_esn_protocol(const EsnExperimentOptions& options, const StopFlag* stop) {
  options.reservoir.validate();
  const auto t0 = Clock::now();
  corpus::CorpusOptions co;
  co.objects = options.objects;
  co.seed = options.reservoir.seed;
  co.file = options.corpus_file;
  const corpus::Corpus c = corpus::make_corpus(co);
  const double t_corpus = seconds_since(t0);
  EsnRun run = run_esn_protocol(c, options.reservoir, options.readout, stop);
  run.timings.corpus = t_corpus;
  return run;
}

EsnRun run_esn_protocol(const corpus::Corpus& c, const esn::ReservoirOptions& reservoir, EsnReadout readout,
                        const StopFlag* stop) {
  validate_readout(reservoir.ridge, readout);
  EsnRun run;
  ThreadScope threads(reservoir.threads);  // the fit and the prediction too, not only the harvest
  const double cpu0 = cpu_seconds();
  auto t = Clock::now();
  esn::Reservoir res(reservoir, c.grammar.vocabulary_size());
  run.timings.build = seconds_since(t);
  check_stop(stop);

  // Train and test in one harvest: more shared prefixes, wider GEMMs.
  t = Clock::now();
  const double cpu_h = cpu_seconds();
  std::vector<const std::vector<int>*> seqs;
  seqs.reserve(static_cast<size_t>(c.train.size() + c.test.size()));
  for (const auto& s : c.train.sentences) seqs.push_back(&s.tokens);
  for (const auto& s : c.test.sentences) seqs.push_back(&s.tokens);
  const esn::States st = esn::harvest(res, seqs, esn::Keep::kEnd, stop);
  run.timings.harvest = seconds_since(t);
  run.timings.cpu_harvest = cpu_seconds() - cpu_h;
  run.harvested_steps = st.total_steps;
  run.unique_steps = st.unique_steps;
  // Each computed state past the first token costs one N x N matrix-vector product.
  const double n = res.units();
  long long first = 0;
  {
    // Distinct first tokens cost no product (the state before them is 0).
    std::vector<char> seen(static_cast<size_t>(c.grammar.vocabulary_size()), 0);
    for (const auto* s : seqs)
      if (!s->empty() && !seen[static_cast<size_t>(s->front())]) {
        seen[static_cast<size_t>(s->front())] = 1;
        ++first;
      }
  }
  run.harvest_flops = 2.0 * n * n * static_cast<double>(st.unique_steps - first);
  check_stop(stop);

  t = Clock::now();
  const Eigen::MatrixXf train_states = st.x.leftCols(c.train.size());
  run.model.wout = fit_readout(train_states, c.train.teacher, reservoir.ridge, readout);
  run.timings.fit = seconds_since(t);
  check_stop(stop);

  t = Clock::now();
  const Eigen::MatrixXd out_test = esn::predict(run.model.wout, st.x.rightCols(c.test.size()));
  run.test = metrics::evaluate(c.grammar, c.test, out_test);
  run.timings.evaluate = seconds_since(t);
  run.timings.cpu_total = cpu_seconds() - cpu0;
  run.train = metrics::evaluate(c.grammar, c.train, esn::predict(run.model.wout, train_states));

  run.model.reservoir = std::move(res);
  run.model.readout = readout;
  run.model.objects = c.grammar.objects();
  run.model.corpus_sha256 = corpus::corpus_sha256(c.options);
  return run;
}

EsnEvaluation evaluate_esn(const EsnModel& model, const corpus::Grammar& grammar, const corpus::Dataset& data,
                           const StopFlag* stop) {
  if (model.reservoir.vocabulary_size() != grammar.vocabulary_size())
    throw std::invalid_argument("the model reads " + std::to_string(model.reservoir.vocabulary_size()) +
                                " words but the corpus with " + std::to_string(grammar.objects()) + " objects has " +
                                std::to_string(grammar.vocabulary_size()) + " (objects = " +
                                std::to_string(grammar.objects()) + " does not match the model's " +
                                std::to_string(model.objects) + ")");
  if (model.wout.rows() != grammar.output_size())
    throw std::invalid_argument("the model has " + std::to_string(model.wout.rows()) + " outputs, the corpus " +
                                std::to_string(grammar.output_size()));
  ThreadScope threads(model.reservoir.options().threads);
  const esn::States st = esn::harvest(model.reservoir, data.sentences, esn::Keep::kEnd, stop);
  EsnEvaluation e;
  e.outputs = esn::predict(model.wout, st.x);
  e.scores = metrics::evaluate(grammar, data, e.outputs);
  return e;
}

nlohmann::ordered_json reservoir_options_json(const esn::ReservoirOptions& o, ReservoirJsonFields fields) {
  nlohmann::ordered_json j = {{"units", o.units},
                              {"spectral_radius", o.spectral_radius},
                              {"leak_rate", o.leak_rate},
                              {"input_scaling", o.input_scaling},
                              {"density", o.density},
                              {"input_connectivity", o.input_connectivity},
                              {"bias", o.bias},
                              {"bias_scaling", o.bias_scaling},
                              {"ridge", o.ridge},
                              {"weight_init", esn::to_string(o.weight_init)}};
  if (fields.seed) j["seed"] = o.seed;
  if (fields.threads) j["threads"] = o.threads;
  return j;
}

esn::ReservoirOptions reservoir_options_from_json(const nlohmann::json& j, ReservoirJsonFields fields,
                                                  esn::ReservoirOptions o) {
  o.units = j.at("units").get<int>();
  o.spectral_radius = j.at("spectral_radius").get<double>();
  o.leak_rate = j.at("leak_rate").get<double>();
  o.input_scaling = j.at("input_scaling").get<double>();
  o.density = j.at("density").get<double>();
  o.input_connectivity = j.at("input_connectivity").get<double>();
  o.bias = j.at("bias").get<bool>();
  o.bias_scaling = j.at("bias_scaling").get<double>();
  o.ridge = j.at("ridge").get<double>();
  o.weight_init = esn::weight_init_from_string(j.at("weight_init").get<std::string>());
  if (fields.seed) o.seed = j.at("seed").get<std::uint64_t>();
  if (fields.threads) o.threads = j.at("threads").get<int>();
  return o;
}

io::ModelFile to_model_file(const EsnModel& model) {
  const auto& r = model.reservoir;
  const auto& o = r.options();
  io::ModelFile f;
  f.model = "esn";
  f.meta = {
      {"objects", model.objects},
      {"seed", o.seed},
      {"readout", to_string(model.readout)},
      {"vocabulary_size", r.vocabulary_size()},
      {"corpus_sha256", model.corpus_sha256},
      {"raw_radius", r.raw_radius()},
      {"options", reservoir_options_json(o)},
  };
  f.arrays["W"] = r.unit_w().cast<double>();
  f.arrays["Win"] = r.unit_win().cast<double>();
  f.arrays["bias"] = r.unit_bias().cast<double>();
  f.arrays["Wout"] = model.wout;
  // The reservoir weights are float32 in memory: storing them as f32 is exact.
  f.single_precision["W"] = f.single_precision["Win"] = f.single_precision["bias"] = true;
  return f;
}

void save_esn_model(const std::filesystem::path& path, const EsnModel& model) {
  io::save_model_file(path, to_model_file(model));
}

EsnModel load_esn_model(const std::filesystem::path& path) { return esn_model_from_file(io::load_model_file(path), path.string()); }

EsnModel esn_model_from_file(const io::ModelFile& f, const std::string& name) {
  const auto fail = [&](const std::string& what) -> std::runtime_error {
    return std::runtime_error(name + ": " + what);
  };
  if (f.model != "esn") throw fail("holds a \"" + f.model + "\" model, not an ESN");
  EsnModel m;
  esn::ReservoirOptions o;
  try {
    o = reservoir_options_from_json(f.meta.at("options"));
    m.objects = f.meta.at("objects").get<int>();
    m.corpus_sha256 = f.meta.value("corpus_sha256", std::string());  // absent in files before corpus files
    m.readout = esn_readout_from_string(f.meta.at("readout").get<std::string>());
    const double raw = f.meta.at("raw_radius").get<double>();
    const Eigen::MatrixXd& wout = f.array("Wout");
    if (wout.cols() != o.units + 1)
      throw std::invalid_argument("Wout has " + std::to_string(wout.cols()) + " columns, expected units + 1 = " +
                                  std::to_string(o.units + 1));
    m.reservoir = esn::Reservoir::from_weights(o, f.array("W").cast<float>(), f.array("Win").cast<float>(),
                                               f.array("bias").cast<float>().col(0), raw);
    m.wout = wout;
  } catch (const nlohmann::json::exception& e) {
    throw fail(std::string("bad ESN meta: ") + e.what());
  } catch (const std::exception& e) {
    throw fail(e.what());
  }
  return m;
}

}  // namespace rssviz::experiment
