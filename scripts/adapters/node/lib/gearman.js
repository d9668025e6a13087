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
exports.features = ['background', 'high', 'low', 'batch', 'handle_readback', 'timeout', 'work', 'status',
                     'status_unique'];
// submitJob throws unless the function is a string (encoded 'ascii', i.e.
// one byte per UTF-16 unit); the unique goes through Buffer.from, which copies
// a Buffer. JOB_CREATED's handle is reported as a string decoded as UTF-8.
exports.bufferFields = ['unique'];

function connectTo(server, timeoutMs) {
  const colon = server.lastIndexOf(':');
  return gearman(server.slice(0, colon), Number(server.slice(colon + 1)),
                 timeoutMs === undefined ? {} : { timeout: timeoutMs });
}

exports.submit = function submit(server, jobs, timeoutMs) {
  const client = connectTo(server, timeoutMs);
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
      settleAll(failure.ofSocketError(err));
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

// The worker, as the library's README writes one (the library has no worker
// loop of its own): connect, addFunction (CAN_DO) for each function,
// preSleep; grab on NOOP, preSleep again after NO_JOB and after each job. It
// grabs with grabUniqueJob (GRAB_JOB_UNIQ), its only grab that hands over the
// unique; JOB_ASSIGN and JOB_ASSIGN_UNIQ are events with handle, func_name,
// unique_id (strings decoded as UTF-8) and payload (a Buffer), JOB_ASSIGN_ALL
// is dropped. addFunction takes a string only (sent as UTF-8); the handle
// goes back in WORK_* packets encoded 'ascii' (one byte per UTF-16 unit).
// The library gives up only as its caller hears it: the connection's 'close'
// and 'error' events, and a server ERROR event, end the request.
exports.work = function work(spec, session) {
  const client = connectTo(spec.server);
  const byName = new Map(spec.functions.map((fn) => [fn.name, fn]));
  const giveUp = session.giveUp;
  client.on('error', (err) => giveUp(failure.ofSocketError(err)));
  client.on('close', () => giveUp(failure('lost_connection', 'close', 'the connection closed')));
  client.on('ERROR', (code, text) => giveUp(failure('server_error', 'ERROR', `${code}: ${text}`, code)));
  client.on('NOOP', () => {
    if (!session.over()) client.grabUniqueJob();
  });
  client.on('NO_JOB', () => {
    if (!session.over()) client.preSleep();
  });
  const assigned = (job) => {
    const fn = byName.get(job.func_name);
    if (!fn) return process.stderr.write(`gearman worker: a job for ${job.func_name}, which is not registered\n`);
    const handle = job.handle;
    const ops = {
      complete: (data) => client.sendWorkComplete(handle, data),
      fail: () => client.sendWorkFail(handle),
      exception: (data) => client.sendWorkException(handle, data),
      status: (numerator, denominator) => client.sendWorkStatus(handle, String(numerator), String(denominator)),
      data: (data) => client.sendWorkData(handle, data),
      warning: (data) => client.sendWorkWarning(handle, data),
    };
    const seen = { handle, function: job.func_name, workload: job.payload };
    if (job.unique_id !== undefined) seen.unique = job.unique_id;
    session.job(fn, seen, ops).then((taken) => {
      if (taken && !session.over()) client.preSleep();
    });
  };
  client.on('JOB_ASSIGN', assigned);
  client.on('JOB_ASSIGN_UNIQ', assigned);
  client.connect(() => {
    if (session.over()) return;
    try {
      for (const fn of spec.functions) client.addFunction(fn.name);
      client.preSleep();
    } catch (e) {
      giveUp(failure('invalid_argument', e.name, e.message));
    }
  });
  // close() ends the socket after what was written (no reconnect exists).
  return () => client.close();
};

// A status field as the caller holds it: the library hands KNOWN, RUNNING and
// NUMERATOR over as the text of the reply and DENOMINATOR as a number (it
// reads only that field's first byte, a format 'ssss8'). Text that is a flag
// or a number 0..4294967295 is reported as one; anything else is reported as
// the library gave it, so the runner refuses the answer: the library told
// its caller "success" with a field that is no number.
function asFlag(text) {
  if (text === '1' || text === '0') return text === '1';
  return text;
}
function asNumber(value) {
  const n = typeof value === 'string' && /^[0-9]+$/.test(value) ? Number(value) : value;
  return Number.isInteger(n) && n >= 0 && n <= 4294967295 ? n : value;
}

// getJobStatus(handle) / getJobStatusUnique(unique) on a fresh client. The
// replies are connection-wide STATUS_RES / STATUS_RES_UNIQUE events carrying
// the handle or unique they answer, which the caller compares with the one it
// asked about (a reply about another job is not this one's); no CLIENT_COUNT
// (the library stops after the denominator's first byte).
exports.status = function status(server, key, byUnique, timeoutMs) {
  const client = connectTo(server, timeoutMs);
  return new Promise((resolve) => {
    let done = false;
    const settle = (result) => {
      if (done) return;
      done = true;
      client.close();
      resolve(result);
    };
    client.on(byUnique ? 'STATUS_RES_UNIQUE' : 'STATUS_RES', (r) => {
      const about = byUnique ? r.unique_id : r.handle;
      if (about !== key) return process.stderr.write(`gearman: a status reply about ${about}, not ${key}\n`);
      settle({ ok: true, known: asFlag(r.known), running: asFlag(r.running), numerator: asNumber(r.percent_done_num),
               denominator: asNumber(r.percent_done_den) });
    });
    client.on('ERROR', (code, text) => settle(failure('server_error', 'ERROR', `${code}: ${text}`, code)));
    client.on('error', (err) => settle(failure.ofSocketError(err)));
    client.on('close', () => settle(failure('lost_connection', 'close', 'connection closed before a status reply')));
    client.on('timeout', () => settle(failure('timeout', 'timeout', `socket idle for ${timeoutMs} ms`)));
    client.connect(() => {
      if (done) return;
      try {
        if (byUnique) client.getJobStatusUnique(key);
        else client.getJobStatus(key);
      } catch (e) {
        settle(failure('invalid_argument', e.name, e.message));
      }
    });
  });
};
