// Export of a session's map states for other tools (Python): the states after every
// token of the map's test sentences as .npy, one label row per state as TSV, and the
// map's UMAP layout as .npy, rows aligned. Shared by `rssviz-cli states` and the window's
// File > Export states. Formats: docs/FORMATS.md ("States export").
//
// The states are the map's (paper-notes §6): ESN the extended state [1; x] (1 + units
// columns), LSTM the cell state (hidden columns, the zero state as the first row of each
// sentence). Two layouts:
//   - every step (default): one row per (sentence, step) in sentence then step order,
//     duplicate states kept (identical prefixes give identical rows); each row is labelled
//     against its own sentence (error code, valid/exact);
//   - unique: the map's deduplicated points, exactly the rows the map projects (MapPoints
//     order); a point carries the labels of its first occurrence, as on the map.
#pragma once
#include <Eigen/Core>
#include <filesystem>
#include <string>
#include <vector>

#include "core/experiment/map_session.hpp"

namespace rssviz::experiment {

struct StatesTable {
  bool unique = false;                   // rows are the map's points (true) or every (sentence, step) (false)
  Eigen::MatrixXf states;                // rows x state width (float, as the map holds them)
  std::vector<int> point;                // per row: its point (row of MapPoints::X and of the session's layout)
  std::vector<int> sentence;             // per row: index of the sentence in the test set
  std::vector<int> step;                 // per row: trajectory row in its sentence (MapPoints::step): ESN 0 = after
                                         //   the first token (BEGIN); LSTM 0 = the zero state, k = after token k
  std::vector<int> word;                 // per row: word index just read, kNoWord for the zero state
  std::vector<corpus::ClausePart> part;  // per row: clause part of that word (the zero state: first clause)
  std::vector<int> error_code;           // per row: 0..8 (paper-notes §2) against the row's sentence, kNoCode without readout
  std::vector<corpus::Meaning> decoded;  // per row: the readout at that state decoded (empty without readout)
  int rows() const { return static_cast<int>(states.rows()); }
};

// The table of a session's map (session.points with its readout outputs; the results
// give valid/exact per sentence). Throws std::invalid_argument when the session has no
// points.
StatesTable make_states_table(const MapSession& session, bool unique);

// The session's layout (points x 2) at each row of the table: rows x 2, duplicates share
// their point's coordinates. Throws std::invalid_argument when the layout does not match
// the points.
Eigen::MatrixXf states_embedding(const MapSession& session, const StatesTable& table);

// The labels as TSV: header `row sentence step word clause_position error_code decoded
// valid exact`, then one line per table row (docs/FORMATS.md).
std::string states_labels_tsv(const MapSession& session, const StatesTable& table);

struct StatesFiles {
  std::filesystem::path states;     // .npy, rows x state width, '<f4'
  std::filesystem::path labels;     // .tsv
  std::filesystem::path embedding;  // .npy, rows x 2, '<f4'; empty: not written
};

// Checks, before the session is built, that every file can be written (io::check_writable)
// and that no two of them are the same file. Throws std::runtime_error naming the path
// (std::invalid_argument for a path given twice).
void check_states_files(const StatesFiles& files);

// Writes the files all or nothing (io::write_files_atomic): on failure no existing file
// is replaced. Throws std::runtime_error naming the path.
void write_states(const MapSession& session, const StatesTable& table, const StatesFiles& files);

}  // namespace rssviz::experiment
