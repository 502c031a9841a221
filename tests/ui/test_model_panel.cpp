// Issue #15, "In the window": the model panel is bound to the core's option structs. Its
// defaults are theirs bit for bit (the ridge once differed in the last digit), every control
// reaches the options the jobs build unchanged (one test per field, and a field without a
// test, or a control without a binding, fails), and a live update reports its latency in
// the status bar.
#include <gtest/gtest.h>

#include <QLabel>
#include <QSignalSpy>
#include <QSlider>
#include <QRegularExpression>
#include <QSpinBox>
#include <bit>
#include <cmath>
#include <cstdint>
#include <functional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "core/experiment/workbench.hpp"
#include "tests/ui/window_helpers.hpp"
#include "ui/edit_commands.hpp"
#include "ui/main_window.hpp"
#include "ui/model_panel.hpp"
#include "ui/param_slider.hpp"
#include "ui/session_document.hpp"
#include "ui/session_jobs.hpp"

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_model_panel {

using namespace rssviz;
using namespace rssviz::ui;

// One panel control, a value for it that is not the default, and everywhere the core
// options built from the panel's settings must hold that value. (Outside the anonymous
// namespace: the parameterised fixture derives from a template of it.)
struct FieldCase {
  const char* name;  // the widget's objectName (SettingField::name)
  double value;
  std::function<std::vector<double>(const ModelSettings&)> reached;
};
void PrintTo(const FieldCase& c, std::ostream* os) { *os << c.name << " = " << c.value; }

namespace {

std::uint64_t bits(double v) { return std::bit_cast<std::uint64_t>(v); }

// The value a reservoir field reaches in the ESN session, the explorer and the session file.
template <class T>
std::vector<double> reservoirs(const ModelSettings& s, T esn::ReservoirOptions::*field) {
  const io::SessionFile f = withSettings(io::SessionFile{}, s);
  return {static_cast<double>(esnSessionOptions(s).reservoir.*field),
          static_cast<double>(exploreOptions(s).reservoir.*field), static_cast<double>(f.reservoir.*field)};
}
// A live scaling also reaches the explorer's scalings.
std::vector<double> scaled(const ModelSettings& s, double esn::ReservoirOptions::*field,
                           double esn::Scalings::*scaling) {
  auto v = reservoirs(s, field);
  v.push_back(esn::Scalings::of(exploreOptions(s).reservoir).*scaling);
  return v;
}
// The value a trainer field reaches in the LSTM session and the session file.
template <class T>
std::vector<double> trainers(const ModelSettings& s, T lstm::TrainerOptions::*field) {
  return {static_cast<double>(lstmSessionOptions(s).trainer.*field),
          static_cast<double>(withSettings(io::SessionFile{}, s).trainer.*field)};
}

const std::vector<FieldCase>& cases() {
  using R = esn::ReservoirOptions;
  static const std::vector<FieldCase> all = {
      {"objects", 6,
       [](const ModelSettings& s) {
         return std::vector<double>{double(esnSessionOptions(s).objects), double(exploreOptions(s).objects),
                                    double(lstmSessionOptions(s).corpus.objects),
                                    double(withSettings(io::SessionFile{}, s).corpus.generated.objects)};
       }},
      {"seed", 7,
       [](const ModelSettings& s) {
         const auto l = lstmSessionOptions(s);
         const auto f = withSettings(io::SessionFile{}, s);
         return std::vector<double>{double(esnSessionOptions(s).reservoir.seed), double(exploreOptions(s).reservoir.seed),
                                    double(l.corpus.seed),  double(l.model.seed),
                                    double(l.trainer.seed), double(f.corpus.generated.seed),
                                    double(f.reservoir.seed), double(f.lstm.seed),
                                    double(f.trainer.seed)};
       }},
      {"mapSentences", 1000,  // the spin box's maximum
       [](const ModelSettings& s) {
         return std::vector<double>{double(esnSessionOptions(s).map_sentences), double(exploreOptions(s).map_sentences),
                                    double(lstmSessionOptions(s).map_sentences),
                                    double(withSettings(io::SessionFile{}, s).map_sentences)};
       }},
      {"spectralRadius", 1.7,
       [](const ModelSettings& s) { return scaled(s, &R::spectral_radius, &esn::Scalings::spectral_radius); }},
      {"leakRate", 0.3,
       [](const ModelSettings& s) { return scaled(s, &R::leak_rate, &esn::Scalings::leak_rate); }},
      {"inputScaling", 0.7,
       [](const ModelSettings& s) { return scaled(s, &R::input_scaling, &esn::Scalings::input_scaling); }},
      {"units", 333, [](const ModelSettings& s) { return reservoirs(s, &R::units); }},
      {"density", 0.5, [](const ModelSettings& s) { return reservoirs(s, &R::density); }},
      {"ridge", 1e-5, [](const ModelSettings& s) { return reservoirs(s, &R::ridge); }},
      {"hiddenUnits", 12,
       [](const ModelSettings& s) {
         return std::vector<double>{double(lstmSessionOptions(s).model.hidden),
                                    double(withSettings(io::SessionFile{}, s).lstm.hidden)};
       }},
      {"epochs", 7,
       [](const ModelSettings& s) {
         const auto f = withSettings(io::SessionFile{}, s);
         return std::vector<double>{double(lstmSessionOptions(s).trainer.epochs), double(f.trainer.epochs),
                                    double(f.trained_epochs)};
       }},
      {"batchSize", 5,
       [](const ModelSettings& s) { return trainers(s, &lstm::TrainerOptions::batch_size); }},
      {"learningRate", 0.0025,
       [](const ModelSettings& s) { return trainers(s, &lstm::TrainerOptions::learning_rate); }},
  };
  return all;
}

const SettingField* fieldNamed(const std::string& name) {
  for (const auto& f : settingFields())
    if (name == f.name) return &f;
  return nullptr;
}

// Sets the panel's control `name` as the user would (the field's widget).
void setControl(ModelPanel& p, const char* name, double v) {
  if (auto* spin = p.findChild<QSpinBox*>(name)) spin->setValue(static_cast<int>(v));
  else if (auto* slider = p.findChild<ParamSlider*>(name)) slider->setValue(v);
  else ADD_FAILURE() << "no control named " << name;
}

}  // namespace

// Every bound control has a case below, and every case a bound control: a parameter added
// to the panel without a test, or a test whose control lost its binding, fails here.
TEST(ModelPanel, EveryBoundControlHasAFieldTest) {
  std::set<std::string> bound, tested;
  for (const auto& f : settingFields()) EXPECT_TRUE(bound.insert(f.name).second) << "two bindings named " << f.name;
  for (const auto& c : cases()) tested.insert(c.name);
  EXPECT_EQ(bound, tested);
  ModelPanel p;
  for (const auto& f : settingFields()) {
    QWidget* w = p.findChild<QWidget*>(f.name);
    ASSERT_NE(w, nullptr) << f.name;
    EXPECT_EQ(w->toolTip(), ModelPanel::tr(f.tip)) << f.name;
  }
}

TEST(ModelPanel, DefaultsAreTheCoreStructsDefaultsBitForBit) {
  ModelPanel p;
  const ModelSettings s = p.settings();
  EXPECT_TRUE(s == ModelSettings{});
  EXPECT_TRUE(s.reservoir == esn::ReservoirOptions{});
  EXPECT_TRUE(s.lstm == lstm::LstmOptions{});
  EXPECT_TRUE(s.trainer == lstm::TrainerOptions{});
  // Each control's value, bit for bit, against the default of the core field it edits.
  for (const auto& f : settingFields()) EXPECT_EQ(bits(f.get(s)), bits(f.get(ModelSettings{}))) << f.name;
  const esn::ReservoirOptions r;
  EXPECT_EQ(bits(s.reservoir.ridge), bits(r.ridge));  // the old copy was 3.1622776601683795e-4
  EXPECT_EQ(bits(s.reservoir.spectral_radius), bits(r.spectral_radius));
  EXPECT_EQ(bits(s.reservoir.leak_rate), bits(r.leak_rate));
  EXPECT_EQ(bits(s.reservoir.input_scaling), bits(r.input_scaling));
  EXPECT_EQ(bits(s.reservoir.density), bits(r.density));
  EXPECT_EQ(s.reservoir.units, r.units);
  // The LSTM: the paper's options as the core's protocol builds them.
  const auto paper = experiment::lstm_session_options(s.objects, s.seed());
  const auto l = lstmSessionOptions(s);
  EXPECT_TRUE(l.model == paper.model);
  EXPECT_EQ(bits(l.trainer.learning_rate), bits(paper.trainer.learning_rate));
  auto trainer = l.trainer;
  trainer.threads = paper.trainer.threads;
  EXPECT_TRUE(trainer == paper.trainer);
  // Corpus, seed and map.
  EXPECT_EQ(s.objects, corpus::CorpusOptions{}.objects);
  EXPECT_EQ(s.seed(), corpus::CorpusOptions{}.seed);
  EXPECT_EQ(s.map_sentences, experiment::EsnSessionOptions{}.map_sentences);
  EXPECT_EQ(s.map_sentences, experiment::ExploreOptions{}.map_sentences);
  // What the jobs build from the defaults is what the core builds by default (threads aside).
  auto esn = esnSessionOptions(s).reservoir;
  esn.threads = r.threads;
  EXPECT_TRUE(esn == r);
}

// The master seed reaches every stream through one place.
TEST(ModelPanel, TheMasterSeedSeedsEveryStream) {
  ModelSettings s;
  s.setSeed(99);
  EXPECT_EQ(s.seed(), 99u);
  EXPECT_EQ(s.reservoir.seed, 99u);
  EXPECT_EQ(s.lstm.seed, 99u);
  EXPECT_EQ(s.trainer.seed, 99u);
  const io::SessionFile f = withSettings(io::SessionFile{}, s);
  EXPECT_EQ(f.corpus.generated.seed, 99u);
  EXPECT_TRUE(settingsOf(f) == s);
}

class ModelPanelField : public ::testing::TestWithParam<FieldCase> {};

// A value set in the panel reaches the core options unchanged, is reported once by
// edited() and named in the Edit menu, and setSettings() shows it back.
TEST_P(ModelPanelField, ReachesTheCoreOptionsUnchanged) {
  const FieldCase& c = GetParam();
  const SettingField* f = fieldNamed(c.name);
  ASSERT_NE(f, nullptr) << "no binding for " << c.name;
  ModelPanel p;
  const ModelSettings before = p.settings();
  ASSERT_NE(f->get(before), c.value) << "the test value must differ from the default";
  int edits = 0;
  ModelSettings after;
  QObject::connect(&p, &ModelPanel::edited, [&](const ModelSettings& b, const ModelSettings& a) {
    ++edits;
    EXPECT_TRUE(b == before);
    after = a;
  });
  setControl(p, c.name, c.value);
  const ModelSettings s = p.settings();
  EXPECT_EQ(bits(f->get(s)), bits(c.value));
  for (double v : c.reached(s)) EXPECT_EQ(bits(v), bits(c.value)) << c.name << ": " << v << " instead of " << c.value;
  // Only this field changed.
  for (const auto& g : settingFields())
    if (&g != f) EXPECT_EQ(bits(g.get(s)), bits(g.get(before))) << c.name << " changed " << g.name;
  EXPECT_EQ(edits, 1);
  EXPECT_TRUE(after == s);
  EXPECT_NE(describeEdit(before, s).indexOf(ModelPanel::tr(f->label)), -1) << describeEdit(before, s).toStdString();
  // setSettings shows it back, and a round trip through a session file keeps it.
  ModelPanel q;
  q.setSettings(settingsOf(withSettings(io::SessionFile{}, s)));
  EXPECT_EQ(bits(f->get(q.settings())), bits(c.value));
  EXPECT_TRUE(q.settings() == s);
}

INSTANTIATE_TEST_SUITE_P(EveryField, ModelPanelField, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<FieldCase>& i) { return std::string(i.param.name); });

