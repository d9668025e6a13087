// Adapter protocol v2 binding for npm gearman (the low-level client whose
// module exports gearman(host, port, options)).
'use strict';

const gearman = require('gearman');
const failure = require('./failure');

// The library writes each submitJob at once (pipelined, feature "batch") and
// reports replies only as connection-wide JOB_CREATED(handle) / ERROR(code,
// text) events: matching them to submits is the caller's job, done here in
// submit order (gearmand answers in request order). Its timeout is the socket
// idle timeout (options.timeout, a 'timeout' event).
exports.version = require('gearman/package.json').version;
exports.features = ['background', 'high', 'low', 'batch', 'handle_readback', 'timeout'];
// submitJob throws unless the function is a string (encoded 'ascii', i.e.
// one byte per UTF-16 unit); the unique goes through Buffer.from, which copies
// a Buffer. JOB_CREATED's handle is reported as a string decoded as UTF-8.
exports.bufferFields = ['unique'];

exports.submit = function submit(server, jobs, timeoutMs) {
  const colon = server.lastIndexOf(':');
  const client = gearman(server.slice(0, colon), Number(server.slice(colon + 1)),
                         timeoutMs === undefined ? {} : { timeout: timeoutMs });
  return new Promise((resolve) => {
    const results = new Array(jobs.length);
    const unsettled = new Set(jobs.keys());
    const awaitingReply = [];  // job indexes in submit order
    let done = false;
    const settle = (index, result) => {
      if (!unsettled.delete(index)) return;
      results[index] = result;
      if (unsettled.size === 0 && !done) {
        done = true;
        client.close();
        resolve(results);
      }
    };
    const settleAll = (result) => [...unsettled].forEach((index) => settle(index, result));

    client.on('JOB_CREATED', (handle) => {
      if (awaitingReply.length === 0) return process.stderr.write(`gearman: JOB_CREATED ${handle} with no submit waiting\n`);
      settle(awaitingReply.shift(), { ok: true, handle: String(handle) });
    });
    client.on('ERROR', (code, text) => {
      if (awaitingReply.length === 0) return process.stderr.write(`gearman: ERROR ${code} with no submit waiting\n`);
      settle(awaitingReply.shift(), failure('server_error', 'ERROR', `${code}: ${text}`, code));
    });
    client.on('error', (err) => {
      process.stderr.write(`gearman error event: ${err && err.message}\n`);
      const refused = err && err.code === 'ECONNREFUSED';
      settleAll(failure(refused ? 'could_not_connect' : 'lost_connection', (err && err.code) || 'Error',
                        (err && err.message) || String(err)));
    });
    client.on('close', () => settleAll(failure('lost_connection', 'close', 'connection closed before a reply')));
    client.on('timeout', () => settleAll(failure('timeout', 'timeout', `socket idle for ${timeoutMs} ms`)));

    client.connect(() => {
      // A connection that completes after the request was settled (timeout)
      // must not submit: the adapter serves further requests in this process.
      if (done) return;
      jobs.forEach((job, index) => {
        const options = { background: true, priority: job.priority };
        if (job.unique !== undefined) options.unique_id = job.unique;
        try {
          client.submitJob(job.function, job.workload, options);
          awaitingReply.push(index);
        } catch (e) {
          settle(index, failure('invalid_argument', e.name, e.message));
        }
      });
    });
  });
};
