// rssviz-cli units: the unit analyses as text (app/cli/cmd_units.cpp over core/experiment/unit_analysis.hpp).
#include <gtest/gtest.h>

#include "tests/cli/run_cli.hpp"

// This file's own names (the unity build compiles several test files in one unit).
namespace rssviz_test_cli_units {

using rssviz::test::run_cli;

TEST(CliUnits, PrintsPolyvalentUnitsAndTheInfluenceTableWithAControl) {
  const auto r = run_cli("units --model esn --objects 4 --seed 2 --units 200 --sentences 20 --min-outputs 3");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("polyvalent units (listed in the 5 most positive or negative weights of >= 3 outputs)"),
            std::string::npos) << r.out;
  EXPECT_NE(r.out.find("influence polyvalent ("), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("influence random ("), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\n  END\t20\t"), std::string::npos) << r.out;   // END once per sentence
  EXPECT_EQ(r.out.find("\n  BEGIN\t"), std::string::npos) << r.out;     // BEGIN excluded
  EXPECT_NE(r.out.find("structure polyvalent: structure-word mean"), std::string::npos);
}

TEST(CliUnits, LstmAllUnitsAndBadUsage) {
  const auto r = run_cli("units --model lstm --objects 4 --seed 1 --epochs 1 --hidden 6 --unit-set all --sentences 10");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("influence all (6 units, 10 sentences)"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("influence random"), std::string::npos);  // no control for the whole set
  const auto bad = run_cli("units --model esn --unit-set nope");
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("--unit-set"), std::string::npos) << bad.err;
}

}  // namespace rssviz_test_cli_units
