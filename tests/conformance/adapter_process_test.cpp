#include "gearspec/conformance/adapter_process.hpp"

#include <gtest/gtest.h>
#include <signal.h>

namespace gc = gearspec::conformance;
using std::chrono::milliseconds;

namespace {

gc::clock::time_point in(int ms) { return gc::clock::now() + milliseconds(ms); }

TEST(SplitCommandLine, WordsQuotesAndEscapes) {
  EXPECT_EQ(gc::split_command_line("perl  adapter.pl --x"),
            (std::vector<std::string>{"perl", "adapter.pl", "--x"}));
  EXPECT_EQ(gc::split_command_line("node 'my adapter.js' \"a b\\\"c\" d\\ e"),
            (std::vector<std::string>{"node", "my adapter.js", "a b\"c", "d e"}));
  EXPECT_EQ(gc::split_command_line("x ''"), (std::vector<std::string>{"x", ""}));
  EXPECT_TRUE(gc::split_command_line("   ").empty());
  EXPECT_THROW(gc::split_command_line("perl 'unterminated"), std::invalid_argument);
}

TEST(ResolveClient, CommandLinesAreSplitAndReferenceIsLookedUpBesideTheExecutable) {
  EXPECT_EQ(gc::resolve_client("perl 'my adapter.pl'"), (std::vector<std::string>{"perl", "my adapter.pl"}));
  EXPECT_THROW(gc::resolve_client("  "), gc::spawn_error);
  // This test executable has no gearspec-adapter-reference beside it.
  try {
    gc::resolve_client("reference");
    FAIL() << "found a reference adapter beside the test executable";
  } catch (const gc::spawn_error& e) {
    EXPECT_NE(std::string{e.what()}.find("gearspec-adapter-reference is not next to"), std::string::npos)
        << e.what();
  }
}

TEST(AdapterProcess, EchoesLinesThroughPipes) {
  gc::adapter_process p({"cat"});
  ASSERT_EQ(p.write_line("{\"id\":0}", in(2000)), gc::adapter_process::io_status::done);
  std::string line;
  ASSERT_EQ(p.read_line(line, in(2000)), gc::adapter_process::io_status::done);
  EXPECT_EQ(line, "{\"id\":0}");
  p.close_stdin();
  ASSERT_TRUE(p.wait_exit(in(2000)));
  EXPECT_TRUE(p.exit().exited);
  EXPECT_EQ(p.exit().code, 0);
  EXPECT_EQ(p.exit().describe(), "exit status 0");
}

TEST(AdapterProcess, LargeRequestDoesNotDeadlockAgainstOutput) {
  // 4 MiB through cat: the runner must keep reading while it writes.
  gc::adapter_process p({"cat"});
  const std::string big(4u << 20, 'x');
  ASSERT_EQ(p.write_line(big, in(10000)), gc::adapter_process::io_status::done);
  std::string line;
  ASSERT_EQ(p.read_line(line, in(10000)), gc::adapter_process::io_status::done);
  EXPECT_EQ(line.size(), big.size());
}

TEST(AdapterProcess, MissingProgramIsASpawnError) {
  EXPECT_THROW(gc::adapter_process({"/nonexistent/gearspec-adapter"}), gc::spawn_error);
}

TEST(AdapterProcess, SilentProcessTimesOutAndIsKilled) {
  gc::adapter_process p({"sleep", "30"});
  std::string line;
  const auto start = gc::clock::now();
  EXPECT_EQ(p.read_line(line, in(200)), gc::adapter_process::io_status::timeout);
  EXPECT_LT(gc::clock::now() - start, milliseconds(2000));
  p.kill();
  EXPECT_FALSE(p.running());
  EXPECT_TRUE(p.exit().signaled);
  EXPECT_EQ(p.exit().signal, SIGKILL);
}

TEST(AdapterProcess, KillReachesTheAdaptersChildren) {
  // The shell's child keeps stdout open; killing the group ends both.
  gc::adapter_process p({"sh", "-c", "sleep 30 & wait"});
  std::string line;
  EXPECT_EQ(p.read_line(line, in(100)), gc::adapter_process::io_status::timeout);
  const auto start = gc::clock::now();
  p.kill();
  EXPECT_LT(gc::clock::now() - start, milliseconds(3000));
  EXPECT_FALSE(p.running());
}

TEST(AdapterProcess, DeathBySignalIsReported) {
  gc::adapter_process p({"sh", "-c", "echo partial; kill -SEGV $$"});
  std::string line;
  ASSERT_EQ(p.read_line(line, in(2000)), gc::adapter_process::io_status::done);
  EXPECT_EQ(line, "partial");
  EXPECT_EQ(p.read_line(line, in(2000)), gc::adapter_process::io_status::eof);
  ASSERT_TRUE(p.wait_exit(in(2000)));
  EXPECT_TRUE(p.exit().signaled);
  EXPECT_EQ(p.exit().signal, SIGSEGV);
  EXPECT_EQ(p.exit().describe(), "killed by signal 11 (SIGSEGV)");
}

TEST(AdapterProcess, StderrIsCapturedAndExitCodeKept) {
  gc::adapter_process p({"sh", "-c", "echo diagnostics >&2; exit 3"});
  ASSERT_TRUE(p.wait_exit(in(2000)));
  EXPECT_EQ(p.exit().code, 3);
  EXPECT_EQ(p.stderr_text(), "diagnostics\n");
}

TEST(AdapterProcess, UnterminatedLastLineIsReturned) {
  gc::adapter_process p({"printf", "no newline"});
  std::string line;
  ASSERT_EQ(p.read_line(line, in(2000)), gc::adapter_process::io_status::done);
  EXPECT_EQ(line, "no newline");
  EXPECT_EQ(p.read_line(line, in(2000)), gc::adapter_process::io_status::eof);
}

TEST(AdapterProcess, WritingToAnExitedProcessIsEof) {
  gc::adapter_process p({"true"});
  ASSERT_TRUE(p.wait_exit(in(2000)));
  EXPECT_EQ(p.write_line(std::string(1 << 20, 'x'), in(2000)), gc::adapter_process::io_status::eof);
}

}  // namespace
