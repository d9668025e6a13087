// The journal, directly: the JSON lines written for a known exchange (packets
// decoded across reads, undecodable bytes, unfinished packets at close) and
// the in-memory copy the tests of the server read.
#include "journal.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "gearspec/protocol/encoder.hpp"
#include "gearspec/util/encoding.hpp"

namespace gearspec::mock::detail {
namespace {

using kind = journal_entry::kind;
using nlohmann::json;

class JournalFile : public ::testing::Test {
 protected:
  void TearDown() override { std::filesystem::remove(path_); }

  std::vector<json> lines() const {
    std::ifstream in{path_};
    std::vector<json> out;
    for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
    return out;
  }

  const std::string path_ =
      (std::filesystem::temp_directory_path() / ("gearspec-journal-" + std::to_string(::getpid()) + ".jsonl"))
          .string();
};

TEST_F(JournalFile, OneLinePerEventWithPacketsDecodedAcrossReads) {
  const std::string submit =
      proto::encode(proto::magic::request, proto::command::submit_job_bg, {"fn", "u1"}, "hi");
  const std::string created =
      proto::encode(proto::magic::response, proto::command::job_created, {"H:mock:1"});
  {
    journal j{path_, true, proto::decoder_limits{}};
    ASSERT_TRUE(j.enabled());
    j.record(1, kind::accepted, {}, "127.0.0.1:40000");
    j.record(1, kind::received, submit.substr(0, 10));
    j.record(1, kind::received, submit.substr(10));
    j.record(1, kind::sent, created);
    j.record(1, kind::mismatch, {}, "line 3: expected SUBMIT_JOB, got SUBMIT_JOB_BG");
    j.record(2, kind::received, "status\r\n");
    j.record(1, kind::received, submit.substr(0, 5));
    j.record(1, kind::closed, {}, "by peer");
    j.flush();
    EXPECT_EQ(j.mismatches(),
              std::vector<std::string>{"conn 1: line 3: expected SUBMIT_JOB, got SUBMIT_JOB_BG"});
    const auto entries = j.snapshot();
    ASSERT_EQ(entries.size(), 8u);
    EXPECT_EQ(entries[2].what, kind::received);
    EXPECT_EQ(entries[2].bytes, submit.substr(10));
    EXPECT_EQ(entries[5].connection, 2u);
  }
  const auto l = lines();
  ASSERT_EQ(l.size(), 8u);
  const std::regex iso(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)");
  for (const auto& line : l) EXPECT_TRUE(std::regex_match(line.at("time").get<std::string>(), iso)) << line;

  EXPECT_EQ(l[0].at("event"), "accepted");
  EXPECT_EQ(l[0].at("connection"), 1);
  EXPECT_EQ(l[0].at("text"), "127.0.0.1:40000");

  // Half a header: nothing decoded yet, the 10 bytes are pending.
  EXPECT_EQ(l[1].at("length"), 10);
  EXPECT_EQ(l[1].at("hex"), util::to_hex(submit.substr(0, 10)));
  EXPECT_FALSE(l[1].contains("packets"));
  EXPECT_EQ(l[1].at("partial_bytes_pending"), 10);

  // The rest completes the packet on the same stream.
  const json expected_submit = {{"magic", "REQ"},
                                {"command", "SUBMIT_JOB_BG"},
                                {"args", {"fn", "u1"}},
                                {"data", "hi"},
                                {"data_base64", "aGk="}};
  EXPECT_EQ(l[2].at("packets"), json::array({expected_submit}));
  EXPECT_FALSE(l[2].contains("partial_bytes_pending"));

  // The sending direction has a decoder of its own; JOB_CREATED has no data part.
  EXPECT_EQ(l[3].at("event"), "sent");
  EXPECT_EQ(l[3].at("packets"),
            json::array({{{"magic", "RES"}, {"command", "JOB_CREATED"}, {"args", {"H:mock:1"}}}}));

  EXPECT_EQ(l[4].at("event"), "mismatch");
  EXPECT_EQ(l[4].at("text"), "line 3: expected SUBMIT_JOB, got SUBMIT_JOB_BG");
  EXPECT_FALSE(l[4].contains("hex"));

  // Connection 2 is a separate stream: an admin text line, "\r\n" stripped.
  EXPECT_EQ(l[5].at("connection"), 2);
  EXPECT_EQ(l[5].at("packets"), json::array({{{"text", "status"}}}));

  // A close with half a packet from the peer says how much was left over.
  EXPECT_EQ(l[6].at("partial_bytes_pending"), 5);
  EXPECT_EQ(l[7].at("event"), "closed");
  EXPECT_EQ(l[7].at("text"), "by peer");
  EXPECT_EQ(l[7].at("unfinished_from_peer_bytes"), 5);
  EXPECT_FALSE(l[7].contains("unfinished_to_peer_bytes"));
}

TEST_F(JournalFile, UndecodableBytesAreReportedWithTheDecodersErrorAndStaySo) {
  const std::string bad = std::string("\0XYZ", 4) + std::string(8, '\x01');
  {
    journal j{path_, false, proto::decoder_limits{}};
    j.record(1, kind::received, bad);
    j.record(1, kind::received, "more");
    EXPECT_TRUE(j.snapshot().empty()) << "not kept in memory when in_memory is false";
  }
  const auto l = lines();
  ASSERT_EQ(l.size(), 2u);
  EXPECT_EQ(l[0].at("undecodable").at("hex"), util::to_hex(bad));
  EXPECT_FALSE(l[0].at("undecodable").at("error").get<std::string>().empty());
  EXPECT_EQ(l[1].at("undecodable"),
            (json{{"error", "stream already undecodable"}, {"hex", util::to_hex("more")}}));
}

TEST_F(JournalFile, BinaryTextIsEscapedSoTheLineIsValidJson) {
  const std::string raw("a\xff\x01", 3);
  {
    journal j{path_, true, proto::decoder_limits{}};
    j.record(3, kind::note, {}, raw);
    EXPECT_EQ(j.snapshot().at(0).text, raw) << "memory keeps the raw bytes";
  }
  const auto l = lines();  // json::parse throws on invalid UTF-8
  ASSERT_EQ(l.size(), 1u);
  EXPECT_EQ(l[0].at("text"), proto::escape_bytes(raw).substr(1, proto::escape_bytes(raw).size() - 2));
}

TEST(Journal, EnabledOnlyWhenSomethingIsKept) {
  EXPECT_TRUE((journal{"", true, proto::decoder_limits{}}.enabled()));
  EXPECT_FALSE((journal{"", false, proto::decoder_limits{}}.enabled()));
}

TEST(Journal, AnUnwritablePathIsRefusedByName) {
  try {
    journal j{"/nonexistent-dir/journal.jsonl", false, proto::decoder_limits{}};
    FAIL() << "opened a journal in a folder that does not exist";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string{e.what()}, "cannot open journal file '/nonexistent-dir/journal.jsonl' for writing");
  }
}

}  // namespace
}  // namespace gearspec::mock::detail
