// The libgearman-compatible C API over gearspec::client::client.
#include "libgearman/gearman.h"

#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string>

#include "boundary.hpp"
#include "c_return_code.hpp"
#include "gearspec/client/client.hpp"
#include "gearspec/protocol/limits.hpp"
#include "gearspec/protocol/packet.hpp"
#include "shell.hpp"

namespace proto = gearspec::proto;
// libgearman's size macros, which C callers size their buffers by, are the protocol's limits.
static_assert(GEARMAN_FUNCTION_MAX_SIZE == proto::max_function_size);
static_assert(GEARMAN_JOB_HANDLE_SIZE == proto::job_handle_buffer_size);
static_assert(GEARMAN_MAXIMUM_INTEGER_DISPLAY_LENGTH == proto::max_integer_digits);
static_assert(GEARMAN_MAX_IDENTIFIER == proto::max_client_id_size);
static_assert(GEARMAN_MAX_UNIQUE_SIZE == proto::max_unique_size);
static_assert(GEARMAN_MAX_UUID_SIZE == proto::uuid_size);
static_assert(GEARMAN_OPTION_SIZE == proto::option_buffer_size);
static_assert(GEARMAN_PACKET_HEADER_SIZE == proto::header_size);
static_assert(GEARMAN_RECV_BUFFER_SIZE == proto::receive_buffer_size);

namespace {

namespace gc = gearspec::client;
using gearspec::compat::bytes_of;
using gearspec::compat::c_boundary;
using gearspec::compat::install_shell;
using gearspec::compat::to_c;

struct client_impl;

// A task as the C API sees it: the C++ task plus its links. Every live task
// is on its client's list so that gearman_client_free can release it.
struct task_impl {
  gc::task task;
  client_impl* owner = nullptr;
  gearman_task_st* shell = nullptr;
  task_impl* prev = nullptr;
  task_impl* next = nullptr;
};

struct client_impl : gearspec::compat::c_object<gc::client> {
  using c_object::c_object;

  task_impl* tasks = nullptr;

