// Adapter protocol v2 binding for npm abraxas (submitJobBg).
'use strict';

const net = require('net');
const Gearman = require('abraxas');
const failure = require('./failure');
const { flushed } = require('./work');

// abraxas writes each submitJobBg at once and matches JOB_CREATED replies in
// order, so jobs submitted in one tick are pipelined (feature "batch").
exports.version = require('abraxas/package.json').version;
// Its getStatus reports only known/running counts and complete = NUMERATOR /
// DENOMINATOR as one fraction (each field read with |0), so the numbers the
// server sent cannot be told to the caller: no "status".
exports.features = ['background', 'high', 'low', 'batch', 'handle_readback', 'timeout', 'work'];
// Its packet encoder (gearman-packet) copies a Buffer argument as is; the
// handle of JOB_CREATED comes back as a string decoded as UTF-8.
exports.bufferFields = ['function', 'unique'];

function classify(err, connectionError) {
  const name = (err && err.name) || 'Error';
  const message = (err && err.message) || String(err);
  if (name === 'ServerError') return failure('server_error', name, message, err.code);
  // SubmitTimeout: no connection became ready in time. It is a refused
  // connection when abraxas reported one; otherwise the server was silent.
  if (name === 'SubmitTimeout' || name === 'ConnectTimeout') {
    if (connectionError)
      return failure('could_not_connect', name, `${message} (${connectionError.message})`);
    return failure('timeout', name, message);
  }
  // abraxas reports some failures (e.g. its packet encoder refusing an
  // argument) only as a connection-error; the task then times out.
  if (name === 'ResponseTimeout') {
    const cause = connectionError ? ` (connection-error: ${connectionError.message})` : '';
    return failure('timeout', name, message + cause);
  }
  if (name === 'ParserError' || name === 'ReceiveError') return failure('protocol_error', name, message);
  if (name === 'SocketError') return failure('lost_connection', name, message);
  return failure('other', name, message);
}

// abraxas reconnects with a back-off for as long as the client lives, and a
// submit that gave up waiting for a connection stays queued for the next one
// (getConnection's 'connect' listener is never removed). disconnect() does not
// stop a connection attempt already under way, whose failure starts the
// back-off again. One adapter process serves many requests, so once a request
// is answered nothing of its client may connect again: the adapter opens the
// sockets itself (abraxas accepts a connect function as a server), destroys
// the ones still connecting at the end, and any later attempt gets a socket
// that never connects. A connected socket is left to disconnect() as an
// application would (what abraxas does with packets that still arrive on it,
// e.g. its crash on a late NO_JOB, is the library's behaviour and is graded).
function connector(server) {
  const colon = server.lastIndexOf(':');
  const target = { host: server.slice(0, colon), port: Number(server.slice(colon + 1)) };
  const sockets = new Set();
  let finished = false;
  const connect = (onConnect) => {
    if (finished) return new net.Socket();
    const socket = net.connect(target, onConnect);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    return socket;
  };
  connect.options = target;
  connect.finish = () => {
    finished = true;
    for (const socket of sockets) if (socket.connecting) socket.destroy();
  };
  connect.flushed = () => Promise.all([...sockets].map(flushed));
  return connect;
}

exports.submit = function submit(server, jobs, timeoutMs) {
  const connect = connector(server);
  const options = { servers: [connect] };
  // submitTimeout bounds the wait for a ready connection, responseTimeout the
  // wait for the task's result (JOB_CREATED for a background job).
  if (timeoutMs !== undefined) {
    options.submitTimeout = timeoutMs;
    options.responseTimeout = timeoutMs;
  }
  const client = Gearman.Client.connect(options);
  let connectionError;
  client.on('connection-error', (err) => {
    connectionError = err;
    process.stderr.write(`abraxas connection-error: ${err && err.message}\n`);
  });
  const submitted = jobs.map((job) => new Promise((resolve) => {
    const jobOptions = {};
    if (job.priority !== 'normal') jobOptions.priority = job.priority;
    if (job.unique !== undefined) jobOptions.uniqueid = job.unique;
    client.submitJobBg(job.function, jobOptions, job.workload, (err, jobid) => {
      if (err) resolve(classify(err, connectionError));
      else resolve({ ok: true, handle: String(jobid) });
    });
  }));
  return Promise.all(submitted).finally(() => {
    client.disconnect();
    client.removeAllListeners('connect');
    connect.finish();
  });
};

// The worker: registerWorker(name, handler) per function, jobs one at a time
// (maxJobs 1, abraxas's default). abraxas grabs with GRAB_JOB_UNIQ once the
// server's NOOP answers its PRE_SLEEP, and hands the function a task with
// jobid, uniqueid and the workload (a Buffer: no encoding is set); not the
// function's name, so the job reports the name registered. Its calls:
// task.end(data) buffers the result and sends WORK_COMPLETE once the task's
// stream ends; task.write(data) has no WORK_DATA unless the server accepts
// OPTION streaming (which abraxas asks for only when told to), otherwise the
// chunks join the WORK_COMPLETE data; task.warn(data) sends WORK_WARNING;
// task.status(fraction) sends WORK_STATUS fraction*100 / 100; task.error(x)
// is its only way to fail a job: WORK_EXCEPTION x (WORK_WARNING when the
// server refused OPTION exceptions) and then WORK_FAIL. abraxas reconnects and
// registers again whenever a connection ends, so it never gives up by itself:
// the caller's timer ends the request, and the message lists the connection
// events abraxas reported.
exports.work = function work(spec, session) {
  const connect = connector(spec.server);
  const client = Gearman.Client.connect({ servers: [connect] });
  const note = (what) => {
    session.notes.push(what);
    process.stderr.write(`abraxas worker ${what}\n`);
  };
  client.on('connection-error', (err) => note(`connection-error: ${err && err.message}`));
  client.on('disconnect', () => note('disconnect'));
  for (const fn of spec.functions) {
    client.registerWorker(fn.name, (task) => {
      const ended = new Promise((resolve) => task.writer.once('end', resolve));
      const ops = {
        complete: (data) => {
          task.end(data);
          return ended;
        },
        fail: () => task.error(new Error()),
        exception: (data) => task.error(data),
        status: (numerator, denominator) => task.status(numerator / denominator),
        data: (data) => {
          task.write(data);
        },
        warning: (data) => task.warn(data),
      };
      const seen = { handle: task.jobid, function: fn.name, unique: task.uniqueid, workload: task.payload };
      // The promise settles with undefined, which abraxas takes as "the
      // function answers the job itself".
      return session.job(fn, seen, ops).then(() => undefined);
    });
  }
  return () => connect.flushed().then(() => {
    client.disconnect();
    client.removeAllListeners('connect');
    connect.finish();
  });
};
