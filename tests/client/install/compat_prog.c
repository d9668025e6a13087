/* A program written against libgearman's documented background-task API,
 * built against the INSTALLED reference with only the include/link flags
 * changed. Usage: compat_prog <port>. Exit 0 when every check passes. */
#include <libgearman/gearman.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures = 0;

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                              \
    }                                                                          \
  } while (0)

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  gearman_client_st* client = gearman_client_create(NULL);
  CHECK(client != NULL);
  CHECK(gearman_client_add_server(client, "127.0.0.1", (in_port_t)atoi(argv[1])) == GEARMAN_SUCCESS);
  CHECK(gearman_client_timeout(client) == -1);
  gearman_client_set_timeout(client, 5000);
  CHECK(gearman_client_timeout(client) == 5000);

  int context = 42;
  gearman_return_t ret;
  gearman_task_st stack_task;
  gearman_task_st* normal = gearman_client_add_task_background(client, &stack_task, &context, "compat_fn",
                                                               "u-1", "payload", 7, &ret);
  CHECK(normal == &stack_task && gearman_success(ret));
  gearman_task_st* high =
      gearman_client_add_task_high_background(client, NULL, NULL, "compat_fn", NULL, "h", 1, &ret);
  CHECK(high != NULL && ret == GEARMAN_SUCCESS);
  gearman_task_st* low =
      gearman_client_add_task_low_background(client, NULL, NULL, "compat_fn", "#", "hello", 5, NULL);
  CHECK(low != NULL);
  CHECK(gearman_task_return(normal) == GEARMAN_UNKNOWN_STATE);
  CHECK(strcmp(gearman_task_unique(low), "1067880409") == 0);
  CHECK(strlen(gearman_task_unique(high)) == GEARMAN_MAX_UUID_SIZE);
  CHECK(gearman_client_add_task_background(client, NULL, NULL, "", "u", "w", 1, &ret) == NULL &&
        ret == GEARMAN_INVALID_ARGUMENT && gearman_failed(ret));

  ret = gearman_client_run_tasks(client);
  CHECK(ret == GEARMAN_SUCCESS);
  if (ret != GEARMAN_SUCCESS)
    fprintf(stderr, "run_tasks: %s %s\n", gearman_strerror(ret), gearman_client_error(client));
  CHECK(gearman_task_return(normal) == GEARMAN_SUCCESS);
  CHECK(gearman_task_is_known(normal) && !gearman_task_is_running(normal));
  CHECK(strncmp(gearman_task_job_handle(normal), "H:", 2) == 0);
  CHECK(gearman_task_context(normal) == &context);
  CHECK(gearman_task_error(normal) == NULL);
  CHECK(strcmp(gearman_task_unique(normal), "u-1") == 0);
  CHECK(gearman_task_return(high) == GEARMAN_SUCCESS && gearman_task_return(low) == GEARMAN_SUCCESS);

  gearman_job_handle_t handle;
  CHECK(gearman_client_do_background(client, "compat_fn", NULL, "x", 1, handle) == GEARMAN_SUCCESS);
  CHECK(gearman_client_do_high_background(client, "compat_fn", NULL, "y", 1, handle) == GEARMAN_SUCCESS);
  CHECK(gearman_client_do_low_background(client, "compat_fn", NULL, "z", 1, handle) == GEARMAN_SUCCESS);
  bool is_known = false, is_running = true;
  uint32_t numerator = 1, denominator = 1;
  CHECK(gearman_client_job_status(client, handle, &is_known, &is_running, &numerator, &denominator) ==
        GEARMAN_SUCCESS);
  CHECK(is_known && !is_running && numerator == 0 && denominator == 0);

  CHECK(strcmp(gearman_strerror(GEARMAN_COULD_NOT_CONNECT), "GEARMAN_COULD_NOT_CONNECT") == 0);
  CHECK(gearman_continue(GEARMAN_IO_WAIT));
  CHECK(GEARMAN_DEFAULT_TCP_PORT == 4730 && GEARMAN_MAX_UNIQUE_SIZE == 64 &&
        GEARMAN_FUNCTION_MAX_SIZE == 512 && GEARMAN_JOB_HANDLE_SIZE == 64);
  CHECK(gearman_client_errno(client) == 0);

  gearman_client_st* copy = gearman_client_clone(NULL, client);
  CHECK(copy != NULL && gearman_client_timeout(copy) == 5000);
  CHECK(gearman_client_add_servers(copy, "127.0.0.1:1") == GEARMAN_SUCCESS);
  gearman_client_free(copy);

  gearman_task_free(normal);
  gearman_task_free(high);
  gearman_task_free(low);
  gearman_client_free(client);
  if (failures == 0) printf("compat_prog: all checks passed\n");
  return failures == 0 ? 0 : 1;
}
