// The adapter op `work` (docs/conformance.md "Worker cases") and the runner's
// queueing of a case's jobs into a queue-mode server before the worker starts.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "gearspec/conformance/adapter_fields.hpp"
#include "gearspec/conformance/worker_case.hpp"
#include "gearspec/protocol/decoder.hpp"
#include "gearspec/protocol/encoder.hpp"

namespace gearspec::conformance {
namespace {

using json = nlohmann::json;

json action_json(const work_action& a) {
  json o{{"do", std::string(to_string(a.what))}};
  switch (a.what) {
    case work_action::kind::status:
      o["numerator"] = a.numerator;
      o["denominator"] = a.denominator;
      break;
    case work_action::kind::sleep:
      o["ms"] = a.ms;
      break;
    case work_action::kind::fail:
      break;
    default:
      put_bytes_field(o, "data", a.bytes);
  }
  return o;
}

/// A closed socket on every path.
struct socket_fd {
  int fd = -1;
  ~socket_fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

std::string make_work_request(int id, const std::string& server, const work_spec& w) {
  json fns = json::array();
  for (const auto& f : w.functions) {
    json fo;
    put_bytes_field(fo, "name", f.name);
    fo["actions"] = json::array();
    for (const auto& a : f.actions) fo["actions"].push_back(action_json(a));
    fns.push_back(std::move(fo));
  }
  json o{{"id", id},
         {"op", "work"},
         {"server", server},
         {"timeout_ms", w.timeout_ms},
         {"max_jobs", w.max_jobs},
         {"functions", std::move(fns)}};
  return o.dump();
}

bool parse_work_answer(const std::string& line, int id, work_answer& out, std::string& problem) {
  try {
    const auto o = json::parse(line);
    if (!o.is_object()) throw std::invalid_argument("not a JSON object");
    if (!o.contains("id") || o["id"] != id)
      throw std::invalid_argument("\"id\" is not " + std::to_string(id));
    if (!o.contains("result") || !o["result"].is_object() || !o["result"].contains("ok") ||
        !o["result"]["ok"].is_boolean())
      throw std::invalid_argument("no \"result\" object with a boolean \"ok\"");
    const auto& r = o["result"];
    out = {};
    out.ok = r["ok"].get<bool>();
    out.error_class = get_text_field(r, "error_class").value_or("");
    out.error = get_text_field(r, "error").value_or("");
    out.message = get_text_field(r, "message").value_or("");
    if (!out.ok && out.error_class.empty())
      throw std::invalid_argument("a failed result without \"error_class\"");
    if (!o.contains("jobs") || !o["jobs"].is_array()) throw std::invalid_argument("no \"jobs\" list");
    for (const auto& j : o["jobs"]) {
      if (!j.is_object()) throw std::invalid_argument("a job is not an object");
      worked_job wj;
      wj.handle = get_bytes_field(j, "handle").value_or("");
      wj.function = get_bytes_field(j, "function").value_or("");
      wj.unique = get_bytes_field(j, "unique").value_or("");
      wj.workload = get_bytes_field(j, "workload").value_or("");
      if (j.contains("steps")) {
        if (!j["steps"].is_array()) throw std::invalid_argument("\"steps\" is not a list");
        for (const auto& s : j["steps"]) {
          if (!s.is_object() || !s.contains("ok") || !s["ok"].is_boolean())
            throw std::invalid_argument("a step without a boolean \"ok\"");
          wj.steps.push_back({s["ok"].get<bool>(), get_text_field(s, "error").value_or("")});
        }
      }
      out.jobs.push_back(std::move(wj));
    }
  } catch (const std::exception& e) {
    problem = e.what();
    return false;
  }
  return true;
}

void queue_jobs(std::uint16_t port, const std::vector<queued_job>& jobs, int timeout_ms) {
  if (jobs.empty()) return;
  socket_fd s;
  s.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s.fd < 0) throw std::runtime_error("queueing jobs: socket() failed");
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  if (::connect(s.fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
    throw std::runtime_error("queueing jobs: cannot connect to 127.0.0.1:" + std::to_string(port));
  std::string out;
  for (const auto& j : jobs)
    out += proto::encode(proto::magic::request, proto::command::submit_job_bg, {j.function, j.unique},
                         j.workload);
  for (std::size_t done = 0; done < out.size();) {
    const auto n = ::send(s.fd, out.data() + done, out.size() - done, MSG_NOSIGNAL);
    if (n <= 0) throw std::runtime_error("queueing jobs: write failed");
    done += static_cast<std::size_t>(n);
  }
  proto::decoder dec;
  std::size_t created = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  char buf[4096];
  while (created < jobs.size()) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd p{s.fd, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0)
      throw std::runtime_error("queueing jobs: no JOB_CREATED within " + std::to_string(timeout_ms) + " ms");
    const auto n = ::recv(s.fd, buf, sizeof buf, 0);
    if (n <= 0) throw std::runtime_error("queueing jobs: the server closed the connection");
    std::string_view in(buf, static_cast<std::size_t>(n));
    while (!in.empty()) {
      std::error_code ec;
      in.remove_prefix(dec.put(in, ec));
      if (ec) throw std::runtime_error("queueing jobs: undecodable reply: " + ec.message());
      if (dec.ready()) {
        if (dec.packet().cmd != proto::command::job_created)
          throw std::runtime_error("queueing jobs: the server answered " +
                                   std::string(proto::name(dec.packet().cmd)));
        ++created;
        dec.next();
      }
    }
  }
}

}  // namespace gearspec::conformance
