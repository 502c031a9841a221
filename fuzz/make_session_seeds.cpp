// Writes the seed corpus of fuzz_session_file (fuzz/corpus/session_file) with the code
// the window saves with: small sessions of each kind, with and without embedded
// weights, and damaged copies. Not part of the build; run from the repository root after
// a release build (-march=native: the same Eigen ABI as the release core):
//   g++ -std=c++20 -O1 -march=native -I. -isystem /usr/include/eigen3 fuzz/make_session_seeds.cpp \
//     build/release/core/librssviz_core.a -fopenmp -lgif -limagequant -lwebpmux -lwebp -o /tmp/seeds \
//     && /tmp/seeds fuzz/corpus/session_file
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "core/experiment/explore.hpp"
#include "core/experiment/saved_session.hpp"
#include "core/io/session_file.hpp"

using namespace rssviz;
namespace fs = std::filesystem;

namespace {

void put(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }

io::SessionFile small_esn() {
  io::SessionFile f;
  f.reservoir.units = 8;
  f.map_sentences = 6;
  f.umap.n_epochs = 20;
  f.umap.n_neighbors = 4;
  f.esn_stages = {1, 10, 1000};
  f.view.colour = "word";
  f.view.selected = 3;
  f.view.stage = 1;
  return f;
}

io::SessionFile small_lstm() {
  io::SessionFile f = small_esn();
  f.model = experiment::ModelKind::lstm;
  f.lstm.hidden = 2;
  f.trainer.epochs = 1;
  f.trained_epochs = 1;
  f.view.colour = "output_unit";
  f.view.colour_parameter = 5;
  return f;
}

std::string replaced(std::string s, const std::string& from, const std::string& to) {
  const auto i = s.find(from);
  if (i == std::string::npos) throw std::runtime_error("seed: \"" + from + "\" not found");
  return s.replace(i, from.size(), to);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  const fs::path dir = argv[1];
  fs::create_directories(dir);
  const auto esn = small_esn();
  const std::string esn_plain = io::session_to_json(esn);
  put(dir / "esn-plain.rssviz", esn_plain);
  const auto built = experiment::build_saved_session(esn, "esn", 1);
  const std::string esn_weights = io::session_to_json(experiment::describe_session(esn, *built, true));
  put(dir / "esn-weights.rssviz", esn_weights);

  const auto lstm = small_lstm();
  put(dir / "lstm-plain.rssviz", io::session_to_json(lstm));
  const auto lb = experiment::build_saved_session(lstm, "lstm", 1);
  put(dir / "lstm-weights.rssviz", io::session_to_json(experiment::describe_session(lstm, *lb, true)));

  // An explored (untrained) reservoir: its layout embedded.
  experiment::ExploreOptions eo = experiment::explore_options(esn, 1);
  experiment::Explorer ex(eo);
  const auto explored = ex.update(0.9, 0.3, 1.0, nullptr);
  put(dir / "esn-explored.rssviz", io::session_to_json(experiment::describe_session(esn, *explored, false)));

  // A corpus-file session (the reader checks the identity's form, not the file).
  io::SessionFile cf = small_esn();
  cf.corpus.kind = io::CorpusSource::Kind::kFile;
  cf.corpus.path = "resources/corpora/csl-center.tsv";
  cf.corpus.sha256 = std::string(64, 'a');
  cf.corpus.bytes = 1234;
  put(dir / "corpus-file.rssviz", io::session_to_json(cf));

  // Damaged ones: truncated, newer, bad fields, bad embedded data.
  put(dir / "bad-truncated.rssviz", esn_weights.substr(0, esn_weights.size() / 2));
  put(dir / "bad-version.rssviz", replaced(esn_plain, "\"version\": 1", "\"version\": 2"));
  put(dir / "bad-unknown-field.rssviz", replaced(esn_plain, "\"units\": 8", "\"units\": 8, \"unit\": 8"));
  put(dir / "bad-range.rssviz", replaced(esn_plain, "\"n_neighbors\": 4", "\"n_neighbors\": -4"));
  put(dir / "bad-base64.rssviz", replaced(esn_weights, "\"data\": \"", "\"data\": \"*"));
  put(dir / "bad-bytes.rssviz", replaced(esn_weights, "\"bytes\": ", "\"bytes\": 1"));
  std::cout << "seeds written to " << dir << "\n";
  return 0;
}
