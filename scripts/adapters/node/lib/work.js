// The op `work` (docs/conformance.md "Worker cases") for every npm client:
// the request's checks, running a job's actions through the library's calls,
// the caller's bound (timeout_ms) and the answer. A library binding only says
// how its worker registers functions, hands over jobs and stops.
'use strict';

const failure = require('./failure');

const ACTIONS = ['complete', 'fail', 'exception', 'status', 'data', 'warning', 'sleep'];

// Checks the request's "server" ("host:port"), for every op that has one.
exports.checkServer = function checkServer(request) {
  if (typeof request.server !== 'string' || !/^.+:\d+$/.test(request.server))
    throw new Error(`${request.op} needs "server" as "host:port"`);
};

// Checks a work request; function names become what the library is given
// (toLibrary), action payloads Buffers.
exports.parse = function parse(request, fieldBytes, toLibrary) {
  exports.checkServer(request);
  if (!Number.isInteger(request.timeout_ms) || request.timeout_ms < 1)
    throw new Error('work needs "timeout_ms" as a positive integer (the worker is bounded by it)');
  const maxJobs = request.max_jobs === undefined ? 1 : request.max_jobs;
  if (!Number.isInteger(maxJobs) || maxJobs < 0) throw new Error('work: "max_jobs" must be an integer >= 0');
  if (!Array.isArray(request.functions) || request.functions.length === 0)
    throw new Error('work needs a non-empty "functions" array');
  const functions = request.functions.map((f, i) => {
    const where = `functions[${i}]`;
    if (f === null || typeof f !== 'object') throw new Error(`${where} is not an object`);
    const nameBytes = fieldBytes(f, 'name', where);
    if (nameBytes === undefined) throw new Error(`${where} has no name`);
    if (!Array.isArray(f.actions)) throw new Error(`${where}.actions is not an array`);
    const actions = f.actions.map((a, j) => {
      const at = `${where}.actions[${j}]`;
      if (a === null || typeof a !== 'object' || !ACTIONS.includes(a.do))
        throw new Error(`${at}.do must be one of ${ACTIONS.join(', ')}`);
      const action = { do: a.do };
      if (a.do === 'status') {
        for (const k of ['numerator', 'denominator'])
          if (!Number.isInteger(a[k]) || a[k] < 0 || a[k] > 4294967295)
            throw new Error(`${at}.${k} must be an integer 0..4294967295`);
        action.numerator = a.numerator;
        action.denominator = a.denominator;
      } else if (a.do === 'sleep') {
        if (!Number.isInteger(a.ms) || a.ms < 0) throw new Error(`${at}.ms must be an integer >= 0`);
        action.ms = a.ms;
      } else if (a.do !== 'fail') {
        action.data = fieldBytes(a, 'data', at) || Buffer.alloc(0);
      }
      return action;
    });
    return { name: toLibrary(nameBytes, 'worker_function'), nameBytes, actions };
  });
  return { server: request.server, timeoutMs: request.timeout_ms, maxJobs, functions };
};

function errorText(err) {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

// Runs one action through the library's call for it. ops[what] is a function
// (may return a promise; throwing, rejecting or returning an Error fails the
// step) or a string saying why the library has no such call.
async function runAction(action, ops) {
  if (action.do === 'sleep') {
    await new Promise((resolve) => setTimeout(resolve, action.ms));
    return { ok: true };
  }
  const call = ops[action.do];
  if (typeof call === 'string') return { ok: false, error: call };
  if (typeof call !== 'function') throw new Error(`the binding lists no call for "${action.do}"`);
  try {
    const outcome = action.do === 'status' ? await call(action.numerator, action.denominator)
                                           : await call(action.data);
    if (outcome instanceof Error) return { ok: false, error: errorText(outcome) };
    return { ok: true };
  } catch (e) {
    return { ok: false, error: errorText(e) };
  }
}

// binding(spec, session) starts the library's worker and returns a function
// that stops it (and may return a promise that settles once nothing of the
// worker is left). Through the session the binding reports
//   session.job(fn, seen, ops): the library handed a job of fn (an entry of
//     spec.functions) to the function; seen = {handle, function, unique,
//     workload} as the library gave them (strings or Buffers, unique left out
//     when the library gives none). Returns a promise that settles once the
//     job's actions have run, with false when the job is not taken (the
//     request is over or max_jobs jobs were taken already).
//   session.giveUp(result): the library reported that it cannot go on
//     (a failure object, docs/conformance.md).
//   session.over(): true once the request is answered; nothing may be sent.
//   session.notes: what the library told its caller without giving up
//     (connection events), added to the message of a timeout.
exports.run = function run(libraryName, spec, binding, putBytes) {
  return new Promise((resolve) => {
    const jobs = [];
    let taken = 0;
    let done = 0;
    let over = false;
    let stop = () => {};
    let timer;
    const finish = (result) => {
      if (over) return;
      over = true;
      clearTimeout(timer);
      Promise.resolve()
        .then(() => stop())
        .catch((e) => process.stderr.write(`${libraryName} worker stop: ${errorText(e)}\n`))
        .then(() => resolve({ jobs: jobs.map((j) => ['handle', 'function', 'unique', 'workload']
                                                     .reduce((r, k) => putBytes(r, k), j)),
                              result }));
    };
    const session = {
      notes: [],
      over: () => over,
      giveUp: (result) => {
        if (!over) process.stderr.write(`${libraryName} worker gave up: ${result.error}: ${result.message}\n`);
        finish(result);
      },
      job: async (fn, seen, ops) => {
        if (over || taken >= spec.maxJobs) return false;
        ++taken;
        const record = Object.assign({}, seen, { steps: [] });
        jobs.push(record);
        for (const action of fn.actions) {
          if (over) {
            record.steps.push({ ok: false, error: 'not run: the work request had ended (timeout)' });
            continue;
          }
          record.steps.push(await runAction(action, ops));
        }
        if (++done === spec.maxJobs) finish({ ok: true });
        return true;
      },
    };
    // None of these libraries has a timeout for a worker that waits for jobs;
    // like an application, the caller bounds the wait with its own timer.
    timer = setTimeout(() => {
      const counts = new Map();
      for (const n of session.notes) counts.set(n, (counts.get(n) || 0) + 1);
      const told = [...counts].map(([n, c]) => (c > 1 ? `${n} (${c} times)` : n)).join('; ');
      const seen = told ? `; ${libraryName} reported: ${told}` : '';
      finish(failure('timeout', 'timeout',
                     `${done} of ${spec.maxJobs} jobs done within ${spec.timeoutMs} ms (the caller's timer; ` +
                     `${libraryName} has no worker timeout)${seen}`));
    }, spec.timeoutMs);
    if (spec.maxJobs === 0) return finish({ ok: true });
    try {
      stop = binding(spec, session);
    } catch (e) {
      finish(failure('other', (e && e.name) || 'Error', (e && e.message) || String(e)));
    }
  });
};

// Resolves once a net.Socket has handed every byte written so far to the
// kernel (or is gone), so that stopping right after a job's last packet does
// not drop it; after 1 s at most (a server that reads nothing must not keep
// the request from ending).
exports.flushed = function flushed(socket) {
  return new Promise((resolve) => {
    const limit = setTimeout(resolve, 1000);
    const check = () => {
      if (!socket || socket.destroyed || socket.writableLength === 0) {
        clearTimeout(limit);
        return resolve();
      }
      socket.once('drain', check);
    };
    setImmediate(check);
  });
};