// The fields the panel does not show come along with the settings (from a session file),
// instead of being reset to the defaults.
TEST(ModelPanel, FieldsThePanelDoesNotShowAreKept) {
  io::SessionFile f;
  f.reservoir.input_connectivity = 0.25;
  f.reservoir.weight_init = esn::WeightInit::kExact;
  f.trainer.clip_norm = 2.0;
  f.lstm.forget_bias = 0.5;
  ModelPanel p;
  p.setSettings(settingsOf(f));
  p.findChild<ParamSlider*>("spectralRadius")->setValue(0.8);
  const auto s = p.settings();
  EXPECT_EQ(esnSessionOptions(s).reservoir.input_connectivity, 0.25);
  EXPECT_EQ(esnSessionOptions(s).reservoir.weight_init, esn::WeightInit::kExact);
  EXPECT_EQ(lstmSessionOptions(s).trainer.clip_norm, 2.0);
  EXPECT_EQ(lstmSessionOptions(s).model.forget_bias, 0.5);
  EXPECT_EQ(esnSessionOptions(s).reservoir.spectral_radius, 0.8);
}

TEST(ModelPanel, TheSeedTooltipSaysWhatTheSeedSeeds) {
  ModelPanel p;
  const QString tip = p.findChild<QSpinBox*>("seed")->toolTip();
  EXPECT_NE(tip.indexOf("42"), -1) << tip.toStdString();  // the map's UMAP seed is the paper's fixed one
  EXPECT_EQ(tip.indexOf("UMAP streams"), -1) << tip.toStdString();
  EXPECT_EQ(p.findChild<QSpinBox*>("mapSentences")->maximum(), 1000);
}

