// Template definitions for lstm.hpp (equation numbers refer to that header).
#pragma once
#include <Eigen/Core>
#include <Eigen/QR>
#include <cmath>

#include "core/common/rng.hpp"

namespace rssviz::lstm {

template <class T>
void BasicSentenceWork<T>::reserve(int hidden_units, int outputs, int length) {
  if (hidden_units != hidden) {
    hidden = hidden_units;
    capacity = 0;
    dgate_scale.setOnes(4 * hidden);
    dgate_scale.segment(2 * hidden, hidden).setConstant(T(2));
  }
  if (y.size() != outputs) {
    y.setZero(outputs);
    dy.setZero(outputs);
  }
  if (length > capacity) {
    const int cap = std::max(length, 2 * capacity);
    gates.setZero(4 * hidden, cap);
    dgates.setZero(4 * hidden, cap);
    cells.setZero(hidden, cap + 1);
    hiddens.setZero(hidden, cap + 1);
    tanh_c.setZero(hidden, cap);
    dh.setZero(hidden);
    dc.setZero(hidden);
    capacity = cap;
  }
}

namespace kernel {

template <class T, class P>
void cell_forward(const P& p, int token, const T* h_prev, const T* c_prev, T* gates, T* c, T* tanh_c, T* h) {
  using Vec = Eigen::Matrix<T, Eigen::Dynamic, 1>;
  const int H = p.hidden();
  Eigen::Map<Vec> a(gates, 4 * H);
  // (1): the one-hot product is a column gather.
  a.noalias() = p.U() * Eigen::Map<const Vec>(h_prev, H);
  a += p.Wx().col(token) + p.b();
  // (2)-(5): sigma on all 4H at once, the g block through tanh(x) = 2 sigma(2x) - 1.
  a.segment(2 * H, H) *= T(2);
  a = (T(1) + (-a.array()).exp()).inverse().matrix();
  a.segment(2 * H, H) = (T(2) * a.segment(2 * H, H).array() - T(1)).matrix();
  const auto i = a.segment(0, H).array();
  const auto f = a.segment(H, H).array();
  const auto g = a.segment(2 * H, H).array();
  const auto o = a.segment(3 * H, H).array();
  Eigen::Map<Vec> cv(c, H), tc(tanh_c, H), hv(h, H);
  // (6)
  cv.array() = f * Eigen::Map<const Vec>(c_prev, H).array() + i * g;
  // (7)
  tc.array() = T(2) / (T(1) + (T(-2) * cv.array()).exp()) - T(1);
  hv.array() = o * tc.array();
}

template <class T>
void cell_backward(int H, const T* gates, const T* c_prev, const T* tanh_c, const T* dh, T* dc, T* da) {
  using Arr = Eigen::Array<T, Eigen::Dynamic, 1>;
  Eigen::Map<const Arr> i(gates, H), f(gates + H, H), g(gates + 2 * H, H), o(gates + 3 * H, H);
  Eigen::Map<const Arr> tc(tanh_c, H), cp(c_prev, H), dhv(dh, H);
  Eigen::Map<Arr> dcv(dc, H);
  // (11)
  dcv += dhv * o * (T(1) - tc * tc);
  // (12)-(13)
  Eigen::Map<Arr>(da, H) = dcv * g * i * (T(1) - i);
  Eigen::Map<Arr>(da + H, H) = dcv * cp * f * (T(1) - f);
  Eigen::Map<Arr>(da + 2 * H, H) = dcv * i * (T(1) - g * g);
  Eigen::Map<Arr>(da + 3 * H, H) = dhv * tc * o * (T(1) - o);
  dcv *= f;
}

}  // namespace kernel

template <class T>
void forward_sentence(const BasicLstmParams<T>& p, const int* tokens, int length, BasicSentenceWork<T>& w) {
  const int H = p.hidden();
  w.reserve(H, p.outputs(), length);
  w.cells.col(0).setZero();
  w.hiddens.col(0).setZero();
  for (int t = 0; t < length; ++t)
    kernel::cell_forward<T>(p, tokens[t], w.hiddens.col(t).data(), w.cells.col(t).data(), w.gates.col(t).data(),
                            w.cells.col(t + 1).data(), w.tanh_c.col(t).data(), w.hiddens.col(t + 1).data());
  // (8)
  w.y.noalias() = p.Wy() * w.hiddens.col(length);
  w.y += p.by();
}

template <class T>
void backward_sentence(const BasicLstmParams<T>& p, const int* tokens, int length, BasicSentenceWork<T>& w,
                       BasicLstmParams<T>& grad) {
  const int H = p.hidden();
  // (10)
  grad.Wy().noalias() += w.dy * w.hiddens.col(length).transpose();
  grad.by() += w.dy;
  w.dh.noalias() = p.Wy().transpose() * w.dy;
  w.dc.setZero();
  auto Wx = grad.Wx();
  for (int t = length - 1; t >= 0; --t) {
    T* da = w.dgates.col(t).data();
    kernel::cell_backward<T>(H, w.gates.col(t).data(), w.cells.col(t).data(), w.tanh_c.col(t).data(), w.dh.data(),
                             w.dc.data(), da);
    // (14), the sequential part: dh_{t-1} = U^T da. The sums over t are done below.
    if (t > 0) w.dh.noalias() = p.U().transpose() * w.dgates.col(t);
    Wx.col(tokens[t]) += w.dgates.col(t);
  }
  // (14), summed over all steps at once: one small matrix product instead of T outer ones.
  grad.U().noalias() += w.dgates.leftCols(length) * w.hiddens.leftCols(length).transpose();
  grad.b() += w.dgates.leftCols(length).rowwise().sum();
}

template <class T>
T mse_and_gradient(const T* y, const T* z, int outputs, T scale, T* dy) {
  T loss = 0;
  for (int k = 0; k < outputs; ++k) {
    const T d = y[k] - z[k];
    loss += d * d;
    dy[k] = T(2) * scale * d;
  }
  return scale * loss;
}

namespace detail {

template <class M>
void glorot_uniform(M&& m, int fan_in, int fan_out, Rng& rng) {
  const double limit = std::sqrt(6.0 / (fan_in + fan_out));
  // Fill in the order of the Keras kernel (fan_in x fan_out, row-major): row r of the
  // kernel is column r of our transposed layout.
  for (Eigen::Index j = 0; j < m.cols(); ++j)
    for (Eigen::Index i = 0; i < m.rows(); ++i) m(i, j) = static_cast<typename std::decay_t<M>::Scalar>(rng.uniform(-limit, limit));
}

}  // namespace detail

template <class T>
BasicLstm<T>::BasicLstm(int inputs, int outputs, const LstmOptions& options) : options_(options) {
  options.validate();
  const int H = options.hidden;
  params_.resize(inputs, H, outputs);
  Rng rwx(options.seed, "lstm.Wx"), ru(options.seed, "lstm.U"), rwy(options.seed, "lstm.Wy");
  detail::glorot_uniform(params_.Wx(), inputs, 4 * H, rwx);
  // Orthogonal: QR of a 4H x H Gaussian matrix, signs fixed by diag(R) so the
  // distribution is uniform (Haar) over matrices with orthonormal columns.
  Eigen::MatrixXd g(4 * H, H);
  for (Eigen::Index j = 0; j < g.cols(); ++j)
    for (Eigen::Index i = 0; i < g.rows(); ++i) g(i, j) = ru.normal();
  Eigen::HouseholderQR<Eigen::MatrixXd> qr(g);
  Eigen::MatrixXd q = qr.householderQ() * Eigen::MatrixXd::Identity(4 * H, H);
  const Eigen::MatrixXd r = qr.matrixQR().topRows(H).template triangularView<Eigen::Upper>();
  for (int j = 0; j < H; ++j)
    if (r(j, j) < 0) q.col(j) = -q.col(j);
  params_.U() = q.cast<T>();
  params_.b().setZero();
  params_.b().segment(H, H).setConstant(static_cast<T>(options.forget_bias));
  detail::glorot_uniform(params_.Wy(), H, outputs, rwy);
  params_.by().setZero();
}

template <class T>
BasicLstm<T>::BasicLstm(Params params, const LstmOptions& options) : options_(options), params_(std::move(params)) {
  options_.hidden = params_.hidden();
}

}  // namespace rssviz::lstm
