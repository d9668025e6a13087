// Adapter protocol v2 binding for npm node-gearman (new Gearman(host, port),
// submitJob(name, payload, uniq, {background: true, priority})).
'use strict';

const Gearman = require('node-gearman');
const failure = require('./failure');

// What a caller of node-gearman can observe about a background job is all the
// adapter reports. The library gives a background Job no JOB_CREATED callback
// and no event for it, and it drops a server ERROR (logged in debug mode only),
// so no job ever succeeds here: a job ends with its own 'timeout' event
// (Job#setTimeout, armed when the request has timeout_ms) or with the
// connection's 'error' / 'close', and otherwise never (the runner grades the
// hang). Submits are queued and written one after another without waiting for
// replies (pipelined, feature "batch").
exports.version = require('node-gearman/package.json').version;
exports.features = ['background', 'high', 'low', 'batch', 'timeout'];
// sendCommand copies Buffer arguments as is (others go through toString()).
exports.bufferFields = ['function', 'unique'];

// The library's 'error' event passes Node socket errors through (ECONNREFUSED,
// EPIPE, ...) and raises its own Error("Out of sync with server") for a reply
// without response magic.
function connectionFailure(err) {
  const code = err && err.code;
  const message = (err && err.message) || String(err);
  if (code === 'ECONNREFUSED') return failure('could_not_connect', code, message);
  if (code) return failure('lost_connection', code, message);
  return failure('protocol_error', (err && err.name) || 'Error', message);
}

exports.submit = function submit(server, jobs, timeoutMs) {
  const colon = server.lastIndexOf(':');
  const client = new Gearman(server.slice(0, colon), Number(server.slice(colon + 1)));
  return new Promise((resolve) => {
    const results = new Array(jobs.length);
    const unsettled = new Set(jobs.keys());
    const settle = (index, result) => {
      if (!unsettled.delete(index)) return;
      results[index] = result;
      if (unsettled.size === 0) {
        client.close();
        resolve(results);
      }
    };
    const settleAll = (result) => [...unsettled].forEach((index) => settle(index, result));

    // Without an 'error' listener the library's error event would end the process.
    client.on('error', (err) => {
      process.stderr.write(`node-gearman error event: ${err && err.message}\n`);
      settleAll(connectionFailure(err));
    });
    client.on('close', () => settleAll(failure('lost_connection', 'close', 'connection closed')));

    jobs.forEach((job, index) => {
      // The library sends a falsy uniq as an empty unique.
      const submitted = client.submitJob(job.function, job.workload, job.unique,
                                         { background: true, priority: job.priority });
      submitted.on('error', (err) => settle(index, failure('other', (err && err.name) || 'Error',
                                                           (err && err.message) || String(err))));
      submitted.on('timeout', (err) => settle(index, failure('timeout', 'timeout', err && err.message)));
      if (timeoutMs !== undefined) submitted.setTimeout(timeoutMs);
    });
  });
};
