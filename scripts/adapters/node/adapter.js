#!/usr/bin/env node
// gearspec adapter (protocol v2, docs/conformance.md) for npm Gearman
// clients. Usage: node adapter.js <abraxas|gearman|gearmanode|node-gearman>
// stdout carries protocol answers only; diagnostics go to stderr.
'use strict';

const readline = require('readline');
const path = require('path');

const LIBRARIES = ['abraxas', 'gearman', 'gearmanode', 'node-gearman'];

function die(message) {
  process.stderr.write(`gearspec node adapter: ${message}\n`);
  process.exit(2);
}

const libraryName = process.argv[2];
if (!LIBRARIES.includes(libraryName)) die(`usage: node adapter.js <${LIBRARIES.join('|')}>`);
const work = require(path.join(__dirname, 'lib', 'work'));
let library;
try {
  library = require(path.join(__dirname, 'lib', libraryName));
} catch (e) {
  die(`cannot load the ${libraryName} client (run scripts/install-deps): ${e.message}`);
}

// A base64 text as bytes; `what` names it in the error.
function base64Bytes(b64, what) {
  if (typeof b64 !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0)
    throw new Error(`${what} is not base64`);
  return Buffer.from(b64, 'base64');
}

function isUtf8(buffer) {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(buffer);
    return true;
  } catch (e) {
    return false;
  }
}

// A request's byte field as bytes: <name>_b64 (protocol v2) when present, else
// the v1 text's UTF-8 bytes; undefined when both are absent or null.
function fieldBytes(job, name, where) {
  const b64 = job[`${name}_b64`];
  if (b64 !== undefined && b64 !== null) return base64Bytes(b64, `${where}.${name}_b64`);
  const text = job[name];
  if (text === undefined || text === null) return undefined;
  if (typeof text !== 'string') throw new Error(`${where}.${name} must be a string or null`);
  return Buffer.from(text, 'utf8');
}

// What the library is given for a field (a submit's function or unique, a
// worker's function name "worker_function", a status request's handle or
// unique "status_key"): the text, as before, when the bytes are UTF-8;
// otherwise the Buffer when the library takes one there
// (library.bufferFields), else the only thing a string API can take, the
// bytes decoded as UTF-8 with U+FFFD for each bad byte (scripts/adapters/README.md).
function libraryValue(bytes, field) {
  if (bytes === undefined || isUtf8(bytes)) return bytes && bytes.toString('utf8');
  return library.bufferFields.includes(field) ? bytes : bytes.toString('utf8');
}

// A result's byte field: <name>_b64 always, and the text when it is UTF-8. A
// library that hands back a string has decoded the wire bytes already: its
// UTF-8 encoding is what the caller holds.
function putBytes(result, name) {
  const value = result[name];
  if (value === undefined || value === null) return result;
  const bytes = Buffer.isBuffer(value) ? value : Buffer.from(String(value), 'utf8');
  delete result[name];
  result[`${name}_b64`] = bytes.toString('base64');
  if (isUtf8(bytes)) result[name] = bytes.toString('utf8');
  return result;
}

// Checks one submit request and turns each job into
// {function, unique (undefined = library default), workload (Buffer), priority}.
function parseJobs(request) {
  if (!Array.isArray(request.jobs)) throw new Error('submit needs a "jobs" array');
  work.checkServer(request);
  return request.jobs.map((job, i) => {
    const where = `jobs[${i}]`;
    if (job === null || typeof job !== 'object') throw new Error(`${where} is not an object`);
    const functionBytes = fieldBytes(job, 'function', where);
    if (functionBytes === undefined) throw new Error(`${where} has no function`);
    const uniqueBytes = fieldBytes(job, 'unique', where);
    const priority = job.priority === undefined ? 'normal' : job.priority;
    if (!['normal', 'high', 'low'].includes(priority)) throw new Error(`${where}.priority must be normal, high or low`);
    if (job.background === false) throw new Error(`${where}.background=false: this adapter submits background jobs only`);
    return {
      function: libraryValue(functionBytes, 'function'),
      unique: libraryValue(uniqueBytes, 'unique'),
      workload: base64Bytes(job.workload_b64 === undefined ? '' : job.workload_b64, `${where}.workload_b64`),
      priority,
    };
  });
}

// Checks a status request: the handle or the unique to ask about, as the
// library is given it.
function parseStatus(request) {
  work.checkServer(request);
  const handle = fieldBytes(request, 'handle', 'status');
  const unique = fieldBytes(request, 'unique', 'status');
  if ((handle === undefined) === (unique === undefined)) throw new Error('status needs one of "handle_b64", "unique_b64"');
  const byUnique = unique !== undefined;
  const feature = byUnique ? 'status_unique' : 'status';
  if (!library.features.includes(feature)) throw new Error(`${libraryName} has no "${feature}"`);
  return { key: libraryValue(byUnique ? unique : handle, 'status_key'), byUnique };
}

async function answer(request) {
  if (request === null || typeof request !== 'object' || !('id' in request) || typeof request.op !== 'string')
    throw new Error('request must be an object with "id" and a string "op"');
  if (request.op === 'hello')
    return { id: request.id, name: libraryName, version: library.version, protocol: 2, features: library.features };
  const timeoutMs = Number.isInteger(request.timeout_ms) ? request.timeout_ms : undefined;
  if (request.op === 'work') {
    if (typeof library.work !== 'function') throw new Error(`${libraryName} has no worker (no "work" in hello)`);
    const spec = work.parse(request, fieldBytes, libraryValue);
    return Object.assign({ id: request.id }, await work.run(libraryName, spec, library.work, putBytes));
  }
  if (request.op === 'status') {
    const { key, byUnique } = parseStatus(request);
    const result = await library.status(request.server, key, byUnique, timeoutMs);
    return Object.assign({ id: request.id }, result);
  }
  if (request.op === 'submit') {
    const jobs = parseJobs(request);
    const results = await library.submit(request.server, jobs, timeoutMs);
    return { id: request.id, results: results.map((r) => putBytes(putBytes(r, 'handle'), 'unique')) };
  }
  throw new Error(`unknown op "${request.op}"`);
}

// Requests are answered one at a time, in order.
let chain = Promise.resolve();
let lineNumber = 0;
let unanswered = 0;

// Node exits when nothing is left to wait for, even with unsettled promises.
// A library that forgets a job (no event will ever come) would make the
// adapter exit without an answer; like the application it stands for, the
// adapter waits instead, so the runner sees the hang (and kills it).
process.on('beforeExit', () => {
  if (unanswered === 0) return;
  process.stderr.write(`gearspec node adapter: ${libraryName} left a submit unsettled with no pending I/O; ` +
                       'no answer will come\n');
  setInterval(() => {}, 1 << 30);
});
const input = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
input.on('line', (line) => {
  const number = ++lineNumber;
  if (line.trim() === '') return;
  ++unanswered;
  chain = chain.then(async () => {
    try {
      process.stdout.write(JSON.stringify(await answer(JSON.parse(line))) + '\n');
      --unanswered;
    } catch (e) {
      die(`request line ${number}: ${e.message}`);
    }
  });
});
// The client libraries keep reconnect timers alive; leave once answered.
input.on('close', () => chain.then(() => process.stdout.write('', () => process.exit(0))));
