#include "gearspec/client/client.hpp"

#include "endpoint.hpp"
#include "gearspec/client/exception_code.hpp"
#include "gearspec/protocol/limits.hpp"

namespace gearspec::client {

struct client::impl : detail::endpoint {
  explicit impl(session_limits limits) : protocol(limits) {}

  session protocol;

  return_code connect(const detail::deadline& until) {
    if (io.socket.is_open()) io.socket.stale();  // closes a connection that can no longer be trusted
    std::string why;
    bool fresh = false;
    const return_code rc = connect_first(until, why, fresh);
    if (rc == return_code::success) {
      if (fresh) protocol.connection_opened();
    } else if (rc == return_code::timeout) {
      protocol.timed_out(why);
    } else {
      protocol.connect_failed(rc, why);
    }
    return rc;
  }

  // Flow control for large batches: write in slices and keep a bounded number
  // of requests unanswered. A 13 MB batch pushed in one go makes both peers
  // wake for every few free kilobytes; slices keep each wake-up worth a
  // thousand jobs (measured: ~25% faster against gearmand). Every slice is
  // still one send() call.
  static constexpr std::size_t slice_bytes = 128 * 1024;
  static constexpr std::size_t max_unanswered = 2048;

  bool may_write() const noexcept {
    return !protocol.output().empty() && protocol.waiting() < max_unanswered;
  }

  void pump(const detail::deadline& until) {
    detail::pump(
        protocol, io, until, [&] { return !protocol.busy(); }, [&] { return may_write(); },
        [&] {
          protocol.timed_out("timeout reached after " + std::to_string(until.timeout_ms()) +
                             " ms waiting for the server (" + std::to_string(protocol.waiting()) +
                             " replies outstanding)");
        },
        slice_bytes);
  }

  // An exception (out of memory) in the middle of a run leaves the connection
  // in an unknown state: close it and fail every unfinished task with the
  // exception's code, so that none waits for a reply nobody will read.
  return_code run() {
    try {
      return run_unguarded();
    } catch (...) {
      const char* what = nullptr;
      const return_code rc = current_exception_code(&what);
      io.socket.close();
      protocol.connection_closed(what, rc);
      last = rc;
      error.clear();
      throw;
    }
  }

  return_code run_unguarded() {
    protocol.clear_outcome();
    if (servers.empty()) return set_result(return_code::no_servers, "no servers provided");
    if (!protocol.busy()) return set_result(return_code::success, {});
    const detail::deadline until{timeout_ms};
    if (const return_code rc = connect(until); rc != return_code::success) {
      return set_result(rc, protocol.outcome_text());
    }
    pump(until);
    return set_result(protocol.outcome(), protocol.outcome_text());
  }

  // Run until `t` has its outcome; the code is that task's result.
  return_code run_for(task& t) {
    run();
    if (!t.finished()) {
      // NO_SERVERS or COULD_NOT_CONNECT: the task stays queued; take it back.
      const return_code rc = last;
      protocol.detach(t);
      return rc;
    }
    return set_result(t.result(), t.error_text());
  }

  // A status task queued by `add`, run to its outcome; `out` is filled on SUCCESS.
  template <class Add>
  return_code status_of(Add&& add, job_status& out) {
    out = job_status{};
    task t;
    if (const return_code rc = add(t); rc != return_code::success) return rc;
    const return_code rc = run_for(t);
    if (rc != return_code::success) return rc;
    out.known = t.is_known();
    out.running = t.is_running();
    out.numerator = t.numerator();
    out.denominator = t.denominator();
    out.client_count = t.client_count();
    return rc;
  }
};

client::client(session_limits limits) : impl_(std::make_unique<impl>(limits)) {}
client::~client() = default;
client::client(client&&) noexcept = default;
client& client::operator=(client&&) noexcept = default;

client client::clone() const {
  client copy{impl_->protocol.limits()};
  copy.impl_->servers = impl_->servers;
  copy.impl_->timeout_ms = impl_->timeout_ms;
  copy.impl_->protocol.set_namespace(impl_->protocol.name_space());
  return copy;
}

return_code client::add_server(std::string_view host, std::uint16_t port) {
  return impl_->add_server(host, port);
}
return_code client::add_servers(std::string_view list) { return impl_->add_servers(list); }
void client::remove_servers() noexcept { impl_->remove_servers(); }
void client::set_timeout(int milliseconds) noexcept { impl_->set_timeout(milliseconds); }
int client::timeout() const noexcept { return impl_->timeout_ms; }
void client::set_namespace(std::string_view ns) { impl_->protocol.set_namespace(ns); }

return_code client::add_task(task& t, const job_request& request) {
  std::string why;
  const return_code rc = impl_->protocol.submit(t, request, &why);
  // Nothing may throw once the task is queued: the caller would drop it.
  if (rc == return_code::success) return impl_->set_result(rc, {});
  return impl_->set_result(rc, "add_task: " + why);
}

return_code client::add_status_task(task& t, std::string_view handle) {
  return impl_->set_result(
      impl_->protocol.get_status(t, handle),
      "job handle must be 1.." + std::to_string(proto::max_job_handle_length) + " bytes without NUL");
}

return_code client::add_unique_status_task(task& t, std::string_view unique) {
  return impl_->set_result(
      impl_->protocol.get_status_unique(t, unique),
      "unique must be 1.." + std::to_string(proto::max_unique_size) + " bytes without NUL");
}

return_code client::add_echo_task(task& t, std::string_view data) {
  return impl_->set_result(impl_->protocol.echo(t, data), "echo data too large");
}

void client::remove_task(task& t) noexcept { impl_->protocol.detach(t); }

return_code client::run_tasks() { return impl_->run(); }

return_code client::do_background(const job_request& request, std::string& handle_out,
                                  std::string* unique_out) {
  handle_out.clear();
  job_request background = request;
  background.background = true;
  task t;
  if (const return_code rc = add_task(t, background); rc != return_code::success) return rc;
  const return_code rc = impl_->run_for(t);  // `t` is out of the session after this, even on a throw
  if (unique_out != nullptr) unique_out->assign(t.unique());
  if (rc == return_code::success) handle_out.assign(t.handle());
  return rc;
}

return_code client::do_foreground(const job_request& request, std::string& result_out) {
  result_out.clear();
  job_request foreground = request;
  foreground.background = false;
  task t;
  if (const return_code rc = add_task(t, foreground); rc != return_code::success) return rc;
  const return_code rc = impl_->run_for(t);
  if (rc == return_code::success) result_out = t.data();
  return rc;
}

return_code client::get_job_status(std::string_view handle, job_status& out) {
  return impl_->status_of([&](task& t) { return add_status_task(t, handle); }, out);
}

return_code client::get_unique_status(std::string_view unique, job_status& out) {
  return impl_->status_of([&](task& t) { return add_unique_status_task(t, unique); }, out);
}

return_code client::echo(std::string_view data) {
  task t;
  if (const return_code rc = add_echo_task(t, data); rc != return_code::success) return rc;
  return impl_->run_for(t);
}

const std::string& client::error() const noexcept { return impl_->error; }
int client::last_errno() const noexcept { return impl_->io.sys_errno; }

}  // namespace gearspec::client
