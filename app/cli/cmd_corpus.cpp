// rssviz-cli corpus: the CSL corpus as TSV, its clauses, or a summary.
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/cli/command.hpp"
#include "core/corpus/dataset.hpp"
#include "core/experiment/corpus_report.hpp"
#include "core/io/atomic_file.hpp"

namespace rssviz::cli {
namespace cmd_corpus {  // this command's own names: a unity build compiles several commands in one unit
namespace {

struct CorpusArgs {
  int objects = 4;
  std::uint64_t seed = 1;
  std::string out;
  bool clauses = false;
  bool summary = false;
  bool validation = false;
  bool json = false;
};

void add(CLI::App& app) {
  auto args = std::make_shared<CorpusArgs>();
  auto* cmd = app.add_subcommand("corpus", "Generate the CSL corpus: the split as TSV, the clauses, or a summary");
  cmd->add_option("--objects,-n", args->objects, "Number of objects n (4 = the paper's basic corpus)")
      ->check(CLI::Range(1, rssviz::corpus::kMaxObjects))
      ->required();
  cmd->add_option("--seed,-s", args->seed, "Seed of the split and the teacher fill")->default_val(1);
  cmd->add_option("--out,-o", args->out, "Write the TSV here (atomically) instead of standard output");
  auto* cl = cmd->add_flag("--clauses", args->clauses, "Print every one-object clause, one per line");
  auto* su = cmd->add_flag("--summary", args->summary, "Print counts: clauses, vocabulary, outputs, set sizes, lengths");
  cl->excludes(su);
  cmd->add_flag("--validation", args->validation, "Also write the 280-sentence validation set");
  cmd->add_flag("--json", args->json, "With --summary: print one JSON object");
  cmd->callback([args] {
    rssviz::corpus::CorpusOptions opt;
    opt.objects = args->objects;
    opt.seed = args->seed;
    std::string text;
    if (args->clauses) {
      rssviz::corpus::Grammar g(args->objects);
      std::ostringstream os;
      for (const auto& c : g.clauses()) os << g.text(c.words) << '\t' << g.predicate_text(c.meaning) << '\n';
      text = os.str();
    } else {
      const auto corpus = rssviz::corpus::make_corpus(opt);
      text = args->summary ? (args->json ? rssviz::experiment::corpus_summary_json(corpus).dump(2) + "\n"
                                         : rssviz::experiment::corpus_summary_text(corpus))
                           : rssviz::experiment::corpus_tsv(corpus, args->validation);
    }
    if (args->out.empty())
      std::cout << text;
    else
      rssviz::io::write_file_atomic(args->out, text);
  });
}

const Registrar reg("corpus", add);

}  // namespace
}  // namespace cmd_corpus
}  // namespace rssviz::cli
