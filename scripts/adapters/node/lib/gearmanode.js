// Adapter protocol v2 binding for npm gearmanode (Client#submitJob with
// background: true).
'use strict';

const winston = require('winston');
const failure = require('./failure');

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
exports.features = ['background', 'high', 'low', 'batch', 'handle_readback'];
// protocol.encodePacket copies Buffer arguments as is; the handle of
// JOB_CREATED is decoded as a UTF-8 string.
exports.bufferFields = ['function', 'unique'];

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
