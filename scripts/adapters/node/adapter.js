#!/usr/bin/env node
// gearspec adapter (protocol v1, shared/spec/ADAPTER.md) for npm Gearman
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
let library;
try {
  library = require(path.join(__dirname, 'lib', libraryName));
} catch (e) {
  die(`cannot load the ${libraryName} client (run scripts/install-deps): ${e.message}`);
}

// Checks one submit request and turns each job into
// {function, unique (undefined = library default), workload (Buffer), priority}.
function parseJobs(request) {
  if (!Array.isArray(request.jobs)) throw new Error('submit needs a "jobs" array');
  if (typeof request.server !== 'string' || !/^.+:\d+$/.test(request.server))
    throw new Error('submit needs "server" as "host:port"');
  return request.jobs.map((job, i) => {
    const where = `jobs[${i}]`;
    if (job === null || typeof job !== 'object') throw new Error(`${where} is not an object`);
    if (typeof job.function !== 'string') throw new Error(`${where}.function must be a string`);
    if (job.unique !== undefined && job.unique !== null && typeof job.unique !== 'string')
      throw new Error(`${where}.unique must be a string or null`);
    const priority = job.priority === undefined ? 'normal' : job.priority;
    if (!['normal', 'high', 'low'].includes(priority)) throw new Error(`${where}.priority must be normal, high or low`);
    if (job.background === false) throw new Error(`${where}.background=false: protocol v1 adapters submit background jobs only`);
    const b64 = job.workload_b64 === undefined ? '' : job.workload_b64;
    if (typeof b64 !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0)
      throw new Error(`${where}.workload_b64 is not base64`);
    return {
      function: job.function,
      unique: job.unique === null ? undefined : job.unique,
      workload: Buffer.from(b64, 'base64'),
      priority,
    };
  });
}

async function answer(request) {
  if (request === null || typeof request !== 'object' || !('id' in request) || typeof request.op !== 'string')
    throw new Error('request must be an object with "id" and a string "op"');
  if (request.op === 'hello')
    return { id: request.id, name: libraryName, version: library.version, features: library.features };
  if (request.op === 'submit') {
    const jobs = parseJobs(request);
    const timeoutMs = Number.isInteger(request.timeout_ms) ? request.timeout_ms : undefined;
    return { id: request.id, results: await library.submit(request.server, jobs, timeoutMs) };
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
