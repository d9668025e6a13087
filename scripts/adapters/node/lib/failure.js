// One failed job result of the adapter protocol.
'use strict';

module.exports = function failure(errorClass, error, message, serverCode) {
  const result = { ok: false, error_class: errorClass, error: String(error), message: String(message) };
  if (serverCode !== undefined) result.server_code = String(serverCode);
  return result;
};
