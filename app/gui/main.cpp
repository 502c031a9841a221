// rssviz: the desktop application, and its headless subcommands `render`, `animate`, `plot`
// (app/gui/cmd_*.cpp), which run on Qt's offscreen platform without any window system.
// Wiring only.
#include <QApplication>
#include <QTimer>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

#include "app/common/run.hpp"
#include "app/gui/headless.hpp"
#include "core/common/isa.hpp"
#include "core/common/memory.hpp"
#include "core/common/progress.hpp"
#include "ui/main_window.hpp"
#include "ui/session_actions.hpp"

namespace {

bool headless_request(int argc, char** argv) {
  if (argc < 2) return false;
  if (std::strcmp(argv[1], "--session") == 0) return false;  // rssviz --session FILE: the window
  for (const char* a : {"render", "animate", "plot", "-h"})
    if (std::strcmp(argv[1], a) == 0) return true;
  // Qt's own options take one dash (-platform, -style); ours take two: --help,
  // --version, and anything else is reported by the command-line parser.
  return std::strncmp(argv[1], "--", 2) == 0;
}

// Headless runs print one line per problem: Qt's own chatter on the offscreen platform
// (QStandardPaths about XDG_RUNTIME_DIR, font notes) is dropped; its warnings about our
// work are kept.
void quiet_qt(QtMsgType type, const QMessageLogContext&, const QString& msg) {
  if (type == QtDebugMsg || type == QtInfoMsg) return;
  if (msg.startsWith("QStandardPaths:") || msg.contains("propagateSizeHints")) return;
  std::fprintf(stderr, "rssviz: Qt: %s\n", msg.toLocal8Bit().constData());
}

int run_headless(int argc, char** argv) {
  // The offscreen platform needs no display, window manager or X server, whatever
  // DISPLAY says.
  const std::string first = argv[1];
  if (first != "render" && first != "animate" && first != "plot" && first != "--help" && first != "-h" && first != "--version") {
    std::fprintf(stderr, "rssviz: error: unknown option %s (see rssviz --help)\n", argv[1]);
    return 2;
  }
  qputenv("QT_QPA_PLATFORM", "offscreen");
  qInstallMessageHandler(quiet_qt);
  int qt_argc = 1;
  QApplication qt(qt_argc, argv);
  QApplication::setOrganizationName("rssviz");
  QApplication::setApplicationName("rssviz");
  QApplication::setApplicationVersion(RSSVIZ_VERSION);
  CLI::App app{"rssviz: recurrent state space workbench (ESN and LSTM on the Cross-Situational Learning task, "
               "their state space as UMAP maps). Without arguments it opens the window on the embedded default "
               "session; the subcommands below draw figures and animations without any window system.",
               "rssviz"};
  app.set_version_flag("--version",
                       std::string("rssviz ") + RSSVIZ_VERSION + ", kernels " + rssviz::kernel_description());
  app.require_subcommand(1);
  rssviz::gui::add_render_command(app);
  rssviz::gui::add_animate_command(app);
  rssviz::gui::add_plot_command(app);
  return rssviz::app::run_command_line(app, argc, argv, "rssviz");
}

}  // namespace

int main(int argc, char** argv) {
  rssviz::keep_freed_memory();  // before any thread: large buffers are reused, not mapped afresh
  if (headless_request(argc, argv)) return run_headless(argc, argv);
  if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY") &&
      qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
    std::fprintf(stderr,
                 "rssviz: error: no display (DISPLAY and WAYLAND_DISPLAY are unset): the window needs one; "
                 "rssviz render / rssviz animate make figures without it (see rssviz --help)\n");
    return 1;
  }
  QApplication app(argc, argv);  // takes Qt's own arguments (-platform, -style, ...)
  QApplication::setOrganizationName("rssviz");
  QApplication::setApplicationName("rssviz");
  QApplication::setApplicationVersion(RSSVIZ_VERSION);
  // rssviz FILE or rssviz --session FILE opens a session file.
  QStringList rest = QApplication::arguments().mid(1);
  if (!rest.isEmpty() && rest.front() == "--session") {
    rest.pop_front();
    if (rest.size() != 1) {
      std::fprintf(stderr, "rssviz: error: --session needs one FILE (see rssviz --help)\n");
      return 2;
    }
  }
  if (rest.size() > 1 || (!rest.isEmpty() && rest.front().startsWith('-'))) {
    std::fprintf(stderr, "rssviz: error: unknown argument \"%s\" (see rssviz --help)\n", rest.back().toLocal8Bit().constData());
    return 2;
  }
  const QString session = rest.isEmpty() ? QString() : rest.front();
  rssviz::ui::MainWindow w(nullptr, session.isEmpty());
  w.show();
  if (!session.isEmpty()) {
    // A refused file (or its corpus file, found missing or changed once read) says why in
    // a dialog; the window then shows the default session.
    QObject::connect(w.sessionActions(), &rssviz::ui::SessionActions::openRefused, &w, [&w] {
      if (!w.workspace()->session()) w.startSession(rssviz::ui::ModelSettings{});
    });
    QTimer::singleShot(0, &w, [&w, session] { w.openSession(session); });
  }
  return QApplication::exec();
}