TEST(ModelPanel, ExploreStatusNamesTheLatencyAndTheStages) {
  experiment::ExploreTimings t;
  t.rescale = 0.001;
  t.harvest = 0.014;
  t.knn = 0.012;
  t.layout = 0.009;
  t.umap = 0.022;
  const QString s = exploreStatus(0.038, t);
  EXPECT_NE(s.indexOf("map updated in 38 ms (states 15, neighbours 12, layout 9)"), -1) << s.toStdString();
}

// After a live update the status bar says how long the value change took to reach the map.
TEST(ModelPanel, StatusBarShowsTheLatencyOfTheLastLiveUpdate) {
  MainWindow w(nullptr, false);
  w.show();
  w.startSession(rssviz::test::smallEsn());
  ASSERT_TRUE(rssviz::test::waitSession(w));
  w.modelPanel()->spectralRadius()->setValue(1.6);
  ASSERT_TRUE(rssviz::test::waitSession(w));
  ASSERT_FALSE(w.workspace()->session()->trained);
  const QString text = w.findChild<QLabel*>("statusMessage")->text();
  const QRegularExpression re("map updated in (\\d+) ms \\(states (\\d+), neighbours (\\d+), layout (\\d+)\\)");
  const auto m = re.match(text);
  ASSERT_TRUE(m.hasMatch()) << text.toStdString();
  // The latency covers the stages (each rounded to a millisecond).
  EXPECT_GE(m.captured(1).toInt() + 2, m.captured(2).toInt() + m.captured(3).toInt() + m.captured(4).toInt())
      << text.toStdString();
  EXPECT_GT(m.captured(1).toInt(), 0);
}

