// The synth thread of a jest worker process (see inThread in synth.ts): makes each call posted on its port (a
// synth, a policy check) with the TypeScript sources, loaded once through swc and V8's code cache, and posts the
// result back with the call's id. Setting `done` after the reply is posted wakes the caller blocked in
// Atomics.wait. Every outcome is a reply: a thrown error, a result that cannot be cloned, a crash.
require('./swc-register');
require('../../app/compile-cache');
const { workerData } = require('worker_threads');
const { handle } = require('./synth');

const { port, done } = workerData;
const message = (err) => (err instanceof Error ? (err.stack ?? err.message) : String(err));

function reply(id, outcome) {
  try {
    port.postMessage({ id, ...outcome });
  } catch (err) {
    port.postMessage({ id, error: `its result cannot be sent back (plain data only): ${message(err)}` });
  }
  Atomics.store(done, 0, 1);
  Atomics.notify(done, 0);
}

let current = 0;
process.on('uncaughtException', (err) => {
  reply(current, { error: message(err) });
  throw err; // the thread dies; the caller's next call starts a new one
});

port.on('message', ({ id, call }) => {
  current = id;
  try {
    reply(id, { value: handle(call) });
  } catch (err) {
    reply(id, { error: message(err) });
  }
});
