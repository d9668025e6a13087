/* libgearman-compatible C API of the gearspec reference client.
 *
 * Source-compatible with the background-task, status and worker subset of
 * libgearman 1.1.20:
 * same type names, same function signatures, same gearman_return_t values.
 * Behaviour follows gearspec's SEMANTICS.md; where it departs from
 * libgearman the difference is listed in docs/divergences.md.
 *
 * Installed as <prefix>/include/gearspec/compat/libgearman/gearman.h, found
 * through `pkg-config --cflags gearspec-gearman`, so it never shadows the
 * system's libgearman. Valid C99 and C++. */
#ifndef GEARSPEC_COMPAT_LIBGEARMAN_GEARMAN_H
#define GEARSPEC_COMPAT_LIBGEARMAN_GEARMAN_H

#include <netinet/in.h> /* in_port_t */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- limits (libgearman-1.0/limits.h) ---------------------------------- */
#define GEARMAN_DEFAULT_TCP_PORT 4730
#define GEARMAN_DEFAULT_TCP_PORT_STRING "4730"
#define GEARMAN_DEFAULT_TCP_SERVICE "gearman"
#define GEARMAN_DEFAULT_TCP_HOST "localhost"
#define GEARMAN_ARGS_BUFFER_SIZE 128
#define GEARMAN_DEFAULT_SOCKET_RECV_SIZE 32768
#define GEARMAN_DEFAULT_SOCKET_SEND_SIZE 32768
#define GEARMAN_DEFAULT_SOCKET_TIMEOUT 10
#define GEARMAN_DEFAULT_CONNECT_TIMEOUT 4000
#define GEARMAN_FUNCTION_MAX_SIZE 512
#define GEARMAN_JOB_HANDLE_SIZE 64
#define GEARMAN_MAXIMUM_INTEGER_DISPLAY_LENGTH 20
#define GEARMAN_MAX_COMMAND_ARGS 8
#define GEARMAN_MAX_ERROR_SIZE 2048
#define GEARMAN_MAX_IDENTIFIER 254
#define GEARMAN_MAX_UNIQUE_SIZE 64
#define GEARMAN_MAX_UUID_SIZE 36
#define GEARMAN_OPTION_SIZE 64
#define GEARMAN_PACKET_HEADER_SIZE 12
#define GEARMAN_RECV_BUFFER_SIZE 8192
#define GEARMAN_SEND_BUFFER_SIZE 8192
#define GEARMAN_UNIQUE_SIZE GEARMAN_MAX_UNIQUE_SIZE
#define GEARMAN_WORKER_WAIT_TIMEOUT (10 * 1000)

/* ---- return codes (libgearman-1.0/return.h; values identical) ---------- */
typedef enum {
  GEARMAN_SUCCESS = 0,
  GEARMAN_IO_WAIT = 1,
  GEARMAN_SHUTDOWN = 2,
  GEARMAN_SHUTDOWN_GRACEFUL = 3,
  GEARMAN_ERRNO = 4,
  GEARMAN_EVENT = 5,
  GEARMAN_TOO_MANY_ARGS = 6,
  GEARMAN_NO_ACTIVE_FDS = 7,
  GEARMAN_INVALID_MAGIC = 8,
  GEARMAN_INVALID_COMMAND = 9,
  GEARMAN_INVALID_PACKET = 10,
  GEARMAN_UNEXPECTED_PACKET = 11,
  GEARMAN_GETADDRINFO = 12,
  GEARMAN_NO_SERVERS = 13,
  GEARMAN_LOST_CONNECTION = 14,
  GEARMAN_MEMORY_ALLOCATION_FAILURE = 15,
  GEARMAN_JOB_EXISTS = 16,
  GEARMAN_JOB_QUEUE_FULL = 17,
  GEARMAN_SERVER_ERROR = 18,
  GEARMAN_WORK_ERROR = 19,
  GEARMAN_WORK_DATA = 20,
  GEARMAN_WORK_WARNING = 21,
  GEARMAN_WORK_STATUS = 22,
  GEARMAN_WORK_EXCEPTION = 23,
  GEARMAN_WORK_FAIL = 24,
  GEARMAN_NOT_CONNECTED = 25,
  GEARMAN_COULD_NOT_CONNECT = 26,
  GEARMAN_SEND_IN_PROGRESS = 27,
  GEARMAN_RECV_IN_PROGRESS = 28,
  GEARMAN_NOT_FLUSHING = 29,
  GEARMAN_DATA_TOO_LARGE = 30,
  GEARMAN_INVALID_FUNCTION_NAME = 31,
  GEARMAN_INVALID_WORKER_FUNCTION = 32,
  GEARMAN_NO_REGISTERED_FUNCTION = 33,
  GEARMAN_NO_REGISTERED_FUNCTIONS = 34,
  GEARMAN_NO_JOBS = 35,
  GEARMAN_ECHO_DATA_CORRUPTION = 36,
  GEARMAN_NEED_WORKLOAD_FN = 37,
  GEARMAN_PAUSE = 38,
  GEARMAN_UNKNOWN_STATE = 39,
  GEARMAN_PTHREAD = 40,
  GEARMAN_PIPE_EOF = 41,
  GEARMAN_QUEUE_ERROR = 42,
  GEARMAN_FLUSH_DATA = 43,
  GEARMAN_SEND_BUFFER_TOO_SMALL = 44,
  GEARMAN_IGNORE_PACKET = 45,
  GEARMAN_UNKNOWN_OPTION = 46,
  GEARMAN_TIMEOUT = 47,
  GEARMAN_ARGUMENT_TOO_LARGE = 48,
  GEARMAN_INVALID_ARGUMENT = 49,
  GEARMAN_IN_PROGRESS = 50,
  GEARMAN_INVALID_SERVER_OPTION = 51,
  GEARMAN_JOB_NOT_FOUND = 52,
  GEARMAN_MAX_RETURN = 53
} gearman_return_t;

