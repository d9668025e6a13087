// Adapter protocol v2 binding for npm node-gearman (new Gearman(host, port),
// submitJob(name, payload, uniq, {background: true, priority})).
'use strict';

const Gearman = require('node-gearman');
const failure = require('./failure');
const { flushed } = require('./work');

// What a caller of node-gearman can observe about a background job is all the
// adapter reports. The library gives a background Job no JOB_CREATED callback
// and no event for it, and it drops a server ERROR (logged in debug mode only),
// so no job ever succeeds here: a job ends with its own 'timeout' event
// (Job#setTimeout, armed when the request has timeout_ms) or with the
// connection's 'error' / 'close', and otherwise never (the runner grades the
// hang). Submits are queued and written one after another without waiting for
// replies (pipelined, feature "batch").
exports.version = require('node-gearman/package.json').version;
// GET_STATUS is in its packet table, but it has no call that sends it and no
// handler for STATUS_RES: no "status".
exports.features = ['background', 'high', 'low', 'batch', 'timeout', 'work'];
// sendCommand copies Buffer arguments as is (others go through toString()).
// registerWorker's name goes out the same way (its table of workers is keyed
// by the name's string form).
exports.bufferFields = ['function', 'unique', 'worker_function'];

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

// The worker: registerWorker(name, fn(payload, worker)) per function, which
// sends CAN_DO and at once GRAB_JOB (it never grabs with GRAB_JOB_UNIQ, and
// drops JOB_ASSIGN_UNIQ and JOB_ASSIGN_ALL); NO_JOB makes it send PRE_SLEEP,
// NOOP another GRAB_JOB. The function gets the payload (a Buffer) and a Worker
// with handle and name (strings decoded as UTF-8), no unique. Its calls:
// write(data) (WORK_DATA), end(data) (WORK_COMPLETE, then GRAB_JOB) and
// error() (WORK_FAIL, then GRAB_JOB); nothing sends WORK_STATUS, WORK_WARNING
// or WORK_EXCEPTION. It gives up as its caller hears: the 'error' and 'close'
// events. Commands are queued and written one after another, so the adapter
// waits for the queue to empty before close(); and since any later command
// (a NOOP still arriving makes one) would open a new connection, the closed
// client is left unable to connect.
const NO_CALL = (what) => `node-gearman's Worker has no call that sends ${what}`;

exports.work = function work(spec, session) {
  const colon = spec.server.lastIndexOf(':');
  const client = new Gearman(spec.server.slice(0, colon), Number(spec.server.slice(colon + 1)));
  const giveUp = session.giveUp;
  client.on('error', (err) => giveUp(connectionFailure(err)));
  client.on('close', () => giveUp(failure('lost_connection', 'close', 'connection closed')));
  for (const fn of spec.functions) {
    client.registerWorker(fn.name, (payload, worker) => {
      const ops = {
        complete: (data) => worker.end(data),
        fail: () => worker.error(),
        exception: NO_CALL('WORK_EXCEPTION (error() sends WORK_FAIL and takes no data)'),
        status: NO_CALL('WORK_STATUS'),
        data: (data) => worker.write(data),
        warning: NO_CALL('WORK_WARNING'),
      };
      session.job(fn, { handle: worker.handle, function: worker.name, workload: payload }, ops);
    });
  }
  const queueEmpty = () => new Promise((resolve) => {
    const deadline = Date.now() + 1000;
    const check = () => (client.commandQueue.length === 0 && !client.processing) || Date.now() > deadline
      ? resolve() : setTimeout(check, 1);
    check();
  });
  return () => queueEmpty().then(() => flushed(client.socket)).then(() => {
    client.close();
    client.connect = () => false;
  });
};