// A window on the small untrained ESN whose drag frames are always subsets (a budget
// below any frame's cost), after its first live frame: a full one, as nothing yet sizes a
// subset. `full_count`: the full map's sentences.
void startLiveMap(MainWindow& w, size_t& full_count) {
  w.show();
  w.recipes()->setPreviewSeconds(1e-9);
  w.startSession(rssviz::test::smallEsn());
  ASSERT_TRUE(rssviz::test::waitSession(w));
  full_count = w.workspace()->session()->points->dataset_index.size();
  w.modelPanel()->spectralRadius()->setValue(1.5);
  ASSERT_TRUE(rssviz::test::waitSession(w));
}

// Coarser frames while a slider is held (issue #15): with a budget below any frame's
// cost, every drag frame maps a subset of the sentences and says so; the release brings
// the full map back without another value change.
TEST(ModelPanel, DragFramesArePreviewsAndTheReleaseShowsTheFullMap) {
  MainWindow w(nullptr, false);
  size_t full_count = 0;
  ASSERT_NO_FATAL_FAILURE(startLiveMap(w, full_count));
  // The selected sentence stays on the drag frames (the last of the map's list, which an
  // even spread leaves out).
  const int selected = w.workspace()->session()->points->dataset_index.back();
  w.workspace()->select(selected);
  QSlider* slider = w.modelPanel()->spectralRadius()->slider();
  slider->setSliderDown(true);
  ASSERT_TRUE(w.modelPanel()->dragging());
  slider->setValue(slider->value() - 40);
  ASSERT_TRUE(rssviz::test::waitSession(w));
  const auto* label = w.findChild<QLabel*>("statusMessage");
  const QRegularExpression re("Dragging: map of (\\d+) of (\\d+) sentences updated in (\\d+) ms");
  const auto m = re.match(label->text());
  ASSERT_TRUE(m.hasMatch()) << label->text().toStdString();
  EXPECT_LT(m.captured(1).toInt(), m.captured(2).toInt());
  EXPECT_EQ(static_cast<size_t>(m.captured(2).toInt()), full_count);
  EXPECT_EQ(w.workspace()->session()->points->dataset_index.size(), static_cast<size_t>(m.captured(1).toInt()));
  EXPECT_FALSE(w.workspace()->session()->trained);
  EXPECT_NE(w.workspace()->mapIndex(selected), -1);
  EXPECT_EQ(w.workspace()->selected(), selected);
  // Release: the full map at the same value, the usual status line.
  slider->setSliderDown(false);
  ASSERT_TRUE(rssviz::test::waitSession(w));
  EXPECT_EQ(w.workspace()->session()->points->dataset_index.size(), full_count);
  EXPECT_EQ(label->text().indexOf("Dragging"), -1) << label->text().toStdString();
  EXPECT_NE(label->text().indexOf("map updated in"), -1) << label->text().toStdString();
  // A typed value (no drag) is always a full frame.
  w.modelPanel()->spectralRadius()->setValue(1.2);
  ASSERT_TRUE(rssviz::test::waitSession(w));
  EXPECT_EQ(w.workspace()->session()->points->dataset_index.size(), full_count);
}

