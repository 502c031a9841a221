// Latest-value mailbox: a worker posts snapshots, the GUI's redraw timer takes the newest.
// Older unread snapshots are simply replaced, so a fast producer never queues work.
#pragma once
#include <memory>
#include <mutex>

namespace rssviz::ui {

template <class T>
class Mailbox {
 public:
  void post(std::shared_ptr<const T> v) {
    std::lock_guard lock(m_);
    v_ = std::move(v);
  }
  // The newest snapshot since the last take(), or null.
  std::shared_ptr<const T> take() {
    std::lock_guard lock(m_);
    return std::exchange(v_, nullptr);
  }

 private:
  std::mutex m_;
  std::shared_ptr<const T> v_;
};

}  // namespace rssviz::ui
