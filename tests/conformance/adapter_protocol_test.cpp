#include "gearspec/conformance/adapter_protocol.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace gc = gearspec::conformance;

namespace {

TEST(AdapterProtocol, SubmitRequestHasEveryField) {
  gc::request_spec r;
  r.timeout_ms = 1500;
  gc::job_spec a;
  a.function = "fn";
  a.unique = "u-1";
  a.workload = std::string("pay\0load", 8);
  gc::job_spec b;
  b.function = "fn";
  b.workload = "";
  b.prio = gearspec::proto::priority::low;
  r.jobs = {a, b};
  const auto j = nlohmann::json::parse(gc::make_submit_request(3, "127.0.0.1:4730", r));
  EXPECT_EQ(j["id"], 3);
  EXPECT_EQ(j["op"], "submit");
  EXPECT_EQ(j["server"], "127.0.0.1:4730");
  EXPECT_EQ(j["timeout_ms"], 1500);
  ASSERT_EQ(j["jobs"].size(), 2u);
  EXPECT_EQ(j["jobs"][0]["unique"], "u-1");
  EXPECT_EQ(j["jobs"][0]["workload_b64"], "cGF5AGxvYWQ=");
  EXPECT_EQ(j["jobs"][0]["priority"], "normal");
  EXPECT_EQ(j["jobs"][0]["background"], true);
  EXPECT_FALSE(j["jobs"][1].contains("unique")) << "absent unique = library default";
  EXPECT_EQ(j["jobs"][1]["workload_b64"], "");
  EXPECT_EQ(j["jobs"][1]["priority"], "low");
  EXPECT_EQ(nlohmann::json::parse(gc::make_hello_request(0)), (nlohmann::json{{"id", 0}, {"op", "hello"}}));
}

TEST(AdapterProtocol, ParsesHello) {
  gc::hello_answer h;
  std::string problem;
  ASSERT_TRUE(gc::parse_hello_answer(
      R"({"id":0,"name":"libgearman","version":"1.1.20","features":["background","batch"]})", 0, h, problem))
      << problem;
  EXPECT_EQ(h.name, "libgearman");
  EXPECT_EQ(h.version, "1.1.20");
  EXPECT_EQ(h.features, (std::vector<std::string>{"background", "batch"}));
  EXPECT_FALSE(gc::parse_hello_answer(R"({"id":1,"name":"x","features":[]})", 0, h, problem));
  EXPECT_NE(problem.find("\"id\" is not 0"), std::string::npos) << problem;
  EXPECT_FALSE(gc::parse_hello_answer(R"({"id":0,"name":"x"})", 0, h, problem));
  EXPECT_NE(problem.find("features"), std::string::npos) << problem;
}

TEST(AdapterProtocol, ParsesSubmitAnswer) {
  std::vector<gc::job_result> out;
  std::string problem;
  ASSERT_TRUE(gc::parse_submit_answer(
      R"({"id":1,"results":[{"ok":true,"handle":"H:mock:1","unique":"u-1"},)"
      R"({"ok":false,"error_class":"server_error","error":"GEARMAN_QUEUE_ERROR","message":"full","server_code":"QUEUE_ERROR"}]})",
      1, 2, out, problem))
      << problem;
  ASSERT_EQ(out.size(), 2u);
  EXPECT_TRUE(out[0].ok);
  EXPECT_EQ(*out[0].handle, "H:mock:1");
  EXPECT_EQ(*out[0].unique, "u-1");
  EXPECT_FALSE(out[1].ok);
  EXPECT_EQ(out[1].error_class, "server_error");
  EXPECT_EQ(out[1].error, "GEARMAN_QUEUE_ERROR");
  EXPECT_EQ(*out[1].server_code, "QUEUE_ERROR");
}

TEST(AdapterProtocol, RejectsMalformedSubmitAnswersWithAReason) {
  std::vector<gc::job_result> out;
  std::string problem;
  const std::pair<const char*, const char*> bad[] = {
      {"not json", "not JSON"},
      {"[1,2]", "not a JSON object"},
      {R"({"id":2,"results":[]})", "\"id\" is not 1"},
      {R"({"id":1})", "no \"results\""},
      {R"({"id":1,"results":[]})", "0 results for 1 jobs"},
      {R"({"id":1,"results":[{"handle":"H"}]})", "no boolean \"ok\""},
      {R"({"id":1,"results":[{"ok":false}]})", "without a valid \"error_class\""},
      {R"({"id":1,"results":[{"ok":false,"error_class":"weird"}]})", "\"weird\""},
      {R"({"id":1,"results":[{"ok":true,"handle":7}]})", "\"handle\" is not a string"},
  };
  for (const auto& [line, why] : bad) {
    EXPECT_FALSE(gc::parse_submit_answer(line, 1, 1, out, problem)) << line;
    EXPECT_NE(problem.find(why), std::string::npos) << line << " -> " << problem;
  }
}

TEST(AdapterProtocol, Utf8Validation) {
  EXPECT_TRUE(gc::is_valid_utf8("plain"));
  EXPECT_TRUE(gc::is_valid_utf8("ünïcødé-€-日本-\xf0\x9f\x98\x80"));
  EXPECT_FALSE(gc::is_valid_utf8("\xff"));
  EXPECT_FALSE(gc::is_valid_utf8("\xc3"));          // truncated
  EXPECT_FALSE(gc::is_valid_utf8("\xc0\xaf"));      // overlong
  EXPECT_FALSE(gc::is_valid_utf8("\xed\xa0\x80"));  // surrogate
}

}  // namespace