#define GEARMAN_ERROR GEARMAN_WORK_ERROR
#define GEARMAN_FAIL GEARMAN_WORK_FAIL
#define GEARMAN_FATAL GEARMAN_WORK_FAIL

static inline bool gearman_success(gearman_return_t rc) { return rc == GEARMAN_SUCCESS; }
static inline bool gearman_failed(gearman_return_t rc) { return rc != GEARMAN_SUCCESS; }
static inline bool gearman_continue(gearman_return_t rc) {
  return rc == GEARMAN_IO_WAIT || rc == GEARMAN_IN_PROGRESS || rc == GEARMAN_PAUSE ||
         rc == GEARMAN_JOB_EXISTS;
}

/* "GEARMAN_" + name for every code; "GEARMAN_MAX_RETURN" when out of range. */
const char* gearman_strerror(gearman_return_t rc);

/* ---- types --------------------------------------------------------------- */
typedef char gearman_job_handle_t[GEARMAN_JOB_HANDLE_SIZE];

typedef enum {
  GEARMAN_JOB_PRIORITY_HIGH,
  GEARMAN_JOB_PRIORITY_NORMAL,
  GEARMAN_JOB_PRIORITY_LOW,
  GEARMAN_JOB_PRIORITY_MAX
} gearman_job_priority_t;

/* Layout as libgearman: callers may place these on the stack and pass their
 * address to gearman_client_create / gearman_client_add_task_*; they must
 * still be released with gearman_client_free / gearman_task_free. */
typedef struct gearman_client_st {
  struct {
    bool is_allocated;
    bool is_initialized;
  } options;
  void* _impl;
} gearman_client_st;

typedef struct gearman_task_st {
  struct {
    bool is_allocated;
  } options;
  void* _impl;
} gearman_task_st;

/* ---- client ------------------------------------------------------------------ */
/* client NULL: allocate one. Servers from the GEARMAN_SERVERS environment
 * variable are added, as libgearman does. */
gearman_client_st* gearman_client_create(gearman_client_st* client);
gearman_client_st* gearman_client_clone(gearman_client_st* client, const gearman_client_st* from);
void gearman_client_free(gearman_client_st* client);

/* host NULL or "" = "localhost"; port 0 = 4730. */
gearman_return_t gearman_client_add_server(gearman_client_st* client, const char* host, in_port_t port);
/* "host[:port],host[:port]..." */
gearman_return_t gearman_client_add_servers(gearman_client_st* client, const char* servers);
void gearman_client_remove_servers(gearman_client_st* client);

/* Milliseconds; -1 (default) waits forever. */
int gearman_client_timeout(gearman_client_st* client);
void gearman_client_set_timeout(gearman_client_st* client, int timeout);
void gearman_client_set_namespace(gearman_client_st* client, const char* namespace_key,
                                  size_t namespace_key_size);

/* Text of the last failure, NULL when the last call succeeded. */
const char* gearman_client_error(const gearman_client_st* client);
gearman_return_t gearman_client_error_code(const gearman_client_st* client);
int gearman_client_errno(const gearman_client_st* client);

/* ---- tasks -------------------------------------------------------------------- */
gearman_task_st* gearman_client_add_task(gearman_client_st* client, gearman_task_st* task, void* context,
                                         const char* function_name, const char* unique, const void* workload,
                                         size_t workload_size, gearman_return_t* ret_ptr);
gearman_task_st* gearman_client_add_task_high(gearman_client_st* client, gearman_task_st* task, void* context,
                                              const char* function_name, const char* unique,
                                              const void* workload, size_t workload_size,
                                              gearman_return_t* ret_ptr);
