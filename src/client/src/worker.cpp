#include "gearspec/client/worker.hpp"

#include <algorithm>

#include "endpoint.hpp"
#include "gearspec/protocol/limits.hpp"

namespace gearspec::client {

struct worker_impl : detail::endpoint {
  worker_impl(worker_limits limits, grab_mode mode) : protocol(limits, mode) {}

  struct function_entry {
    std::string name;
    job_function fn;
  };

  worker_session protocol;
  std::vector<function_entry> functions;
  return_code answer = return_code::success;  // how writing the current job's ending went

  return_code connect(const detail::deadline& until) {
    if (protocol.broken()) io.socket.close();
    // Idle, the server owes this worker nothing: anything readable (EOF, an
    // error) means the connection is gone or out of step.
    if (protocol.state() == worker_state::idle && io.socket.is_open()) io.socket.stale();
    std::string why;
    bool fresh = false;
    const return_code rc = connect_first(until, why, fresh);
    if (rc != return_code::success) return set_result(rc, why);
    if (fresh) protocol.connection_opened();  // announces every function again
    return return_code::success;
  }

  // Run the loop until `done()`; a timeout is recorded by the session.
  template <class Done>
  void pump(const detail::deadline& until, Done&& done, const char* waiting_for) {
    detail::pump(
        protocol, io, until, done, [&] { return !protocol.output().empty(); },
        [&] {
          protocol.timed_out("timeout reached after " + std::to_string(until.timeout_ms()) + " ms " +
                             waiting_for + " (worker " + std::string{name(protocol.state())} + ")");
        },
        64 * 1024);
  }

  // Write everything queued (an answer), bounded by the timeout.
  return_code flush() {
    if (!io.socket.is_open()) return set_result(return_code::lost_connection, "no connection to the server");
    protocol.clear_failure();
    const detail::deadline until{timeout_ms};
    pump(
        until, [&] { return protocol.output().empty() || protocol.failure() != return_code::success; },
        "writing to the server");
    return set_result(protocol.failure(), protocol.failure_text());
  }

  return_code wait_for_job() {
    if (servers.empty()) return set_result(return_code::no_servers, "no servers provided");
    if (functions.empty())
      return set_result(return_code::no_registered_functions, "no functions have been registered");
    const detail::deadline until{timeout_ms};
    if (const return_code rc = connect(until); rc != return_code::success) return rc;
    protocol.clear_failure();
    if (protocol.state() == worker_state::idle) protocol.grab();
    pump(
        until,
        [&] {
          return protocol.state() == worker_state::assigned || protocol.failure() != return_code::success;
        },
        "waiting for a job");
    // A job refused here (not our function) was answered with WORK_FAIL: send it.
    if (!protocol.broken() && !protocol.output().empty() && protocol.state() != worker_state::assigned) {
      const return_code refused = protocol.failure();
      const std::string text = protocol.failure_text();
      if (const return_code rc = flush(); rc != return_code::success) return rc;
      return set_result(refused, text);
    }
    return set_result(protocol.failure(), protocol.failure_text());
  }

  return_code send(return_code queued) {
    if (queued != return_code::success)
      return set_result(queued, "no job is held, or the packet is too large");
    const return_code rc = flush();
    if (protocol.state() != worker_state::assigned) answer = rc;  // the job's ending went out (or not)
    return rc;
  }

