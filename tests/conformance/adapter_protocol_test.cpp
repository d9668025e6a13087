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
  ASSERT_TRUE(
      gc::parse_submit_answer(R"({"id":1,"results":[{"ok":true,"handle":"H:mock:1","unique":"u-1"},)"
                              R"({"ok":false,"error_class":"server_error","error":"GEARMAN_QUEUE_ERROR",)"
                              R"("message":"full","server_code":"QUEUE_ERROR"}]})",
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
      {R"({"id":1,"results":[{"ok":true,"handle_b64":"!!"}]})", "\"handle_b64\" is not base64"},
      {R"({"id":1,"results":[{"ok":true,"handle":"H:1","handle_b64":"SDoy"}]})",
       "\"handle\" and \"handle_b64\" differ"},
      {R"({"id":1,"results":[{"ok":true,"unique_b64":5}]})", "\"unique_b64\" is not a string"},
  };
  for (const auto& [line, why] : bad) {
    EXPECT_FALSE(gc::parse_submit_answer(line, 1, 1, out, problem)) << line;
    EXPECT_NE(problem.find(why), std::string::npos) << line << " -> " << problem;
  }
}

gc::request_spec bytes_request() {
  gc::request_spec r;
  gc::job_spec a;
  a.function = "f\xe9";  // Latin-1, not UTF-8
  a.unique = "u\xff";
  a.workload = "w";
  gc::job_spec b;
  b.function = "fn";
  b.unique = "";  // an explicit empty unique
  gc::job_spec c;
  c.function = "fn";  // no unique: the library's default
  r.jobs = {a, b, c};
  return r;
}

TEST(AdapterProtocol, Version2SendsBytesAndTheTextWhenItIsUtf8) {
  const auto j = nlohmann::json::parse(gc::make_submit_request(1, "127.0.0.1:1", bytes_request(), 2));
  const auto& jobs = j["jobs"];
  EXPECT_EQ(jobs[0]["function_b64"], "Zuk=");
  EXPECT_FALSE(jobs[0].contains("function")) << "not UTF-8: only the bytes";
  EXPECT_EQ(jobs[0]["unique_b64"], "df8=");
  EXPECT_FALSE(jobs[0].contains("unique"));
  EXPECT_EQ(jobs[1]["function"], "fn");
  EXPECT_EQ(jobs[1]["function_b64"], "Zm4=");
  EXPECT_EQ(jobs[1]["unique"], "") << "explicit empty unique kept";
  EXPECT_EQ(jobs[1]["unique_b64"], "");
  EXPECT_FALSE(jobs[2].contains("unique"));
  EXPECT_FALSE(jobs[2].contains("unique_b64")) << "absent unique = library default, in v2 too";
  // Version 1: text fields only, as before (the runner gives a v1 adapter no
  // case with bytes that are not UTF-8: required_protocol).
  auto text_only = bytes_request();
  text_only.jobs.erase(text_only.jobs.begin());
  const auto v1 = nlohmann::json::parse(gc::make_submit_request(1, "127.0.0.1:1", text_only, 1));
  EXPECT_FALSE(v1["jobs"][0].contains("function_b64"));
  EXPECT_EQ(v1["jobs"][0]["unique"], "");
  EXPECT_FALSE(v1["jobs"][1].contains("unique"));
}

TEST(AdapterProtocol, HelloNamesItsProtocol) {
  gc::hello_answer h;
  std::string problem;
  ASSERT_TRUE(gc::parse_hello_answer(R"({"id":0,"name":"x","features":[]})", 0, h, problem)) << problem;
  EXPECT_EQ(h.protocol, 1) << "absent = 1";
  ASSERT_TRUE(gc::parse_hello_answer(R"({"id":0,"name":"x","protocol":2,"features":[]})", 0, h, problem));
  EXPECT_EQ(h.protocol, 2);
  ASSERT_TRUE(gc::parse_hello_answer(R"({"id":0,"name":"x","protocol":7,"features":[]})", 0, h, problem));
  EXPECT_EQ(h.protocol, 2) << "the lower of the two versions";
  EXPECT_FALSE(gc::parse_hello_answer(R"({"id":0,"name":"x","protocol":"2","features":[]})", 0, h, problem));
  EXPECT_NE(problem.find("not a version"), std::string::npos) << problem;
}

TEST(AdapterProtocol, ResultBytesComeFromTheB64Fields) {
  std::vector<gc::job_result> out;
  std::string problem;
  ASSERT_TRUE(gc::parse_submit_answer(
      R"({"id":1,"results":[{"ok":true,"handle_b64":"SDr/6Q==","unique_b64":"df8="},)"
      R"({"ok":true,"handle":"H:2","handle_b64":"SDoy","unique":"","unique_b64":""}]})",
      1, 2, out, problem))
      << problem;
  EXPECT_EQ(*out[0].handle, "H:\xff\xe9");
  EXPECT_EQ(*out[0].unique, "u\xff");
  EXPECT_EQ(*out[1].handle, "H:2");
  EXPECT_EQ(*out[1].unique, "");
}

TEST(AdapterProtocol, CasesWithBytesNeedProtocol2) {
  gc::case_spec c;
  c.requests = {bytes_request()};
  EXPECT_EQ(gc::required_protocol(c), 2);
  EXPECT_NE(gc::protocol_needed(c).find("a function and a unique that are not UTF-8"), std::string::npos);
  c.requests[0].jobs.erase(c.requests[0].jobs.begin());
  EXPECT_EQ(gc::required_protocol(c), 1);
  c.protocol = 2;  // e.g. a handle that is not UTF-8
  EXPECT_EQ(gc::required_protocol(c), 2);
  EXPECT_NE(gc::protocol_needed(c).find("e.g. the job handle"), std::string::npos);
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