gearman_task_st* gearman_client_add_task_low(gearman_client_st* client, gearman_task_st* task, void* context,
                                             const char* function_name, const char* unique,
                                             const void* workload, size_t workload_size,
                                             gearman_return_t* ret_ptr);
gearman_task_st* gearman_client_add_task_background(gearman_client_st* client, gearman_task_st* task,
                                                    void* context, const char* function_name,
                                                    const char* unique, const void* workload,
                                                    size_t workload_size, gearman_return_t* ret_ptr);
gearman_task_st* gearman_client_add_task_high_background(gearman_client_st* client, gearman_task_st* task,
                                                         void* context, const char* function_name,
                                                         const char* unique, const void* workload,
                                                         size_t workload_size, gearman_return_t* ret_ptr);
gearman_task_st* gearman_client_add_task_low_background(gearman_client_st* client, gearman_task_st* task,
                                                        void* context, const char* function_name,
                                                        const char* unique, const void* workload,
                                                        size_t workload_size, gearman_return_t* ret_ptr);
gearman_task_st* gearman_client_add_task_status(gearman_client_st* client, gearman_task_st* task,
                                                void* context, const gearman_job_handle_t job_handle,
                                                gearman_return_t* ret_ptr);

gearman_return_t gearman_client_run_tasks(gearman_client_st* client);

void gearman_task_free(gearman_task_st* task);
gearman_return_t gearman_task_return(const gearman_task_st* task);
const char* gearman_task_error(const gearman_task_st* task);
const char* gearman_task_job_handle(const gearman_task_st* task);
const char* gearman_task_unique(const gearman_task_st* task);
void* gearman_task_context(const gearman_task_st* task);
void gearman_task_set_context(gearman_task_st* task, void* context);
bool gearman_task_is_known(const gearman_task_st* task);
bool gearman_task_is_running(const gearman_task_st* task);
uint32_t gearman_task_numerator(const gearman_task_st* task);
uint32_t gearman_task_denominator(const gearman_task_st* task);

/* ---- blocking one-shot calls -------------------------------------------------- */
gearman_return_t gearman_client_do_background(gearman_client_st* client, const char* function_name,
                                              const char* unique, const void* workload, size_t workload_size,
                                              gearman_job_handle_t job_handle);
gearman_return_t gearman_client_do_high_background(gearman_client_st* client, const char* function_name,
                                                   const char* unique, const void* workload,
                                                   size_t workload_size, gearman_job_handle_t job_handle);
gearman_return_t gearman_client_do_low_background(gearman_client_st* client, const char* function_name,
                                                  const char* unique, const void* workload,
                                                  size_t workload_size, gearman_job_handle_t job_handle);
gearman_return_t gearman_client_job_status(gearman_client_st* client, const gearman_job_handle_t job_handle,
                                           bool* is_known, bool* is_running, uint32_t* numerator,
                                           uint32_t* denominator);
gearman_return_t gearman_client_echo(gearman_client_st* client, const void* workload, size_t workload_size);

/* ---- status by unique (libgearman-1.0/status.h, interface/status.h) ----- */
enum gearman_status_version_t { GEARMAN_STATUS_V1 };

struct gearman_status_v1_t {
  gearman_return_t result_rc;
  bool is_known;
  bool is_running;
  uint32_t numerator;
  uint32_t denominator;
  uint32_t client_count;
};

typedef struct gearman_status_t {
  enum gearman_status_version_t version_;
  union {
    struct gearman_status_v1_t mesg_;
    uint8_t raw_[sizeof(struct gearman_status_v1_t)];
  } status_;
} gearman_status_t;

/* GET_STATUS_UNIQUE for `unique` (1..64 bytes, its first unique_length
 * bytes): the code and the job's state from STATUS_RES_UNIQUE. */
gearman_status_t gearman_client_unique_status(gearman_client_st* client, const char* unique,
                                              size_t unique_length);
gearman_return_t gearman_status_return(const gearman_status_t arg);
bool gearman_status_is_known(const gearman_status_t arg);
bool gearman_status_is_running(const gearman_status_t arg);
uint32_t gearman_status_numerator(const gearman_status_t arg);
uint32_t gearman_status_denominator(const gearman_status_t arg);

/* ---- worker (libgearman-1.0/worker.h, job.h, function.h) ------------------ */
typedef struct gearman_worker_st {
  struct {
    bool is_allocated;
    bool is_initialized;
  } options;
  void* _impl;
} gearman_worker_st;

/* Handed to worker functions; owned by the worker. */
typedef struct gearman_job_st gearman_job_st;
typedef struct gearman_aggregator_st gearman_aggregator_st;
typedef struct gearman_result_st gearman_result_st;

/* Old form: return the result (malloc'ed; the worker frees it) and its size;
 * *ret_ptr (preset to GEARMAN_SUCCESS) other than SUCCESS fails the job. */
