// The libgearman-compatible worker C API over gearspec::client::worker.
#include "gearspec/client/worker.hpp"

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "boundary.hpp"
#include "c_return_code.hpp"
#include "libgearman/gearman.h"
#include "shell.hpp"

namespace gc = gearspec::client;
using gearspec::compat::bytes_of;
using gearspec::compat::c_boundary;
using gearspec::compat::to_c;

// The job shell handed to C functions: lives on the stack of the call that
// runs the function.
struct gearman_job_st {
  gc::job* job;
};

namespace {

struct worker_impl : gearspec::compat::c_object<gc::worker> {};

worker_impl* impl_of(const gearman_worker_st* worker) {
  return worker == nullptr ? nullptr : static_cast<worker_impl*>(worker->_impl);
}

gc::job* job_of(const gearman_job_st* job) { return job == nullptr ? nullptr : job->job; }

// A C function's code as the C++ worker reads it; values outside the enum
// (a C caller may return any int) fail the job.
gc::return_code from_c(gearman_return_t rc) noexcept {
  int value = 0;
  std::memcpy(&value, &rc, sizeof value);
  return value >= 0 && value < GEARMAN_MAX_RETURN ? static_cast<gc::return_code>(value)
                                                  : gc::return_code::work_fail;
}

struct free_deleter {
  void operator()(void* p) const noexcept { std::free(p); }
};

gc::job_function wrap(const gearman_function_t& function, void* context) {
  if (function.kind == GEARMAN_WORKER_FUNCTION_V1) {
    gearman_worker_fn* fn = function.callback.function_v1.func;
    return [fn, context](gc::job& j) {
      gearman_job_st shell{&j};
      size_t size = 0;
      gearman_return_t ret = GEARMAN_SUCCESS;
      const std::unique_ptr<void, free_deleter> result{fn(&shell, context, &size, &ret)};
      if (ret != GEARMAN_SUCCESS) return from_c(ret);
      return j.send_complete(bytes_of(result.get(), size));
    };
  }
  gearman_function_fn* fn = function.callback.function_v2.func;
  return [fn, context](gc::job& j) {
    gearman_job_st shell{&j};
    return from_c(fn(&shell, context));
  };
}

gearman_return_t define(gearman_worker_st* worker, const char* name, std::size_t name_length,
                        const gearman_function_t& function, std::uint32_t timeout, void* context) {
  worker_impl* w = impl_of(worker);
  if (w == nullptr) return GEARMAN_INVALID_ARGUMENT;
  return c_boundary(w, nullptr, [&] {
    if (name == nullptr) return w->result(GEARMAN_INVALID_ARGUMENT, "function name not given");
    const bool has_callback =
        (function.kind == GEARMAN_WORKER_FUNCTION_V1 && function.callback.function_v1.func != nullptr) ||
        (function.kind == GEARMAN_WORKER_FUNCTION_V2 && function.callback.function_v2.func != nullptr);
    if (!has_callback)
      return w->result(GEARMAN_INVALID_ARGUMENT,
                       "function not given (or a partition function, not supported)");
    return w->result_from_cpp(w->cpp.add_function({name, name_length}, timeout, wrap(function, context)));
  });
}

gearman_function_t make_function(gearman_function_kind_t kind, gearman_worker_fn* v1,
                                 gearman_function_fn* v2) {
  gearman_function_t f{kind, {}};
  if (kind == GEARMAN_WORKER_FUNCTION_V1) f.callback.function_v1.func = v1;
  if (kind == GEARMAN_WORKER_FUNCTION_V2) f.callback.function_v2.func = v2;
  return f;
}

template <class Send>
gearman_return_t job_send(gearman_job_st* job, Send&& send) {
  gc::job* j = job_of(job);
  if (j == nullptr) return GEARMAN_INVALID_ARGUMENT;
  // Out of memory while encoding: report it; the job stays held and work()
  // answers it.
  return c_boundary(static_cast<worker_impl*>(nullptr), nullptr, [&] { return to_c(send(*j)); });
}

}  // namespace