  void link(task_impl* t) {
    t->owner = this;
    t->next = tasks;
    if (tasks != nullptr) tasks->prev = t;
    tasks = t;
  }
  void unlink(task_impl* t) {
    if (t->prev != nullptr) t->prev->next = t->next;
    if (t->next != nullptr) t->next->prev = t->prev;
    if (tasks == t) tasks = t->next;
    t->prev = t->next = nullptr;
    t->owner = nullptr;
  }
};

client_impl* impl_of(const gearman_client_st* client) {
  return client == nullptr ? nullptr : static_cast<client_impl*>(client->_impl);
}
task_impl* impl_of(const gearman_task_st* task) {
  return task == nullptr ? nullptr : static_cast<task_impl*>(task->_impl);
}

// Release a task: detach it from its client's session and list, free the C++
// part, and the shell too when the library allocated it.
void release(task_impl* t) {
  if (t->owner != nullptr) {
    t->owner->cpp.remove_task(t->task);
    t->owner->unlink(t);
  }
  gearman_task_st* shell = t->shell;
  delete t;
  if (shell != nullptr) {
    shell->_impl = nullptr;
    if (shell->options.is_allocated) delete shell;
  }
}

// No client to record an exception on (creation failed before there was one).
constexpr client_impl* no_client = nullptr;

gearman_return_t set_ret(gearman_return_t* ret_ptr, gearman_return_t rc) {
  if (ret_ptr != nullptr) *ret_ptr = rc;
  return rc;
}

// SEMANTICS.md 2: checks on C arguments that the byte-string C++ API cannot
// see (NULL pointers, workload pointer/size agreement), in the table's order.
// The length checks run again in the session, which decides the rest.
// Returns why the arguments are INVALID_ARGUMENT, or nullptr when they pass.
const char* c_argument_error(const char* function_name, const char* unique, const void* workload,
                             size_t workload_size) {
  if (function_name == nullptr || function_name[0] == '\0')
    return "add_task(GEARMAN_INVALID_ARGUMENT) invalid function";
  if (std::strlen(function_name) > GEARMAN_FUNCTION_MAX_SIZE)
    return "add_task(GEARMAN_INVALID_ARGUMENT) function name longer then GEARMAN_MAX_FUNCTION_SIZE";
  if (unique != nullptr && ::strnlen(unique, GEARMAN_MAX_UNIQUE_SIZE + 1) > GEARMAN_MAX_UNIQUE_SIZE)
    return "add_task(GEARMAN_INVALID_ARGUMENT) unique name longer then GEARMAN_MAX_UNIQUE_SIZE";
  if ((workload == nullptr && workload_size > 0) || (workload != nullptr && workload_size == 0))
    return "add_task(GEARMAN_INVALID_ARGUMENT) invalid workload";
  return nullptr;
}

gc::job_request make_request(const char* function_name, const char* unique, const void* workload,
                             size_t workload_size, gc::priority prio, bool background) {
  gc::job_request r;
  r.function = function_name;
  r.unique = unique == nullptr ? std::string_view{} : std::string_view{unique};
  r.workload = bytes_of(workload, workload_size);
  r.prio = prio;
  r.background = background;
  return r;
}

// Queue a new task through `queue` (a gc::client add_* call on the task) and
// wrap it into the caller's shell or a new one. The shell is allocated first:
// once the session holds the task nothing may throw, or it would be dropped
// while still queued.
template <class Queue>
gearman_task_st* add_queued(client_impl* c, gearman_task_st* task, void* context, gearman_return_t* ret_ptr,
                            Queue&& queue) {
  auto t = std::make_unique<task_impl>();
  std::unique_ptr<gearman_task_st> owned_shell{task == nullptr ? new gearman_task_st : nullptr};
  const gc::return_code added = queue(t->task);
  if (added != gc::return_code::success) {
    set_ret(ret_ptr, c->result_from_cpp(added));
    return nullptr;
  }
  gearman_task_st* shell = task == nullptr ? owned_shell.release() : task;
  shell->options.is_allocated = task == nullptr;
  shell->_impl = t.get();
  t->shell = shell;
  t->task.context = context;
  c->link(t.release());
  set_ret(ret_ptr, c->result(GEARMAN_SUCCESS, {}));
  return shell;
}

gearman_task_st* add_submit(gearman_client_st* client, gearman_task_st* task, void* context,
                            const char* function_name, const char* unique, const void* workload,
                            size_t workload_size, gearman_return_t* ret_ptr, gc::priority prio,
                            bool background) {
  client_impl* c = impl_of(client);
  if (c == nullptr) {
    set_ret(ret_ptr, GEARMAN_INVALID_ARGUMENT);
    return nullptr;
  }
  return c_boundary(c, ret_ptr, [&]() -> gearman_task_st* {
    if (const char* why = c_argument_error(function_name, unique, workload, workload_size)) {
      set_ret(ret_ptr, c->result(GEARMAN_INVALID_ARGUMENT, why));
      return nullptr;
    }
    return add_queued(c, task, context, ret_ptr, [&](gc::task& t) {
      return c->cpp.add_task(t,
                             make_request(function_name, unique, workload, workload_size, prio, background));
    });
  });
}

gearman_return_t do_background(gearman_client_st* client, const char* function_name, const char* unique,
                               const void* workload, size_t workload_size, gearman_job_handle_t job_handle,
                               gc::priority prio) {
  if (job_handle != nullptr) job_handle[0] = '\0';
  client_impl* c = impl_of(client);
  if (c == nullptr) return GEARMAN_INVALID_ARGUMENT;
  return c_boundary(c, nullptr, [&] {
    if (const char* why = c_argument_error(function_name, unique, workload, workload_size))
      return c->result(GEARMAN_INVALID_ARGUMENT, why);
    std::string handle;
    const gc::return_code done = c->cpp.do_background(
        make_request(function_name, unique, workload, workload_size, prio, true), handle);
    if (done == gc::return_code::success && job_handle != nullptr) {
      std::memcpy(job_handle, handle.data(), handle.size());  // <= 63 bytes: the session refuses longer
      job_handle[handle.size()] = '\0';
    }
    return c->result_from_cpp(done);
  });
}

}  // namespace

