// The LSTM of the paper (shared/paper-notes.md section 4): one LSTM layer, then a linear
// layer to the 2 C outputs, read after the sentence's last token (END).
//
// Notation. V inputs (vocabulary), H hidden units, O outputs. The input x_t is one-hot
// (token k_t), so W_x x_t is the column k_t of W_x: the code gathers that column instead
// of multiplying by a dense one-hot vector. The four gates are fused in one block of 4H
// rows, in the order i, f, g, o (input, forget, candidate, output), so that one
// matrix-vector product U h computes all four.
//
//   (1)  a_t = W_x[:, k_t] + U h_{t-1} + b               a_t = [a_i; a_f; a_g; a_o], 4H
//   (2)  i_t = sigma(a_i)        (3) f_t = sigma(a_f)
//   (4)  g_t = tanh(a_g)         (5) o_t = sigma(a_o)
//   (6)  c_t = f_t * c_{t-1} + i_t * g_t                  (* is element-wise)
//   (7)  h_t = o_t * tanh(c_t)                            h_0 = c_0 = 0
//   (8)  y_t = W_y h_t + b_y                              read at t = T (END)
//   (9)  L   = 1 / (B O) sum_b sum_k (y_{T_b, k} - z_{b, k})^2   (MSE over a batch of B)
//
// Backpropagation through time (what backward_sentence computes), with dX = dL/dX:
//   (10) dy = 2 / (B O) (y_T - z);  dW_y += dy h_T^T;  db_y += dy;  dh_T = W_y^T dy
//   for t = T .. 1, with dc_{T} starting at 0:
//   (11) do = dh_t * tanh(c_t);  dc_t += dh_t * o_t * (1 - tanh(c_t)^2)
//   (12) di = dc_t * g_t;  dg = dc_t * i_t;  df = dc_t * c_{t-1};  dc_{t-1} = dc_t * f_t
//   (13) da = [di i(1-i); df f(1-f); dg (1-g^2); do o(1-o)]
//   (14) dW_x[:, k_t] += da;  db += da;  dU += da h_{t-1}^T;  dh_{t-1} = U^T da
//
// sigma and tanh are both computed through one vectorised exp: sigma(x) = 1 / (1 + e^-x)
// and tanh(x) = 2 sigma(2x) - 1 (absolute error ~1e-16, enough for gradient checks).
//
// Initialisation (the paper's Keras defaults): W_x Glorot-uniform over (V, 4H), U
// orthogonal (the 4H x H matrix has orthonormal columns), b = 0 except the forget block
// = forget_bias (1), W_y Glorot-uniform over (H, O), b_y = 0. Each matrix draws from its
// own stream Rng(seed, "lstm.Wx" | "lstm.U" | "lstm.Wy").
//
// The engine is templated on the scalar so that the gradient checks run in double on the
// exact code that trains. rssviz trains in double: it is the precision the gradient
// checks verify and it already trains the paper's 35 epochs in well under the time
// budget; float (BasicTrainer<float>) is ~1.7x faster and kept for benchmarks
// (docs/BENCHMARKS.md).
#pragma once
#include <Eigen/Core>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace rssviz::lstm {

struct LstmOptions {
  int hidden = 20;            // H: LSTM units; more = more capacity, slower (paper: 20)
  double forget_bias = 1.0;   // initial bias of the forget gate; 1 keeps memory early in training (paper: 1)
  std::uint64_t seed = 1;     // seed of the weight initialisation streams
  void validate() const;      // throws std::invalid_argument naming the bad field and its range
  bool operator==(const LstmOptions&) const = default;
};

// All parameters in one contiguous buffer (so Adam, gradient reduction and snapshots
// are flat loops), viewed as the five blocks of the equations. Layout, in order:
// W_x (4H x V, column-major: a token's column is contiguous), U (4H x H, column-major),
// b (4H), W_y (O x H, column-major), b_y (O).
template <class T>
class BasicLstmParams {
 public:
  using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
  using Vec = Eigen::Matrix<T, Eigen::Dynamic, 1>;
  using MatMap = Eigen::Map<Mat, Eigen::Aligned16>;
  using CMatMap = Eigen::Map<const Mat, Eigen::Aligned16>;
  using VecMap = Eigen::Map<Vec, Eigen::Aligned16>;
  using CVecMap = Eigen::Map<const Vec, Eigen::Aligned16>;

  BasicLstmParams() = default;
  BasicLstmParams(int inputs, int hidden, int outputs) { resize(inputs, hidden, outputs); }
  void resize(int inputs, int hidden, int outputs) {
    if (inputs < 1 || hidden < 1 || outputs < 1)
      throw std::invalid_argument("LSTM sizes must be >= 1 (inputs " + std::to_string(inputs) + ", hidden " +
                                  std::to_string(hidden) + ", outputs " + std::to_string(outputs) + ")");
    v_ = inputs;
    h_ = hidden;
    o_ = outputs;
    // Each block starts on an even index so that 16-byte alignment holds for double.
    off_wx_ = 0;
    off_u_ = pad(off_wx_ + 4L * h_ * v_);
    off_b_ = pad(off_u_ + 4L * h_ * h_);
    off_wy_ = pad(off_b_ + 4L * h_);
    off_by_ = pad(off_wy_ + static_cast<long>(o_) * h_);
    data_.setZero(pad(off_by_ + o_));
  }