extern "C" {

gearman_function_t gearman_function_create(gearman_function_fn func) {
  return gearman_function_create_v2(func);
}

gearman_function_t gearman_function_create_v1(gearman_worker_fn func) {
  return make_function(GEARMAN_WORKER_FUNCTION_V1, func, nullptr);
}

gearman_function_t gearman_function_create_v2(gearman_function_fn func) {
  return make_function(GEARMAN_WORKER_FUNCTION_V2, nullptr, func);
}

gearman_worker_st* gearman_worker_create(gearman_worker_st* worker) {
  return c_boundary(static_cast<worker_impl*>(nullptr), nullptr, [&] {
    auto impl = std::make_unique<worker_impl>();
    if (const char* env = std::getenv("GEARMAN_SERVERS"); env != nullptr && env[0] != '\0') {
      impl->cpp.add_servers(env);
    }
    return gearspec::compat::install_shell(worker, std::move(impl));
  });
}

void gearman_worker_free(gearman_worker_st* worker) {
  if (impl_of(worker) == nullptr) return;
  gearspec::compat::release_shell<worker_impl>(worker);
}

const char* gearman_worker_error(const gearman_worker_st* worker) {
  const worker_impl* w = impl_of(worker);
  if (w == nullptr || w->last == GEARMAN_SUCCESS) return nullptr;
  return w->error.c_str();
}

int gearman_worker_errno(gearman_worker_st* worker) {
  const worker_impl* w = impl_of(worker);
  return w == nullptr ? 0 : w->cpp.last_errno();
}

int gearman_worker_timeout(gearman_worker_st* worker) {
  const worker_impl* w = impl_of(worker);
  return w == nullptr ? -1 : w->cpp.timeout();
}

void gearman_worker_set_timeout(gearman_worker_st* worker, int timeout) {
  if (worker_impl* w = impl_of(worker)) w->cpp.set_timeout(timeout);
}

gearman_return_t gearman_worker_add_server(gearman_worker_st* worker, const char* host, in_port_t port) {
  return gearspec::compat::add_server(impl_of(worker), host, port);
}

gearman_return_t gearman_worker_add_servers(gearman_worker_st* worker, const char* servers) {
  return gearspec::compat::add_servers(impl_of(worker), servers);
}

void gearman_worker_remove_servers(gearman_worker_st* worker) {
  if (worker_impl* w = impl_of(worker)) w->cpp.remove_servers();
}

gearman_return_t gearman_worker_add_function(gearman_worker_st* worker, const char* function_name,
                                             uint32_t timeout, gearman_worker_fn* function, void* context) {
  return define(worker, function_name, function_name == nullptr ? 0 : std::strlen(function_name),
                gearman_function_create_v1(function), timeout, context);
}

gearman_return_t gearman_worker_define_function(gearman_worker_st* worker, const char* function_name,
                                                const size_t function_name_length,
                                                const gearman_function_t function, const uint32_t timeout,
                                                void* context) {
  return define(worker, function_name, function_name_length, function, timeout, context);
}

gearman_return_t gearman_worker_unregister(gearman_worker_st* worker, const char* function_name) {
  worker_impl* w = impl_of(worker);
  if (w == nullptr || function_name == nullptr) return GEARMAN_INVALID_ARGUMENT;
  return c_boundary(w, nullptr, [&] { return w->result_from_cpp(w->cpp.remove_function(function_name)); });
}

gearman_return_t gearman_worker_unregister_all(gearman_worker_st* worker) {
  worker_impl* w = impl_of(worker);
  if (w == nullptr) return GEARMAN_INVALID_ARGUMENT;
  return c_boundary(w, nullptr, [&] { return w->result_from_cpp(w->cpp.remove_functions()); });
}

bool gearman_worker_function_exist(gearman_worker_st* worker, const char* function_name,
                                   size_t function_length) {
  const worker_impl* w = impl_of(worker);
  return w != nullptr && function_name != nullptr && w->cpp.function_exists({function_name, function_length});
}

gearman_return_t gearman_worker_work(gearman_worker_st* worker) {
  worker_impl* w = impl_of(worker);
  if (w == nullptr) return GEARMAN_INVALID_ARGUMENT;
  return c_boundary(w, nullptr, [&] { return w->result_from_cpp(w->cpp.work()); });
}

void gearman_job_free(gearman_job_st*) {}

// The C++ job's views point into std::string members: NUL-terminated.
const char* gearman_job_handle(const gearman_job_st* job) {
  const gc::job* j = job_of(job);
  return j == nullptr ? nullptr : j->handle().data();
}

const char* gearman_job_function_name(const gearman_job_st* job) {
  const gc::job* j = job_of(job);
  return j == nullptr ? nullptr : j->function().data();
}

const char* gearman_job_unique(const gearman_job_st* job) {
  const gc::job* j = job_of(job);
  return j == nullptr ? nullptr : j->unique().data();
}

const void* gearman_job_workload(const gearman_job_st* job) {
  const gc::job* j = job_of(job);
  return j == nullptr || j->workload().empty() ? nullptr : j->workload().data();
}

size_t gearman_job_workload_size(const gearman_job_st* job) {
  const gc::job* j = job_of(job);
  return j == nullptr ? 0 : j->workload().size();
}

gearman_return_t gearman_job_send_data(gearman_job_st* job, const void* data, size_t data_size) {
  return job_send(job, [&](gc::job& j) { return j.send_data(bytes_of(data, data_size)); });
}

gearman_return_t gearman_job_send_warning(gearman_job_st* job, const void* warning, size_t warning_size) {
  return job_send(job, [&](gc::job& j) { return j.send_warning(bytes_of(warning, warning_size)); });
}

gearman_return_t gearman_job_send_status(gearman_job_st* job, uint32_t numerator, uint32_t denominator) {
  return job_send(job, [&](gc::job& j) { return j.send_status(numerator, denominator); });
}

gearman_return_t gearman_job_send_complete(gearman_job_st* job, const void* result, size_t result_size) {
  return job_send(job, [&](gc::job& j) { return j.send_complete(bytes_of(result, result_size)); });
}

gearman_return_t gearman_job_send_exception(gearman_job_st* job, const void* exception,
                                            size_t exception_size) {
  return job_send(job, [&](gc::job& j) { return j.send_exception(bytes_of(exception, exception_size)); });
}

gearman_return_t gearman_job_send_fail(gearman_job_st* job) {
  return job_send(job, [&](gc::job& j) { return j.send_fail(); });
}

}  // extern "C"
