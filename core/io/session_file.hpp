// The rssviz session file (.rssviz): what a window shows, as versioned, human-readable
// JSON, so that reopening it rebuilds the same models, maps and figures bit for bit.
// Layout in docs/FORMATS.md ("Session files"):
//   {"format": "rssviz-session", "version": 1,
//    "corpus":  {"source": "generated", "options": CorpusOptions}
//             | {"source": "file", "path": "...", "sha256": "...", "bytes": N},
//    "model":   {"kind": "esn"|"lstm", "trained": bool, "trained_epochs", "frames": "every_epoch"|"final" (LSTM)},
//    "esn":     ReservoirOptions (threads excluded) + "readout", "stages",
//    "lstm":    LstmOptions, "trainer": TrainerOptions (threads excluded),
//    "map":     {"sentences", "include"}, "umap": UmapOptions (threads excluded),
//    "view":    stage, selected sentence, colour mode, links, analysis settings,
//    "weights": optional [{"role", "encoding": "base64", "data": model file bytes}]}
// Thread counts are not stored: no result depends on them (core/umap/umap.hpp,
// core/lstm/trainer.hpp, core/esn/harvest.cpp), so a session reopens the same anywhere.
//
// Embedded weights are whole rssviz model files (core/io/model_file.hpp, the format
// `rssviz-cli train --save` writes), base64 encoded: an ESN session embeds one ("esn"),
// an LSTM session one per mapped frame ("lstm-frame"; frame 0 the initial weights; one
// only for a "final" session, the last holding the training history), an
// explored (untrained) ESN map also its layout ("map-layout"), since a warm-started
// layout depends on the path of the slider drag that made it.
//
// The reader validates every field (type, range, finiteness, no unknown or missing key,
// known version) and throws std::runtime_error naming the file and the field; nothing
// is returned half-read.
#pragma once
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/corpus/corpus_file.hpp"
#include "core/corpus/dataset.hpp"
#include "core/esn/reservoir.hpp"
#include "core/experiment/esn_protocol.hpp"
#include "core/experiment/map_session.hpp"
#include "core/experiment/workbench.hpp"
#include "core/io/model_file.hpp"
#include "core/lstm/lstm.hpp"
#include "core/lstm/trainer.hpp"
#include "core/umap/umap.hpp"

namespace rssviz::io {

inline constexpr int kSessionFileVersion = 1;

// Where the session's sentences come from: the generated CSL corpus of `generated`, or a
// corpus file identified by its path and checksum (verified on open: corpus::CorpusIdentity).
struct CorpusSource {
  enum class Kind { kGenerated, kFile };
  Kind kind = Kind::kGenerated;
  corpus::CorpusOptions generated;  // kGenerated: objects, seed, split sizes, teacher fill
  std::string path;                 // kFile: the corpus file, as written (a relative path is read from the working folder)
  std::string sha256;               // kFile: lower-case hex SHA-256 of its bytes when the session was saved
  std::uint64_t bytes = 0;          // kFile: its size then
  // kFile, not written: the file already read (the window's), else it is read from `path`
  // (relative to the working folder) and checked against `sha256` when the session is built.
  std::shared_ptr<const corpus::CorpusFile> loaded;
};

// What the window shows of the session besides the model (ui/workspace.hpp).
struct SessionView {
  int stage = -1;               // learning stage shown, -1 = the final model
  int selected = -1;            // selected test sentence, -1 = none
  std::string colour = "clause_part";  // clause_part | error_code | word | output_unit | unit
  int colour_parameter = 0;     // output unit or unit index of the colour mode
  bool mark_ends = true;        // END states outlined
  int highlighted_unit = -1;    // unit outlined in the heatmap and the polyvalent chart, -1 = none
  int marked_word = -1;         // word whose states are ringed on the map, -1 = none
  int analysis_output = 0;      // readout-weight view's output in colour
  std::string output_scale = "probability";  // outputs view: probability | raw | sigmoid
  std::string unit_set = "polyvalent";       // units followed: polyvalent | top | all | random
  int unit_set_output = 0;      // "top": the output whose top units are followed
  int unit_set_top = 10;        // "top": how many
};

// One embedded model file.
struct EmbeddedFile {
  std::string role;  // "esn" | "lstm-frame" | "map-layout"
  ModelFile file;
};

struct SessionFile {
  CorpusSource corpus;
  experiment::ModelKind model = experiment::ModelKind::esn;
  bool trained = true;          // ESN: false = an explored, untrained reservoir
  int trained_epochs = lstm::TrainerOptions{}.epochs;  // LSTM: epochs trained when saved (0..trainer.epochs)
  bool every_epoch = true;      // LSTM: every epoch mapped (the learning stages); false: the final network only
                                // (a loaded model file), then trained_epochs = trainer.epochs
  esn::ReservoirOptions reservoir;                      // threads are not stored (0 when read)
  experiment::EsnReadout readout = experiment::EsnReadout::kRidge;
  std::vector<int> esn_stages = experiment::EsnSessionOptions{}.stages;  // training sentences at each ESN stage
  lstm::LstmOptions lstm;
  lstm::TrainerOptions trainer;                         // threads are not stored (1 when read)
  int map_sentences = experiment::kPaperMapSentences;   // test sentences on the map
  std::vector<int> include_sentences;                   // test sentences put on the map besides the spread ones
  umap::UmapOptions umap = experiment::paper_map_umap();  // threads are not stored (0 when read)
  SessionView view;
  std::vector<EmbeddedFile> weights;                    // empty: the models are retrained on open

  bool has_weights() const { return !weights.empty(); }
};

// The JSON text of `s` (pretty-printed, embedded files base64).
std::string session_to_json(const SessionFile& s);
// Parses and validates; `name` (the file) starts every error message.
SessionFile session_from_json(std::string_view text, const std::string& name);

// Atomic (core/io/atomic_file.hpp): never loses the previous file.
void save_session_file(const std::filesystem::path& path, const SessionFile& s);
SessionFile load_session_file(const std::filesystem::path& path);

// The session file's names of the colour modes and unit sets, checked by the reader.
const std::vector<std::string>& session_colour_modes();

}  // namespace rssviz::io