  return_code run_job() {
    const auto entry = std::find_if(functions.begin(), functions.end(), [&](const function_entry& f) {
      return f.name == protocol.job().function;
    });
    if (entry == functions.end()) {  // the session refuses these; add/remove_function keep both in step
      send(protocol.send_fail());
      return set_result(return_code::invalid_function_name, "no function for " + protocol.job().function);
    }
    job j{this};
    answer = return_code::success;
    return_code rc = return_code::success;
    try {
      rc = entry->fn(j);
    } catch (...) {
      if (!j.finished() && protocol.send_fail() == return_code::success) flush();
      throw;
    }
    if (j.finished()) {  // the function ended it: how that write went
      const std::string text = error;
      return set_result(answer, text);
    }
    switch (rc) {
      case return_code::success:
      case return_code::shutdown:
        if (const return_code sent = send(protocol.send_complete({})); sent != return_code::success)
          return sent;
        return set_result(rc,
                          rc == return_code::shutdown ? "the function asked the worker to shut down" : "");
      case return_code::work_error:
      case return_code::lost_connection:
        // Given back unanswered: on the closed connection the server requeues it.
        io.socket.close();
        protocol.connection_closed("the function asked for the job to be retried");
        return set_result(return_code::success, {});
      default:
        if (const return_code sent = send(protocol.send_fail()); sent != return_code::success) return sent;
        return set_result(rc, "the function failed the job (WORK_FAIL sent)");
    }
  }
};

// ---- job ------------------------------------------------------------------------

std::string_view job::handle() const noexcept { return owner_->protocol.job().handle; }
std::string_view job::function() const noexcept { return owner_->protocol.job().function; }
std::string_view job::unique() const noexcept { return owner_->protocol.job().unique; }
std::string_view job::reducer() const noexcept { return owner_->protocol.job().reducer; }
std::string_view job::workload() const noexcept { return owner_->protocol.job().workload; }
proto::command job::assigned_by() const noexcept { return owner_->protocol.job().assigned_by; }
bool job::finished() const noexcept { return owner_->protocol.state() != worker_state::assigned; }

return_code job::send_status(std::uint32_t numerator, std::uint32_t denominator) {
  return owner_->send(owner_->protocol.send_status(numerator, denominator));
}
return_code job::send_data(std::string_view data) { return owner_->send(owner_->protocol.send_data(data)); }
return_code job::send_warning(std::string_view data) {
  return owner_->send(owner_->protocol.send_warning(data));
}
return_code job::send_complete(std::string_view result) {
  if (finished()) return return_code::success;
  return owner_->send(owner_->protocol.send_complete(result));
}
return_code job::send_fail() {
  if (finished()) return return_code::success;
  return owner_->send(owner_->protocol.send_fail());
}
return_code job::send_exception(std::string_view data) {
  if (finished()) return return_code::success;
  return owner_->send(owner_->protocol.send_exception(data));
}

// ---- worker -----------------------------------------------------------------------

worker::worker(worker_limits limits, grab_mode mode) : impl_(std::make_unique<worker_impl>(limits, mode)) {}
worker::~worker() = default;
worker::worker(worker&&) noexcept = default;
worker& worker::operator=(worker&&) noexcept = default;

return_code worker::add_server(std::string_view host, std::uint16_t port) {
  return impl_->add_server(host, port);
}
return_code worker::add_servers(std::string_view list) { return impl_->add_servers(list); }
void worker::remove_servers() noexcept { impl_->remove_servers(); }
void worker::set_timeout(int milliseconds) noexcept { impl_->set_timeout(milliseconds); }
int worker::timeout() const noexcept { return impl_->timeout_ms; }

return_code worker::add_function(std::string_view name, std::uint32_t timeout, job_function fn) {
  if (!fn) return impl_->set_result(return_code::invalid_argument, "function not given");
  if (const return_code rc = impl_->protocol.can_do(name, timeout); rc != return_code::success)
    return impl_->set_result(
        rc, "function name must be 1.." + std::to_string(proto::max_function_size) + " bytes without NUL");
  auto& list = impl_->functions;
  const auto it = std::find_if(list.begin(), list.end(), [&](const auto& f) { return f.name == name; });
  if (it != list.end()) {
    it->fn = std::move(fn);
  } else {
    list.push_back({std::string{name}, std::move(fn)});
  }
  return impl_->set_result(return_code::success, {});
}

return_code worker::remove_function(std::string_view name) {
  if (const return_code rc = impl_->protocol.cant_do(name); rc != return_code::success)
    return impl_->set_result(rc, "function not registered");
  auto& list = impl_->functions;
  list.erase(std::remove_if(list.begin(), list.end(), [&](const auto& f) { return f.name == name; }),
             list.end());
  return impl_->set_result(return_code::success, {});
}

return_code worker::remove_functions() {
  impl_->protocol.reset_abilities();
  impl_->functions.clear();
  return impl_->set_result(return_code::success, {});
}

bool worker::function_exists(std::string_view name) const noexcept { return impl_->protocol.can(name); }

return_code worker::work() {
  if (const return_code rc = impl_->wait_for_job(); rc != return_code::success) return rc;
  return impl_->run_job();
}

const std::string& worker::error() const noexcept { return impl_->error; }
int worker::last_errno() const noexcept { return impl_->io.sys_errno; }
const worker_session& worker::protocol_session() const noexcept { return impl_->protocol; }

}  // namespace gearspec::client
