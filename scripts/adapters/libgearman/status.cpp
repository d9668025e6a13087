#include "status.hpp"

#include <memory>
#include <stdexcept>
#include <string>

#include "errors.hpp"
#include "gearspec/conformance/adapter_fields.hpp"

namespace gearspec::adapter::libgearman {

nlohmann::json status(const nlohmann::json& request) {
  if (!request.contains("server") || !request["server"].is_string())
    throw std::invalid_argument("status needs a string \"server\"");
  const bool by_unique = request.contains("unique_b64") || request.contains("unique");
  const auto key = gearspec::conformance::get_bytes_field(request, by_unique ? "unique" : "handle");
  if (!key) throw std::invalid_argument("status needs handle_b64 or unique_b64");
  const auto [host, port] = parse_server(request["server"].get<std::string>());

  std::unique_ptr<gearman_client_st, decltype(&gearman_client_free)> client(gearman_client_create(nullptr),
                                                                            &gearman_client_free);
  if (!client) throw std::runtime_error("gearman_client_create failed");
  if (request.contains("timeout_ms") && request["timeout_ms"].is_number_integer())
    gearman_client_set_timeout(client.get(), request["timeout_ms"].get<int>());
  gearman_return_t rc = gearman_client_add_server(client.get(), host.c_str(), port);
  bool known = false, running = false;
  std::uint32_t numerator = 0, denominator = 0;
  if (gearman_success(rc)) {
    if (by_unique) {
      const gearman_status_t st = gearman_client_unique_status(client.get(), key->data(), key->size());
      rc = gearman_status_return(st);
      known = gearman_status_is_known(st);
      running = gearman_status_is_running(st);
      numerator = gearman_status_numerator(st);
      denominator = gearman_status_denominator(st);
    } else {
      // The handle goes as a C string: libgearman reads it to its first NUL.
      rc = gearman_client_job_status(client.get(), key->c_str(), &known, &running, &numerator, &denominator);
    }
  }
  if (!gearman_success(rc)) {
    const char* text = gearman_client_error(client.get());
    return classified_failure(rc, text ? text : "");
  }
  return {{"ok", true},
          {"known", known},
          {"running", running},
          {"numerator", numerator},
          {"denominator", denominator}};
}

}  // namespace gearspec::adapter::libgearman