  int inputs() const { return v_; }
  int hidden() const { return h_; }
  int outputs() const { return o_; }
  // Number of scalars in the buffer (blocks plus alignment padding, which stays 0).
  long size() const { return data_.size(); }
  Vec& flat() { return data_; }
  const Vec& flat() const { return data_; }

  MatMap Wx() { return MatMap(data_.data() + off_wx_, 4 * h_, v_); }
  MatMap U() { return MatMap(data_.data() + off_u_, 4 * h_, h_); }
  VecMap b() { return VecMap(data_.data() + off_b_, 4 * h_); }
  MatMap Wy() { return MatMap(data_.data() + off_wy_, o_, h_); }
  VecMap by() { return VecMap(data_.data() + off_by_, o_); }
  CMatMap Wx() const { return CMatMap(data_.data() + off_wx_, 4 * h_, v_); }
  CMatMap U() const { return CMatMap(data_.data() + off_u_, 4 * h_, h_); }
  CVecMap b() const { return CVecMap(data_.data() + off_b_, 4 * h_); }
  CMatMap Wy() const { return CMatMap(data_.data() + off_wy_, o_, h_); }
  CVecMap by() const { return CVecMap(data_.data() + off_by_, o_); }

  template <class S>
  BasicLstmParams<S> cast() const {
    BasicLstmParams<S> r(v_, h_, o_);
    r.flat() = data_.template cast<S>();
    return r;
  }

 private:
  static long pad(long n) { return (n + 1) & ~1L; }
  int v_ = 0, h_ = 0, o_ = 0;
  long off_wx_ = 0, off_u_ = 0, off_b_ = 0, off_wy_ = 0, off_by_ = 0;
  Vec data_;
};

// Scratch memory of one sentence's forward and backward pass. It grows to the longest
// sentence seen and is then reused: the training loop allocates nothing.
template <class T>
struct BasicSentenceWork {
  using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
  using Vec = Eigen::Matrix<T, Eigen::Dynamic, 1>;
  Mat gates;   // 4H x T: column t-1 holds [i; f; g; o] of step t, after the nonlinearity
  Mat cells;   // H x (T + 1): c_0 = 0, c_1 .. c_T
  Mat hiddens; // H x (T + 1): h_0 = 0, h_1 .. h_T
  Mat tanh_c;  // H x T: tanh(c_t)
  Mat dgates;  // 4H x T: da of equation (13) for every step
  Vec y;       // O: the output after the last token
  Vec dy, dh, dc, dgate_scale;
  int hidden = 0;
  int capacity = 0;
  void reserve(int hidden_units, int outputs, int length);
};

namespace kernel {

// Equations (1)-(7) for one step: gate pre-activations from token and h_prev, then
// gates (written to `gates`, 4H), c (to `c`) and tanh(c) and h. `scale` is the 4H
// vector (1, 1, 2, 1 per block) that turns the g block's sigma into a tanh.
template <class T, class P>
void cell_forward(const P& p, int token, const T* h_prev, const T* c_prev, T* gates, T* c, T* tanh_c, T* h);

// Equations (11)-(13) for one step: given dh_t and dc_t (dc is updated in place to
// dc_{t-1}), writes da (4H). The caller then applies equation (14).
template <class T>
void cell_backward(int hidden, const T* gates, const T* c_prev, const T* tanh_c, const T* dh, T* dc, T* da);

}  // namespace kernel

// Forward pass of one sentence (tokens in [0, V)): fills work.gates/cells/hiddens/
// tanh_c and work.y = y_T (equation 8).
template <class T>
void forward_sentence(const BasicLstmParams<T>& p, const int* tokens, int length, BasicSentenceWork<T>& work);

// Backward pass of the sentence last passed to forward_sentence, given dL/dy_T in
// work.dy: accumulates (+=) equations (10)-(14) into `grad` (same layout as p).
template <class T>
void backward_sentence(const BasicLstmParams<T>& p, const int* tokens, int length, BasicSentenceWork<T>& work,
                       BasicLstmParams<T>& grad);

// Equation (9) for one sentence with weight `scale` = 1 / (B O): returns
// scale * sum_k (y_k - z_k)^2 and writes dy = 2 scale (y - z).
template <class T>
T mse_and_gradient(const T* y, const T* z, int outputs, T scale, T* dy);

// The network: parameters plus the options that made them.
template <class T>
class BasicLstm {
 public:
  using Params = BasicLstmParams<T>;
  using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;

  BasicLstm() = default;
  // Initialised as in the paper (see the header comment) from options.seed.
  BasicLstm(int inputs, int outputs, const LstmOptions& options);
  // Wraps given parameters (e.g. read from a model file or a snapshot).
  BasicLstm(Params params, const LstmOptions& options);

  const LstmOptions& options() const { return options_; }
  int inputs() const { return params_.inputs(); }
  int hidden() const { return params_.hidden(); }
  int outputs() const { return params_.outputs(); }
  Params& params() { return params_; }
  const Params& params() const { return params_; }

 private:
  LstmOptions options_;
  Params params_;
};

using LstmParams = BasicLstmParams<double>;
using LstmParamsF = BasicLstmParams<float>;
using SentenceWork = BasicSentenceWork<double>;
using Lstm = BasicLstm<double>;

}  // namespace rssviz::lstm

#include "core/lstm/lstm_impl.hpp"
