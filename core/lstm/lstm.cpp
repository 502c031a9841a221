// Non-template parts of lstm.hpp and the explicit instantiations the rest of the core uses.
#include "core/lstm/lstm.hpp"

#include "core/common/check.hpp"

namespace rssviz::lstm {

void LstmOptions::validate() const {
  check_range("LstmOptions.hidden", hidden, 1, 4096);
  check_range("LstmOptions.forget_bias", forget_bias, -100.0, 100.0);
}

template class BasicLstm<double>;
template class BasicLstm<float>;

}  // namespace rssviz::lstm
