// Sends one admin text command to a server on 127.0.0.1 and returns the
// parsed reply (gearspec::proto::admin), with a bounded wait.
#pragma once

#include <cstdint>
#include <string>

#include "gearspec/protocol/admin.hpp"

namespace gearspec::test {

/// Runs `line` (without "\n") against 127.0.0.1:port; throws
/// std::runtime_error on connect/read failure, timeout or an unparsable reply.
proto::admin::reply admin_query(std::uint16_t port, const std::string& line, int timeout_ms = 5000);

}  // namespace gearspec::test