// A release stopped before its full map arrives leaves the drag's last frame on screen:
// the status bar, the session label and so an exported figure's title say it is a subset.
TEST(ModelPanel, AStoppedReleaseSaysTheMapIsTheDragsSubset) {
  MainWindow w(nullptr, false);
  size_t full_count = 0;
  ASSERT_NO_FATAL_FAILURE(startLiveMap(w, full_count));
  QSlider* slider = w.modelPanel()->spectralRadius()->slider();
  slider->setSliderDown(true);
  slider->setValue(slider->value() - 40);
  ASSERT_TRUE(rssviz::test::waitSession(w));
  const auto shown = w.workspace()->session()->points->dataset_index.size();
  ASSERT_LT(shown, full_count);
  const auto* label = w.findChild<QLabel*>("statusMessage");
  const auto* session_label = w.findChild<QLabel*>("sessionLabel");
  ASSERT_TRUE(session_label);
  const QString subset = QString("drag frame, %1 of %2 map sentences · ").arg(shown).arg(full_count);
  EXPECT_NE(session_label->text().indexOf(subset), -1) << session_label->text().toStdString();
  // The release starts the full map; stopping it at once keeps the drag frame.
  QSignalSpy cancelled(w.jobs(), &JobRunner::cancelledJob);
  slider->setSliderDown(false);
  ASSERT_TRUE(w.jobs()->busy());
  w.stop();
  ASSERT_TRUE(cancelled.wait(30000));
  EXPECT_FALSE(w.jobs()->busy());
  EXPECT_EQ(w.workspace()->session()->points->dataset_index.size(), shown);
  EXPECT_NE(label->text().indexOf(QString("cancelled; the map is the drag's last frame, %1 of %2 sentences")
                                      .arg(shown)
                                      .arg(full_count)),
            -1)
      << label->text().toStdString();
  EXPECT_NE(session_label->text().indexOf(subset), -1) << session_label->text().toStdString();
  // Exploring again maps every sentence, and the label drops the note.
  w.explore();
  ASSERT_TRUE(rssviz::test::waitSession(w));
  EXPECT_EQ(w.workspace()->session()->points->dataset_index.size(), full_count);
  EXPECT_EQ(session_label->text().indexOf("drag frame"), -1) << session_label->text().toStdString();
}

}  // namespace rssviz_test_model_panel
