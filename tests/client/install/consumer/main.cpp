// A program that uses gearspec as a dependency: an embedded gearmock serves,
// the reference client submits one background job and must get JOB_CREATED.
#include <cstdio>
#include <gearspec/client/client.hpp>
#include <gearspec/mock/server.hpp>
#include <string>

int main() {
  gearspec::mock::server server{gearspec::mock::options{}};
  server.start();
  gearspec::client::client client;
  client.add_server("127.0.0.1", server.port());
  client.set_timeout(5000);
  std::string handle;
  const auto rc = client.do_background({"consumer_fn", "consumer-1", "payload"}, handle);
  const std::size_t jobs = server.job_count();
  server.stop();
  // do_background reports SUCCESS only for a JOB_CREATED naming the job.
  if (rc != gearspec::client::return_code::success || handle.empty() || jobs != 1) {
    std::fprintf(stderr, "FAIL: %s (%s), handle '%s', %zu jobs queued\n",
                 std::string{gearspec::proto::return_code_name(rc)}.c_str(), client.error().c_str(),
                 handle.c_str(), jobs);
    return 1;
  }
  std::printf("JOB_CREATED %s\n", handle.c_str());
  return 0;
}
