// JUnit XML and the text helpers shared with the HTML matrix (report_html.cpp).
#include <algorithm>
#include <cstdio>

#include "gearspec/conformance/adapter_protocol.hpp"
#include "gearspec/conformance/report.hpp"

namespace gearspec::conformance {
namespace {

std::string attr(const std::string& text) { return "\"" + markup_escape(text) + "\""; }

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", s);
  return buf;
}

}  // namespace

std::string evidence_text(const case_result& r) {
  std::string out = "requirement (" + std::string(to_string(r.level)) + ", " + r.section +
                    "): " + r.requirement_text + "\n";
  for (const auto& f : r.findings)
    out += std::string(to_string(f.severity)) + ": expected " + f.expected +
           (f.observed.empty() ? "" : "\n    observed " + f.observed) + "\n";
  for (const auto& n : r.notes) out += "note: " + n + "\n";
  return out;
}

std::string area_of(const std::string& id) { return id.substr(0, id.find('/')); }

std::string markup_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (const char* entity = c == '&'   ? "&amp;"
                             : c == '<' ? "&lt;"
                             : c == '>' ? "&gt;"
                             : c == '"' ? "&quot;"
                                        : nullptr) {
      out += entity;
      continue;
    }
    if (c == '\n' || c == '\t' || c == '\r' || (c >= 0x20 && c < 0x7f)) {
      out += static_cast<char>(c);
      continue;
    }
    // A valid multi-byte UTF-8 sequence is kept; anything else becomes \xNN.
    std::size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
    if (len && i + len <= text.size() && is_valid_utf8(text.substr(i, len))) {
      out.append(text, i, len);
      i += len - 1;
      continue;
    }
    char buf[8];
    std::snprintf(buf, sizeof buf, "\\x%02x", c);
    out += buf;
  }
  return out;
}

std::string junit_xml(const suite_result& suite, const gate_outcome& gate) {
  int failures = 0, errors = 0, skipped = 0;
  for (const auto& r : suite.results) {
    if (r.verdict == grade::harness_error) {
      ++errors;
    } else if (r.known_failure || r.verdict == grade::unimplemented) {
      ++skipped;
    } else if (is_failure(r.verdict)) {
      ++failures;
    }
  }
  failures += static_cast<int>(gate.stale.size());
  const auto tests = suite.results.size() + gate.stale.size();
  const std::string suite_name = "gearspec." + suite.client_label;
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  // The same counts on <testsuites> and on its one <testsuite>.
  const std::string counts = " tests=\"" + std::to_string(tests) + "\" failures=\"" +
                             std::to_string(failures) + "\" errors=\"" + std::to_string(errors) +
                             "\" skipped=\"" + std::to_string(skipped) + "\" time=\"" +
                             seconds_text(suite.seconds) + "\">\n";
  x += "<testsuites name=\"gearspec\"" + counts;
  x += "  <testsuite name=" + attr(suite_name) + counts;
  x += "    <properties>\n      <property name=\"adapter\" value=" + attr(suite.adapter.name) +
       "/>\n      <property name=\"adapter_version\" value=" + attr(suite.adapter.version) +
       "/>\n    </properties>\n";
  for (const auto& r : suite.results) {
    x += "    <testcase classname=" + attr(suite_name + "." + area_of(r.case_id)) +
         " name=" + attr(r.case_id + ": " + r.title) + " time=\"" + seconds_text(r.seconds) + "\">\n";
    const auto message = r.summary();
    const std::string type(to_string(r.verdict));
    if (r.verdict == grade::harness_error) {
      x += "      <error type=\"ERROR\" message=" + attr(message) + ">" + markup_escape(evidence_text(r)) +
           "</error>\n";
    } else if (r.known_failure) {
      x += "      <skipped message=" + attr("known failure (" + type + "): " + message) + "/>\n";
    } else if (r.verdict == grade::unimplemented) {
      x += "      <skipped message=" + attr("UNIMPLEMENTED: " + message) + "/>\n";
    } else if (is_failure(r.verdict)) {
      x += "      <failure type=" + attr(type) + " message=" + attr(message) + ">" +
           markup_escape(evidence_text(r)) + "</failure>\n";
    }
    x += "      <system-out>" +
         markup_escape("grade: " + type + "\n" + evidence_text(r) + "\n" + r.wire_log) + "</system-out>\n";
    x += "    </testcase>\n";
  }
  for (const auto& s : gate.stale) {
    x += "    <testcase classname=" + attr(suite_name + ".known-failures") + " name=" + attr("stale: " + s) +
         " time=\"0\">\n      <failure type=\"STALE\" message=" +
         attr("listed as a known failure but passes now; remove it from the file: " + s) +
         "/>\n    </testcase>\n";
  }
  x += "  </testsuite>\n</testsuites>\n";
  return x;
}

}  // namespace gearspec::conformance
