// Session files (core/io/session_file.hpp) and the sessions they describe: the options
// each builder gets from a file, the rebuild on open (from the embedded weights, or by
// training again with the same seeds), and the weights a save embeds. The window, the
// headless `rssviz render/animate --session` and the tests share these, so a session
// reopens the same everywhere.
#pragma once
#include <functional>
#include <memory>
#include <vector>

#include "core/common/progress.hpp"
#include "core/experiment/explore.hpp"
#include "core/experiment/map_session.hpp"
#include "core/experiment/workbench.hpp"
#include "core/io/session_file.hpp"

namespace rssviz::experiment {

// The builders' options for a file; every thread count is `threads` (results do not
// depend on it). Throws std::runtime_error for a corpus file (not in this build yet).
EsnSessionOptions esn_session_options(const io::SessionFile& f, int threads);
LstmSessionOptions lstm_session_options(const io::SessionFile& f, int threads);
ExploreOptions explore_options(const io::SessionFile& f, int threads);

// Rebuilds the session `f` describes: from its embedded weights when it has them (no
// training), else by training again; either way the same bits as the session saved.
// `on_frame` gets every LSTM frame's session as it is mapped (a live view; may be
// empty). `name` (the file) starts the error messages. Throws std::runtime_error when the
// file's parts do not agree (an embedded model that does not fit its corpus or
// options), Cancelled when stopped.
using FrameFn = std::function<void(std::shared_ptr<MapSession>)>;
std::shared_ptr<MapSession> build_saved_session(const io::SessionFile& f, const std::string& name, int threads,
                                                const StopFlag* stop = nullptr, const ProgressFn& progress = {},
                                                const FrameFn& on_frame = {});

// What `session` (built from `f`'s options) embeds: ESN: its model; LSTM: the network of
// every frame, with the training curve; explored ESN: its layout. Throws
// std::runtime_error when the session holds no model (built without one).
std::vector<io::EmbeddedFile> session_weights(const io::SessionFile& f, const MapSession& session);

// `f` updated to describe what `session` is (trained or explored, epochs trained), and
// an explored map's layout embedded (it depends on the drag that made it).
io::SessionFile describe_session(io::SessionFile f, const MapSession& session, bool embed_weights);

}  // namespace rssviz::experiment
