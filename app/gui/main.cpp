// rssviz: the desktop application, and its headless subcommands `render` and `animate`
// (app/gui/cmd_*.cpp), which run on Qt's offscreen platform without any window system.
// Wiring only.
#include <QApplication>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "app/gui/headless.hpp"
#include "core/common/progress.hpp"
#include "ui/main_window.hpp"

namespace {

bool headless_request(int argc, char** argv) {
  if (argc < 2) return false;
  for (const char* a : {"render", "animate", "--help", "-h", "--version"})
    if (std::strcmp(argv[1], a) == 0) return true;
  return false;
}

int run_headless(int argc, char** argv) {
  // The offscreen platform needs no display, window manager or X server, whatever
  // DISPLAY says.
  qputenv("QT_QPA_PLATFORM", "offscreen");
  int qt_argc = 1;
  QApplication qt(qt_argc, argv);
  QApplication::setOrganizationName("rssviz");
  QApplication::setApplicationName("rssviz");
  QApplication::setApplicationVersion(RSSVIZ_VERSION);
  CLI::App app{"rssviz: recurrent state space workbench (ESN and LSTM on the Cross-Situational Learning task, "
               "their state space as UMAP maps). Without arguments it opens the window on the embedded default "
               "session; the subcommands below draw figures and animations without any window system.",
               "rssviz"};
  app.set_version_flag("--version", std::string("rssviz ") + RSSVIZ_VERSION);
  app.require_subcommand(1);
  rssviz::gui::add_render_command(app);
  rssviz::gui::add_animate_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "rssviz: error: " << e.what() << " (see --help)\n";
    return 2;
  } catch (const rssviz::app::UsageError& e) {
    std::cerr << "rssviz: error: " << e.what() << " (see --help)\n";
    return 2;
  } catch (const std::invalid_argument& e) {
    std::cerr << "rssviz: error: " << e.what() << "\n";
    return 2;
  } catch (const rssviz::Cancelled&) {
    std::cerr << "rssviz: cancelled\n";
    return 130;
  } catch (const std::exception& e) {
    std::cerr << "rssviz: error: " << e.what() << "\n";
    return 1;
  }
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    std::cerr << "rssviz: error: writing to standard output failed\n";
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (headless_request(argc, argv)) return run_headless(argc, argv);
  QApplication app(argc, argv);  // takes Qt's own arguments (-platform, -style, ...)
  QApplication::setOrganizationName("rssviz");
  QApplication::setApplicationName("rssviz");
  QApplication::setApplicationVersion(RSSVIZ_VERSION);
  const QStringList rest = QApplication::arguments().mid(1);
  if (!rest.isEmpty()) {
    std::fprintf(stderr, "rssviz: error: unknown argument \"%s\" (see rssviz --help)\n", rest.front().toLocal8Bit().constData());
    return 2;
  }
  rssviz::ui::MainWindow w;
  w.show();
  return QApplication::exec();
}
