// What an in-process gearmock received, for properties that check the bytes
// a client put on the wire.
#pragma once

#include <string>

#include "gearspec/mock/server.hpp"

namespace gearspec::property {

/// Every byte `server` received so far, all connections in journal order.
std::string received_by(const mock::server& server);

}  // namespace gearspec::property