// Entry points whose work can throw (anything that allocates) run it through
// c_boundary; the rest call only noexcept code.
extern "C" {

const char* gearman_strerror(gearman_return_t rc) {
  // C callers may pass any int (libgearman answers GEARMAN_MAX_RETURN). In C++
  // loading an enum outside its value range is undefined, so read the bytes.
  int value = 0;
  std::memcpy(&value, &rc, sizeof value);
  return gearspec::proto::return_code_identifier(value);
}

gearman_client_st* gearman_client_create(gearman_client_st* client) {
  return c_boundary(no_client, nullptr, [&] {
    auto impl = std::make_unique<client_impl>();
    if (const char* env = std::getenv("GEARMAN_SERVERS"); env != nullptr && env[0] != '\0') {
      impl->cpp.add_servers(env);
    }
    return install_shell(client, std::move(impl));
  });
}

gearman_client_st* gearman_client_clone(gearman_client_st* client, const gearman_client_st* from) {
  const client_impl* source = impl_of(from);
  if (source == nullptr) return gearman_client_create(client);
  return c_boundary(no_client, nullptr, [&] {
    return install_shell(client, std::make_unique<client_impl>(source->cpp.clone()));
  });
}

void gearman_client_free(gearman_client_st* client) {
  client_impl* c = impl_of(client);
  if (c == nullptr) return;
  while (c->tasks != nullptr) release(c->tasks);  // as libgearman: the client's tasks go with it
  gearspec::compat::release_shell<client_impl>(client);
}

gearman_return_t gearman_client_add_server(gearman_client_st* client, const char* host, in_port_t port) {
  return gearspec::compat::add_server(impl_of(client), host, port);
}

gearman_return_t gearman_client_add_servers(gearman_client_st* client, const char* servers) {
  return gearspec::compat::add_servers(impl_of(client), servers);
}

void gearman_client_remove_servers(gearman_client_st* client) {
  if (client_impl* c = impl_of(client)) c->cpp.remove_servers();
}

int gearman_client_timeout(gearman_client_st* client) {
  const client_impl* c = impl_of(client);
  return c == nullptr ? -1 : c->cpp.timeout();
}

void gearman_client_set_timeout(gearman_client_st* client, int timeout) {
  if (client_impl* c = impl_of(client)) c->cpp.set_timeout(timeout);
}

void gearman_client_set_namespace(gearman_client_st* client, const char* namespace_key,
                                  size_t namespace_key_size) {
  client_impl* c = impl_of(client);
  if (c == nullptr) return;
  c_boundary(c, nullptr, [&] { c->cpp.set_namespace(bytes_of(namespace_key, namespace_key_size)); });
}

const char* gearman_client_error(const gearman_client_st* client) {
  const client_impl* c = impl_of(client);
  if (c == nullptr || c->last == GEARMAN_SUCCESS) return nullptr;
  return c->error.c_str();
}

gearman_return_t gearman_client_error_code(const gearman_client_st* client) {
  const client_impl* c = impl_of(client);
  return c == nullptr ? GEARMAN_INVALID_ARGUMENT : c->last;
}

int gearman_client_errno(const gearman_client_st* client) {
  const client_impl* c = impl_of(client);
  return c == nullptr ? 0 : c->cpp.last_errno();
}

gearman_task_st* gearman_client_add_task(gearman_client_st* client, gearman_task_st* task, void* context,
                                         const char* function_name, const char* unique, const void* workload,
                                         size_t workload_size, gearman_return_t* ret_ptr) {
  return add_submit(client, task, context, function_name, unique, workload, workload_size, ret_ptr,
                    gc::priority::normal, false);
}

gearman_task_st* gearman_client_add_task_high(gearman_client_st* client, gearman_task_st* task, void* context,
                                              const char* function_name, const char* unique,
                                              const void* workload, size_t workload_size,
                                              gearman_return_t* ret_ptr) {
  return add_submit(client, task, context, function_name, unique, workload, workload_size, ret_ptr,
                    gc::priority::high, false);
}

gearman_task_st* gearman_client_add_task_low(gearman_client_st* client, gearman_task_st* task, void* context,
                                             const char* function_name, const char* unique,
                                             const void* workload, size_t workload_size,
                                             gearman_return_t* ret_ptr) {
  return add_submit(client, task, context, function_name, unique, workload, workload_size, ret_ptr,
                    gc::priority::low, false);
}

gearman_task_st* gearman_client_add_task_background(gearman_client_st* client, gearman_task_st* task,
                                                    void* context, const char* function_name,
                                                    const char* unique, const void* workload,
                                                    size_t workload_size, gearman_return_t* ret_ptr) {
  return add_submit(client, task, context, function_name, unique, workload, workload_size, ret_ptr,
                    gc::priority::normal, true);
}

gearman_task_st* gearman_client_add_task_high_background(gearman_client_st* client, gearman_task_st* task,
                                                         void* context, const char* function_name,
                                                         const char* unique, const void* workload,
                                                         size_t workload_size, gearman_return_t* ret_ptr) {
  return add_submit(client, task, context, function_name, unique, workload, workload_size, ret_ptr,
                    gc::priority::high, true);
}

gearman_task_st* gearman_client_add_task_low_background(gearman_client_st* client, gearman_task_st* task,
                                                        void* context, const char* function_name,
                                                        const char* unique, const void* workload,
                                                        size_t workload_size, gearman_return_t* ret_ptr) {
  return add_submit(client, task, context, function_name, unique, workload, workload_size, ret_ptr,
                    gc::priority::low, true);
}

gearman_task_st* gearman_client_add_task_status(gearman_client_st* client, gearman_task_st* task,
                                                void* context, const gearman_job_handle_t job_handle,
                                                gearman_return_t* ret_ptr) {
  client_impl* c = impl_of(client);
  if (c == nullptr || job_handle == nullptr) {
    set_ret(ret_ptr, GEARMAN_INVALID_ARGUMENT);
    return nullptr;
  }
  return c_boundary(c, ret_ptr, [&] {
    return add_queued(c, task, context, ret_ptr, [&](gc::task& t) {
      return c->cpp.add_status_task(t, {job_handle, ::strnlen(job_handle, GEARMAN_JOB_HANDLE_SIZE)});
    });
  });
}

gearman_return_t gearman_client_run_tasks(gearman_client_st* client) {
  client_impl* c = impl_of(client);
  if (c == nullptr) return GEARMAN_INVALID_ARGUMENT;
  return c_boundary(c, nullptr, [&] { return c->result_from_cpp(c->cpp.run_tasks()); });
}

void gearman_task_free(gearman_task_st* task) {
  if (task_impl* t = impl_of(task)) release(t);
}

gearman_return_t gearman_task_return(const gearman_task_st* task) {
  const task_impl* t = impl_of(task);
  return t == nullptr ? GEARMAN_INVALID_ARGUMENT : to_c(t->task.result());
}

const char* gearman_task_error(const gearman_task_st* task) {
  const task_impl* t = impl_of(task);
  if (t == nullptr || t->task.result() == gc::return_code::success || t->task.error_text().empty())
    return nullptr;
  return t->task.error_text().c_str();
}

const char* gearman_task_job_handle(const gearman_task_st* task) {
  const task_impl* t = impl_of(task);
  return t == nullptr ? nullptr : t->task.handle_c_str();
}

const char* gearman_task_unique(const gearman_task_st* task) {
  const task_impl* t = impl_of(task);
  return t == nullptr ? nullptr : t->task.unique_c_str();
}

void* gearman_task_context(const gearman_task_st* task) {
  const task_impl* t = impl_of(task);
  return t == nullptr ? nullptr : t->task.context;
}

void gearman_task_set_context(gearman_task_st* task, void* context) {
  if (task_impl* t = impl_of(task)) t->task.context = context;
}

bool gearman_task_is_known(const gearman_task_st* task) {
  const task_impl* t = impl_of(task);
  return t != nullptr && t->task.is_known();
}

bool gearman_task_is_running(const gearman_task_st* task) {
  const task_impl* t = impl_of(task);
  return t != nullptr && t->task.is_running();
}

uint32_t gearman_task_numerator(const gearman_task_st* task) {
  const task_impl* t = impl_of(task);
  return t == nullptr ? 0 : t->task.numerator();
}

uint32_t gearman_task_denominator(const gearman_task_st* task) {
  const task_impl* t = impl_of(task);
  return t == nullptr ? 0 : t->task.denominator();
}

gearman_return_t gearman_client_do_background(gearman_client_st* client, const char* function_name,
                                              const char* unique, const void* workload, size_t workload_size,
                                              gearman_job_handle_t job_handle) {
  return do_background(client, function_name, unique, workload, workload_size, job_handle,
                       gc::priority::normal);
}

gearman_return_t gearman_client_do_high_background(gearman_client_st* client, const char* function_name,
                                                   const char* unique, const void* workload,
                                                   size_t workload_size, gearman_job_handle_t job_handle) {
  return do_background(client, function_name, unique, workload, workload_size, job_handle,
                       gc::priority::high);
}

gearman_return_t gearman_client_do_low_background(gearman_client_st* client, const char* function_name,
                                                  const char* unique, const void* workload,
                                                  size_t workload_size, gearman_job_handle_t job_handle) {
  return do_background(client, function_name, unique, workload, workload_size, job_handle, gc::priority::low);
}

gearman_return_t gearman_client_job_status(gearman_client_st* client, const gearman_job_handle_t job_handle,
                                           bool* is_known, bool* is_running, uint32_t* numerator,
                                           uint32_t* denominator) {
  client_impl* c = impl_of(client);
  if (c == nullptr || job_handle == nullptr) return GEARMAN_INVALID_ARGUMENT;
  gc::job_status status;
  const gearman_return_t rc = c_boundary(c, nullptr, [&] {
    return c->result_from_cpp(
        c->cpp.get_job_status({job_handle, ::strnlen(job_handle, GEARMAN_JOB_HANDLE_SIZE)}, status));
  });
  if (is_known != nullptr) *is_known = status.known;
  if (is_running != nullptr) *is_running = status.running;
  if (numerator != nullptr) *numerator = status.numerator;
  if (denominator != nullptr) *denominator = status.denominator;
  return rc;
}

gearman_status_t gearman_client_unique_status(gearman_client_st* client, const char* unique,
                                              size_t unique_length) {
  gearman_status_t status{};
  status.version_ = GEARMAN_STATUS_V1;
  status.status_.mesg_.result_rc = GEARMAN_INVALID_ARGUMENT;
  client_impl* c = impl_of(client);
  if (c == nullptr || unique == nullptr) return status;
  gc::job_status out;
  status.status_.mesg_.result_rc = c_boundary(c, nullptr, [&] {
    return c->result_from_cpp(c->cpp.get_unique_status({unique, unique_length}, out));
  });
  status.status_.mesg_.is_known = out.known;
  status.status_.mesg_.is_running = out.running;
  status.status_.mesg_.numerator = out.numerator;
  status.status_.mesg_.denominator = out.denominator;
  status.status_.mesg_.client_count = out.client_count;
  return status;
}

gearman_return_t gearman_status_return(const gearman_status_t arg) { return arg.status_.mesg_.result_rc; }
bool gearman_status_is_known(const gearman_status_t arg) { return arg.status_.mesg_.is_known; }
bool gearman_status_is_running(const gearman_status_t arg) { return arg.status_.mesg_.is_running; }
uint32_t gearman_status_numerator(const gearman_status_t arg) { return arg.status_.mesg_.numerator; }
uint32_t gearman_status_denominator(const gearman_status_t arg) { return arg.status_.mesg_.denominator; }

gearman_return_t gearman_client_echo(gearman_client_st* client, const void* workload, size_t workload_size) {
  client_impl* c = impl_of(client);
  if (c == nullptr || (workload == nullptr && workload_size > 0)) return GEARMAN_INVALID_ARGUMENT;
  return c_boundary(c, nullptr,
                    [&] { return c->result_from_cpp(c->cpp.echo(bytes_of(workload, workload_size))); });
}

}  // extern "C"