typedef void*(gearman_worker_fn)(gearman_job_st* job, void* context, size_t* result_size,
                                 gearman_return_t* ret_ptr);
/* New form: the function answers through gearman_job_send_*; its return
 * code says how the job ends (SUCCESS: complete; GEARMAN_FAIL: fail;
 * GEARMAN_ERROR: give it back to the server; GEARMAN_SHUTDOWN). */
typedef gearman_return_t(gearman_function_fn)(gearman_job_st* job, void* worker_context);
typedef gearman_return_t(gearman_aggregator_fn)(gearman_aggregator_st*, gearman_task_st*, gearman_result_st*);

enum gearman_function_kind_t {
  GEARMAN_WORKER_FUNCTION_NULL,
  GEARMAN_WORKER_FUNCTION_V1,
  GEARMAN_WORKER_FUNCTION_V2,
  GEARMAN_WORKER_FUNCTION_PARTITION
};

struct gearman_function_v1_t {
  gearman_worker_fn* func;
};

struct gearman_function_v2_t {
  gearman_function_fn* func;
};

struct gearman_function_partition_v1_t {
  gearman_function_fn* func;
  gearman_aggregator_fn* aggregator;
};

typedef struct gearman_function_t {
  const enum gearman_function_kind_t kind;
  union {
    char bytes[sizeof(struct gearman_function_partition_v1_t)];
    struct gearman_function_v1_t function_v1;
    struct gearman_function_v2_t function_v2;
    struct gearman_function_partition_v1_t partitioner;
  } callback;
} gearman_function_t;

gearman_function_t gearman_function_create(gearman_function_fn func);
gearman_function_t gearman_function_create_v1(gearman_worker_fn func);
gearman_function_t gearman_function_create_v2(gearman_function_fn func);

/* worker NULL: allocate one. Servers from GEARMAN_SERVERS are added. */
gearman_worker_st* gearman_worker_create(gearman_worker_st* worker);
void gearman_worker_free(gearman_worker_st* worker);
/* Text of the last failure, NULL when the last call succeeded. */
const char* gearman_worker_error(const gearman_worker_st* worker);
int gearman_worker_errno(gearman_worker_st* worker);
/* Milliseconds; -1 (default) waits forever for a job. */
int gearman_worker_timeout(gearman_worker_st* worker);
void gearman_worker_set_timeout(gearman_worker_st* worker, int timeout);
gearman_return_t gearman_worker_add_server(gearman_worker_st* worker, const char* host, in_port_t port);
gearman_return_t gearman_worker_add_servers(gearman_worker_st* worker, const char* servers);
void gearman_worker_remove_servers(gearman_worker_st* worker);

/* timeout: seconds the server gives each job (CAN_DO_TIMEOUT); 0 = none. */
gearman_return_t gearman_worker_add_function(gearman_worker_st* worker, const char* function_name,
                                             uint32_t timeout, gearman_worker_fn* function, void* context);
gearman_return_t gearman_worker_define_function(gearman_worker_st* worker, const char* function_name,
                                                const size_t function_name_length,
                                                const gearman_function_t function, const uint32_t timeout,
                                                void* context);
gearman_return_t gearman_worker_unregister(gearman_worker_st* worker, const char* function_name);
gearman_return_t gearman_worker_unregister_all(gearman_worker_st* worker);
bool gearman_worker_function_exist(gearman_worker_st* worker, const char* function_name,
                                   size_t function_length);
/* Wait for one job, run its function, answer it. */
gearman_return_t gearman_worker_work(gearman_worker_st* worker);

/* Jobs handed to functions belong to the worker: freeing one does nothing. */
void gearman_job_free(gearman_job_st* job);
const char* gearman_job_handle(const gearman_job_st* job);
const char* gearman_job_function_name(const gearman_job_st* job);
/* "" for a job assigned without one (JOB_ASSIGN). */
const char* gearman_job_unique(const gearman_job_st* job);
/* NULL when the workload is empty. */
const void* gearman_job_workload(const gearman_job_st* job);
size_t gearman_job_workload_size(const gearman_job_st* job);
gearman_return_t gearman_job_send_data(gearman_job_st* job, const void* data, size_t data_size);
gearman_return_t gearman_job_send_warning(gearman_job_st* job, const void* warning, size_t warning_size);
gearman_return_t gearman_job_send_status(gearman_job_st* job, uint32_t numerator, uint32_t denominator);
gearman_return_t gearman_job_send_complete(gearman_job_st* job, const void* result, size_t result_size);
gearman_return_t gearman_job_send_exception(gearman_job_st* job, const void* exception,
                                            size_t exception_size);
gearman_return_t gearman_job_send_fail(gearman_job_st* job);

#ifdef __cplusplus
}
#endif

#endif /* GEARSPEC_COMPAT_LIBGEARMAN_GEARMAN_H */
