#include "core/lstm/inspect.hpp"

#include <stdexcept>
#include <string>
#include <vector>

#include "core/common/parallel.hpp"

namespace rssviz::lstm {

void check_tokens(const std::vector<std::vector<int>>& sentences, int vocabulary, const char* what) {
  for (size_t s = 0; s < sentences.size(); ++s) {
    if (sentences[s].empty())
      throw std::invalid_argument(std::string(what) + ": sentence " + std::to_string(s) + " is empty");
    for (size_t t = 0; t < sentences[s].size(); ++t) {
      const int k = sentences[s][t];
      if (k < 0 || k >= vocabulary)
        throw std::invalid_argument(std::string(what) + ": sentence " + std::to_string(s) + ", token " +
                                    std::to_string(t) + " = " + std::to_string(k) + " is out of range [0, " +
                                    std::to_string(vocabulary - 1) + "]");
    }
  }
}

std::vector<std::vector<int>> tokens_of(const corpus::Dataset& data) {
  std::vector<std::vector<int>> r;
  r.reserve(data.sentences.size());
  for (const auto& s : data.sentences) r.push_back(s.tokens);
  return r;
}

template <class T>
Eigen::MatrixXd predict(const BasicLstm<T>& model, const std::vector<std::vector<int>>& sentences, int threads) {
  check_tokens(sentences, model.inputs(), "LSTM predict");
  const int n = static_cast<int>(sentences.size());
  Eigen::MatrixXd out(n, model.outputs());
  const int nt = resolve_threads(threads);
  std::vector<BasicSentenceWork<T>> work(static_cast<size_t>(threads_for(n, nt)));
  parallel_for(n, nt, [&](int s, int thread) {
    auto& w = work[static_cast<size_t>(thread)];
    const auto& tok = sentences[static_cast<size_t>(s)];
    forward_sentence(model.params(), tok.data(), static_cast<int>(tok.size()), w);
    out.row(s) = w.y.template cast<double>().transpose();
  });
  return out;
}

template <class T>
Eigen::MatrixXd predict(const BasicLstm<T>& model, const corpus::Dataset& data, int threads) {
  return predict(model, tokens_of(data), threads);
}

double mean_squared_error(const Eigen::MatrixXd& outputs, const corpus::Dataset& data) {
  if (outputs.rows() != data.teacher.rows() || outputs.cols() != data.teacher.cols())
    throw std::invalid_argument("mean_squared_error: outputs are " + std::to_string(outputs.rows()) + " x " +
                                std::to_string(outputs.cols()) + ", the teacher " +
                                std::to_string(data.teacher.rows()) + " x " + std::to_string(data.teacher.cols()));
  if (outputs.size() == 0) return 0.0;
  return (outputs - data.teacher).squaredNorm() / static_cast<double>(outputs.size());
}

template <class T>
metrics::Scores evaluate(const BasicLstm<T>& model, const corpus::Grammar& grammar, const corpus::Dataset& data,
                         int threads) {
  if (model.inputs() != grammar.vocabulary_size() || model.outputs() != grammar.output_size())
    throw std::invalid_argument("LSTM evaluate: the model has " + std::to_string(model.inputs()) + " inputs and " +
                                std::to_string(model.outputs()) + " outputs, the corpus (n = " +
                                std::to_string(grammar.objects()) + ") needs " +
                                std::to_string(grammar.vocabulary_size()) + " and " +
                                std::to_string(grammar.output_size()));
  return metrics::evaluate(grammar, data, predict(model, data, threads));
}

template <class T>
Inspection inspect(const BasicLstm<T>& model, const std::vector<std::vector<int>>& sentences, int threads) {
  check_tokens(sentences, model.inputs(), "LSTM inspect");
  const int n = static_cast<int>(sentences.size());
  Inspection r;
  r.offsets.resize(static_cast<size_t>(n) + 1);
  r.offsets[0] = 0;
  for (int s = 0; s < n; ++s)
    r.offsets[static_cast<size_t>(s) + 1] = r.offsets[static_cast<size_t>(s)] + static_cast<int>(sentences[static_cast<size_t>(s)].size()) + 1;
  const int rows = r.offsets.back();
  const int H = model.hidden();
  r.cell.resize(rows, H);
  r.hidden.resize(rows, H);
  r.output.resize(rows, model.outputs());
  const auto& p = model.params();
  const int nt = resolve_threads(threads);
  std::vector<BasicSentenceWork<T>> work(static_cast<size_t>(threads_for(n, nt)));
  parallel_for(n, nt, [&](int s, int thread) {
    auto& w = work[static_cast<size_t>(thread)];
    const auto& tok = sentences[static_cast<size_t>(s)];
    const int L = static_cast<int>(tok.size());
    forward_sentence(p, tok.data(), L, w);
    const int r0 = r.offsets[static_cast<size_t>(s)];
    r.cell.middleRows(r0, L + 1) = w.cells.leftCols(L + 1).transpose().template cast<double>();
    r.hidden.middleRows(r0, L + 1) = w.hiddens.leftCols(L + 1).transpose().template cast<double>();
    r.output.middleRows(r0, L + 1) =
        ((p.Wy() * w.hiddens.leftCols(L + 1)).colwise() + p.by()).transpose().template cast<double>();
  });
  return r;
}

template <class T>
Inspection inspect(const BasicLstm<T>& model, const corpus::Dataset& data, int threads) {
  return inspect(model, tokens_of(data), threads);
}

#define RSSVIZ_INSTANTIATE(T)                                                                                 \
  template Eigen::MatrixXd predict(const BasicLstm<T>&, const std::vector<std::vector<int>>&, int);          \
  template Eigen::MatrixXd predict(const BasicLstm<T>&, const corpus::Dataset&, int);                        \
  template metrics::Scores evaluate(const BasicLstm<T>&, const corpus::Grammar&, const corpus::Dataset&, int); \
  template Inspection inspect(const BasicLstm<T>&, const std::vector<std::vector<int>>&, int);               \
  template Inspection inspect(const BasicLstm<T>&, const corpus::Dataset&, int);
RSSVIZ_INSTANTIATE(double)
RSSVIZ_INSTANTIATE(float)
#undef RSSVIZ_INSTANTIATE

}  // namespace rssviz::lstm
