#include "gearspec/conformance/report.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <sstream>

namespace gc = gearspec::conformance;

namespace {

gc::case_result result(const std::string& id, gc::grade g, bool known = false) {
  gc::case_result r;
  r.case_id = id;
  r.title = "title of " + id;
  r.section = "SEMANTICS 5";
  r.requirement_text = "checks <something> & more";
  r.verdict = g;
  r.known_failure = known;
  r.seconds = 0.25;
  if (g != gc::grade::ok) r.findings.push_back({g, "an error", "success \"H:1\""});
  r.wire_log = "connection 1\n  client -> server \"\\0REQ\" \x01 bytes\n";
  return r;
}

gc::suite_result sample() {
  gc::suite_result s;
  s.client_label = "libgearman";
  s.adapter = {"libgearman", "1.1.20", {"background"}};
  s.seconds = 3.5;
  s.results = {result("submit-bg/1", gc::grade::ok),        result("close/3", gc::grade::failed),
               result("text/2", gc::grade::crashed),        result("silence/1", gc::grade::hung),
               result("batch/1", gc::grade::unimplemented), result("unique/4", gc::grade::failed, true),
               result("magic/2", gc::grade::non_strict),    result("x/1", gc::grade::harness_error)};
  return s;
}

gc::gate_outcome sample_gate() {
  gc::gate_outcome g;
  g.stale = {"kf.txt:3: close/9"};
  g.new_failures = {"close/3", "text/2", "silence/1"};
  g.known_failing = {"unique/4"};
  return g;
}

/// Elements open and close in order (a small well-formedness check: every
/// tag closed, nothing left open, no stray '<' or '&' in text).
bool balanced(const std::string& xml, std::string& problem) {
  std::vector<std::string> open;
  std::size_t i = xml.find("?>") + 2;
  while ((i = xml.find('<', i)) != std::string::npos) {
    const auto end = xml.find('>', i);
    if (end == std::string::npos) return problem = "unterminated tag", false;
    std::string tag = xml.substr(i + 1, end - i - 1);
    if (tag.find('<') != std::string::npos) return problem = "'<' inside tag " + tag, false;
    if (tag[0] == '/') {
      if (open.empty() || open.back() != tag.substr(1))
        return problem = "mismatched </" + tag.substr(1) + ">", false;
      open.pop_back();
    } else if (tag.back() != '/') {
      open.push_back(tag.substr(0, tag.find(' ')));
    }
    i = end + 1;
  }
  if (!open.empty()) return problem = "unclosed <" + open.back() + ">", false;
  return true;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

TEST(Report, JUnitStructure) {
  const auto xml = gc::junit_xml(sample(), sample_gate());
  std::string problem;
  ASSERT_TRUE(balanced(xml, problem)) << problem << "\n" << xml;
  EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites ", 0), 0u);
  // 8 cases + 1 stale entry; failures: FAILED, CRASHED, HUNG + stale; errors: the harness error;
  // skipped: UNIMPLEMENTED and the known failure.
  EXPECT_NE(xml.find("<testsuites name=\"gearspec\" tests=\"9\" failures=\"4\" errors=\"1\" skipped=\"2\""),
            std::string::npos)
      << xml;
  EXPECT_NE(
      xml.find(
          "<testsuite name=\"gearspec.libgearman\" tests=\"9\" failures=\"4\" errors=\"1\" skipped=\"2\""),
      std::string::npos);
  EXPECT_EQ(count(xml, "<testcase "), 9u);
  EXPECT_EQ(count(xml, "<failure "), 4u);
  EXPECT_EQ(count(xml, "<error "), 1u);
  EXPECT_EQ(count(xml, "<skipped "), 2u);
  EXPECT_NE(xml.find("<testcase classname=\"gearspec.libgearman.close\" name=\"close/3: title of close/3\" "
                     "time=\"0.250\">"),
            std::string::npos);
  EXPECT_NE(xml.find("<failure type=\"CRASHED\""), std::string::npos);
  EXPECT_NE(xml.find("<failure type=\"HUNG\""), std::string::npos);
  EXPECT_NE(xml.find("<failure type=\"STALE\""), std::string::npos);
  EXPECT_NE(xml.find("<skipped message=\"known failure (FAILED)"), std::string::npos);
  EXPECT_NE(xml.find("checks &lt;something&gt; &amp; more"), std::string::npos);
  EXPECT_NE(xml.find("\\x01 bytes"), std::string::npos) << "control bytes are shown, not embedded";
  EXPECT_EQ(xml.find('\x01'), std::string::npos);
}

TEST(Report, JsonRoundTrip) {
  const auto s = sample();
  const auto back = gc::parse_json_report(gc::json_report(s, sample_gate()), "r.json");
  EXPECT_EQ(back.client_label, "libgearman");
  EXPECT_EQ(back.adapter.version, "1.1.20");
  ASSERT_EQ(back.results.size(), s.results.size());
  for (std::size_t i = 0; i < s.results.size(); ++i) {
    EXPECT_EQ(back.results[i].case_id, s.results[i].case_id);
    EXPECT_EQ(back.results[i].verdict, s.results[i].verdict);
    EXPECT_EQ(back.results[i].known_failure, s.results[i].known_failure);
    EXPECT_EQ(back.results[i].summary(), s.results[i].summary());
    EXPECT_EQ(back.results[i].wire_log, s.results[i].wire_log);
  }
  EXPECT_THROW(gc::parse_json_report("{\"format\":\"other\"}", "x.json"), std::runtime_error);
}

TEST(Report, HtmlMatrixOpensOnTheSummaryThenProblemsFirst) {
  auto a = sample();
  auto b = sample();
  b.client_label = "perl";
  b.results.pop_back();  // perl did not run x/1
  const auto html = gc::html_matrix({a, b});
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  // The summary (one row per area, plus "all") comes before the cases.
  const auto summary = html.find("<table id=\"summary\">");
  const auto cases = html.find("<table id=\"cases\">");
  ASSERT_NE(summary, std::string::npos);
  ASSERT_LT(summary, cases);
  // Rows of the summary: the header, one per area (each sample case has its own), "all".
  EXPECT_EQ(count(html.substr(summary, cases - summary), "<tr><th>"), a.results.size() + 2);
  EXPECT_NE(html.find("<tr><th>close</th><td class=\"FAILED\">1 FAILED</td>"), std::string::npos);
  // One row per case, the worst first, the all-OK row last and hidden at first.
  EXPECT_EQ(count(html, "<tr data-grades="), a.results.size());
  EXPECT_LT(html.find("<b>x/1</b>"), html.find("<b>text/2</b>"));
  EXPECT_LT(html.find("<b>text/2</b>"), html.find("<b>close/3</b>"));
  EXPECT_LT(html.find("<b>magic/2</b>"), html.find("<b>submit-bg/1</b>"));
  EXPECT_NE(html.find("<tr data-grades=\"OK\" class=\"allok\"><td><b>submit-bg/1</b>"), std::string::npos);
  // Evidence and wire logs only where a cell is not OK (6 for libgearman, 5 for perl).
  EXPECT_EQ(count(html, "<details>"), 11u);
  EXPECT_EQ(count(html, "client -&gt; server"), 11u);
  EXPECT_EQ(count(html, "<td class=\"OK\">OK</td>"), 2u);
  EXPECT_EQ(count(html, "<td>not run</td>"), 2u) << "one in the summary, one in the cases";
  EXPECT_NE(html.find("<input type=\"checkbox\" value=\"OK\">"), std::string::npos) << "OK unchecked";
  EXPECT_NE(html.find("<input type=\"checkbox\" value=\"FAILED\" checked>"), std::string::npos);
  EXPECT_EQ(html.find("<script src"), std::string::npos) << "self-contained";
  EXPECT_EQ(html.find("<link"), std::string::npos) << "self-contained";
}

TEST(Report, HtmlMatrixStaysUnderOneMegabyteHoweverManyCellsFail) {
  // Eight clients x 475 cases, one in four failing (the real libraries fail
  // fewer), each with a 20 KB wire log and 2,000 findings (a 10,000-job
  // batch gone wrong produces that many).
  std::vector<gc::suite_result> suites;
  for (int c = 0; c < 8; ++c) {
    gc::suite_result s = sample();
    s.client_label = "client" + std::to_string(c);
    s.results.clear();
    for (int i = 0; i < 475; ++i) {
      auto r = result("area" + std::to_string(i % 12) + "/" + std::to_string(i),
                      (i + c) % 4 == 0 ? gc::grade::failed : gc::grade::ok);
      r.wire_log = std::string(20000, 'w');
      if (r.verdict == gc::grade::failed)
        r.findings.assign(2000, {gc::grade::failed, "job n", "something else"});
      s.results.push_back(r);
    }
    suites.push_back(s);
  }
  const auto html = gc::html_matrix(suites);
  EXPECT_LT(html.size(), 1000000u);
  EXPECT_EQ(count(html, "<details>"), 950u);
  EXPECT_NE(html.find("more bytes: see the JSON report or --wire-log"), std::string::npos);
  EXPECT_NE(html.find("more bytes: every finding is in the JSON report"), std::string::npos);
  // One failing cell alone keeps 2 KiB of its wire log.
  auto one = sample();
  one.results = {result("close/3", gc::grade::failed)};
  one.results[0].wire_log = std::string(5000, 'x');
  EXPECT_NE(gc::html_matrix({one}).find(std::string(2048, 'x') + "\n... (2952 more bytes"),
            std::string::npos);
}

TEST(Report, TerminalSummaryListsProblemsTotalsAndSlowest) {
  std::ostringstream out;
  gc::print_summary(out, sample(), sample_gate(), false, false);
  const auto text = out.str();
  EXPECT_EQ(text.find("\n  submit-bg/1"), std::string::npos) << "OK cases are not listed without --verbose";
  EXPECT_NE(text.find("text/2"), std::string::npos);
  EXPECT_NE(text.find("FAILED (known)"), std::string::npos);
  EXPECT_NE(
      text.find(
          "8 cases in 3.5 s: OK 1, UNIMPLEMENTED 1, NON-STRICT 1, FAILED 2, CRASHED 1, HUNG 1, ERROR 1"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("slowest:"), std::string::npos);
  EXPECT_NE(text.find("stale known failure (now passes): kf.txt:3: close/9"), std::string::npos);
}

TEST(Report, MarkupEscapeKeepsUtf8AndShowsBadBytes) {
  EXPECT_EQ(gc::markup_escape("a<b>&\"c\""), "a&lt;b&gt;&amp;&quot;c&quot;");
  EXPECT_EQ(gc::markup_escape("ünï\n"), "ünï\n");
  EXPECT_EQ(gc::markup_escape(std::string("\xff\x00x", 3)), "\\xff\\x00x");
}

}  // namespace
