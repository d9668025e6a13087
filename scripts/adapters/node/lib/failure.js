// One failed job result of the adapter protocol.
'use strict';

module.exports = function failure(errorClass, error, message, serverCode) {
  const result = { ok: false, error_class: errorClass, error: String(error), message: String(message) };
  if (serverCode !== undefined) result.server_code = String(serverCode);
  return result;
};

// A Node socket error as a failure: a refused connection, or a lost one.
module.exports.ofSocketError = function ofSocketError(err) {
  const refused = err && err.code === 'ECONNREFUSED';
  return module.exports(refused ? 'could_not_connect' : 'lost_connection', (err && err.code) || 'Error',
                        (err && err.message) || String(err));
};
