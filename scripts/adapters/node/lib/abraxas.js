// Adapter protocol v2 binding for npm abraxas (submitJobBg).
'use strict';

const net = require('net');
const Gearman = require('abraxas');
const failure = require('./failure');

// abraxas writes each submitJobBg at once and matches JOB_CREATED replies in
// order, so jobs submitted in one tick are pipelined (feature "batch").
exports.version = require('abraxas/package.json').version;
exports.features = ['background', 'high', 'low', 'batch', 'handle_readback', 'timeout'];
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
