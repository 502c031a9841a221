// Running a trained LSTM: outputs after END for a data set (for the metrics) and the
// full trajectory of states and outputs for a list of sentences (for the maps, the
// unit plots and the per-step error codes). Both use forward_sentence of lstm.hpp, so
// they see exactly the numbers training saw.
#pragma once
#include <Eigen/Core>
#include <vector>

#include "core/corpus/dataset.hpp"
#include "core/lstm/lstm.hpp"
#include "core/metrics/metrics.hpp"

namespace rssviz::lstm {

// Outputs after each sentence's last token: sentences x O, rows in the given order.
// Parallel over sentences (static partition; the result does not depend on threads;
// 0 = all cores). Throws std::invalid_argument naming the sentence with a token
// outside [0, V) or an empty sentence.
template <class T>
Eigen::MatrixXd predict(const BasicLstm<T>& model, const std::vector<std::vector<int>>& sentences, int threads = 1);
template <class T>
Eigen::MatrixXd predict(const BasicLstm<T>& model, const corpus::Dataset& data, int threads = 1);

// MSE (equation 9 over the whole set: mean over sentences and outputs) of `outputs`
// (sentences x O) against data.teacher.
double mean_squared_error(const Eigen::MatrixXd& outputs, const corpus::Dataset& data);

// Test-set style evaluation: valid/exact error and RMSE (core/metrics) of the END outputs.
template <class T>
metrics::Scores evaluate(const BasicLstm<T>& model, const corpus::Grammar& grammar, const corpus::Dataset& data,
                         int threads = 1);

// For the maps of the learning stages (one projection per epoch):
//
//   Trainer tr(corpus, LstmOptions{}, TrainerOptions{});
//   while (!tr.finished()) tr.run_epoch(&stop);
//   for (int e = 0; e <= tr.epoch(); ++e) {
//     const Inspection ins = inspect(tr.snapshot(e), sentences);  // e = 0: untrained
//     project(ins.cell);  // rows are the states; ins.offsets says which sentence
//   }
//
// Every state of every sentence, in one matrix per quantity (one row per state, ready
// for a map: rows are points). For sentence s of length L_s, rows
// offsets[s] .. offsets[s] + L_s hold the L_s + 1 states: row offsets[s] is the zero
// state before the first token (c_0 = h_0 = 0, output = b_y), row offsets[s] + t the
// state after token t. offsets has sentences + 1 entries, the last one = rows.
struct Inspection {
  Eigen::MatrixXd cell;    // rows x H: c_t (the LSTM's memory, what the paper maps)
  Eigen::MatrixXd hidden;  // rows x H: h_t
  Eigen::MatrixXd output;  // rows x O: y_t = W_y h_t + b_y (equation 8 at every step)
  std::vector<int> offsets;
  int sentences() const { return static_cast<int>(offsets.size()) - 1; }
  int rows() const { return offsets.empty() ? 0 : offsets.back(); }
  // Row of the state after `token` tokens of sentence s (0 = the zero state).
  int row(int s, int token) const { return offsets[static_cast<size_t>(s)] + token; }
};

// Same errors as predict().
template <class T>
Inspection inspect(const BasicLstm<T>& model, const std::vector<std::vector<int>>& sentences, int threads = 1);
template <class T>
Inspection inspect(const BasicLstm<T>& model, const corpus::Dataset& data, int threads = 1);

// Throws std::invalid_argument unless every sentence is non-empty with tokens in [0, vocabulary).
void check_tokens(const std::vector<std::vector<int>>& sentences, int vocabulary, const char* what);
std::vector<std::vector<int>> tokens_of(const corpus::Dataset& data);

}  // namespace rssviz::lstm
