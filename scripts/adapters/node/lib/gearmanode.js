// Adapter protocol v2 binding for npm gearmanode (Client#submitJob with
// background: true).
'use strict';

const winston = require('winston');
const failure = require('./failure');
const { flushed } = require('./work');

// gearmanode logs through winston; send warnings and errors to stderr (stdout
// is protocol only) before its loggers are created at require time.
const toStderr = new winston.transports.Console({
  level: 'warn',
  stderrLevels: Object.keys(winston.config.npm.levels),
  format: winston.format.combine(winston.format.splat(), winston.format.simple()),
});
winston.configure({ transports: [toStderr] });
winston.loggers.options = { transports: [toStderr] };
const gearmanode = require('gearmanode');

// gearmanode has no submit timeout, so "timeout" is not listed; jobs of one
// request are all passed to submitJob at once and written without waiting
// for replies (pipelined, feature "batch"), JOB_CREATED matched in order.
exports.version = require('gearmanode/package.json').version;
// Its only status call is Job#getStatus, on a job this client submitted
// itself (the reply is routed to that Job object): there is no status by a
// handle or unique the caller names, so no "status" / "status_unique".
exports.features = ['background', 'high', 'low', 'batch', 'handle_readback', 'work'];
// protocol.encodePacket copies Buffer arguments as is; the handle of
// JOB_CREATED is decoded as a UTF-8 string.
// Worker#addFunction sends its name through encodePacket too (a Buffer as
// is); the functions table is keyed by its string form.
exports.bufferFields = ['function', 'unique', 'worker_function'];

exports.submit = function submit(server, jobs) {
  const colon = server.lastIndexOf(':');
  const client = gearmanode.client({
    servers: [{ host: server.slice(0, colon), port: Number(server.slice(colon + 1)) }],
  });
  // An ERROR packet reaches only this client-wide event; gearmanode does not
  // settle the job it answers (that job keeps waiting; see README.md).
  // The adapter gives it to the oldest job of this request still waiting,
  // the one the server answered (replies come in request order).
  client.on('jobServerError', (uid, code, text) => {
    process.stderr.write(`gearmanode jobServerError: ${uid} ${code} ${text}\n`);
    if (waiting.length) waiting[0](failure('server_error', 'jobServerError', `${code}: ${text}`, code));
  });
  client.on('error', (err) => process.stderr.write(`gearmanode client error: ${err && err.message}\n`));
  client.on('socketError', (uid, err) =>
    process.stderr.write(`gearmanode socketError: ${uid} ${err && err.message}\n`));
  const waiting = [];  // settle functions of jobs still waiting for JOB_CREATED, in submit order
  const submitted = jobs.map((job) => new Promise((resolveOnce) => {
    let settled = false;
    const resolve = (result) => {
      if (settled) return;
      settled = true;
      waiting.splice(waiting.indexOf(resolve), 1);
      resolveOnce(result);
    };
    waiting.push(resolve);
    const options = { background: true, priority: job.priority.toUpperCase() };
    if (job.unique !== undefined) options.unique = job.unique;
    const submittedJob = client.submitJob(job.function, job.workload, options);
    if (submittedJob instanceof Error) {
      resolve(failure('invalid_argument', 'Error', submittedJob.message));
      return;
    }
    submittedJob.on('created', () => resolve({ ok: true, handle: String(submittedJob.handle) }));
    submittedJob.on('error', (err) => {
      const message = (err && err.message) || String(err);
      const errorClass = /all job servers fail|ECONNREFUSED/.test(message) ? 'could_not_connect' : 'other';
      resolve(failure(errorClass, (err && err.name) || 'Error', message));
    });
    // 'close' before 'created': the connection ended while the job waited.
    submittedJob.on('close', () => resolve(failure('lost_connection', 'close', 'job closed before JOB_CREATED')));
  }));
  return Promise.all(submitted).finally(() => client.close());
};

// The worker: gearmanode.worker({servers, withUnique: true}) and
// addFunction(name, fn) per function. With withUnique it grabs with
// GRAB_JOB_UNIQ (else GRAB_JOB), only on a NOOP: addFunction sends CAN_DO and
// PRE_SLEEP, and so does every job's end. The function gets a Job with handle,
// name and unique (decoded as 'ascii', i.e. each byte's low 7 bits) and the
// payload (a Buffer); JOB_ASSIGN_ALL is an unknown packet to it. Its calls:
// workComplete(data) (sends data.toString(), i.e. decoded as UTF-8),
// reportError (WORK_FAIL), reportException(data), reportStatus(n, d),
// sendWorkData(data), reportWarning(data). It gives up as its caller hears:
// 'socketError' (a refused or broken connection), 'socketDisconnect' (the
// connection ended), 'jobServerError' (an ERROR packet) and 'error' (its own
// "out of sync with server"). Worker#close destroys the sockets right after
// end(), which drops bytes not yet written, so the adapter first waits until
// they are.
exports.work = function work(spec, session) {
  const colon = spec.server.lastIndexOf(':');
  const worker = gearmanode.worker({
    servers: [{ host: spec.server.slice(0, colon), port: Number(spec.server.slice(colon + 1)) }],
    withUnique: true,
  });
  if (worker instanceof Error) throw worker;
  const giveUp = session.giveUp;
  worker.on('socketError', (uid, err) => giveUp(failure.ofSocketError(err)));
  worker.on('socketDisconnect', (uid, err) =>
    giveUp(failure('lost_connection', 'socketDisconnect', `connection to ${uid} ended${err ? `: ${err}` : ''}`)));
  worker.on('jobServerError', (uid, code, text) =>
    giveUp(failure('server_error', 'jobServerError', `${code}: ${text}`, code)));
  worker.on('error', (err) => {
    const message = (err && err.message) || String(err);
    giveUp(failure(/out of sync/.test(message) ? 'protocol_error' : 'other', (err && err.name) || 'Error', message));
  });
  for (const fn of spec.functions) {
    const refused = worker.addFunction(fn.name, (job) => {
      const ops = {
        complete: (data) => job.workComplete(data),
        fail: () => job.reportError(),
        exception: (data) => job.reportException(data),
        status: (numerator, denominator) => job.reportStatus(numerator, denominator),
        data: (data) => job.sendWorkData(data),
        warning: (data) => job.reportWarning(data),
      };
      session.job(fn, { handle: job.handle, function: job.name, unique: job.unique, workload: job.payload }, ops);
    });
    if (refused instanceof Error) throw refused;
  }
  return () => Promise.all(worker.jobServers.map((js) => flushed(js.socket))).then(() => worker.close());
};
