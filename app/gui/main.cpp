// rssviz: the desktop application. Wiring only.
#include <QApplication>

#include "ui/main_window.hpp"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setOrganizationName("rssviz");
  QApplication::setApplicationName("rssviz");
  QApplication::setApplicationVersion(RSSVIZ_VERSION);
  rssviz::ui::MainWindow w;
  w.show();
  return QApplication::exec();
}
