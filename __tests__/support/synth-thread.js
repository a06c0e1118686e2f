// The synth thread of a jest worker process (see inThread in synth.ts): makes each call posted on its port (a
// synth, a policy check) with the TypeScript sources, loaded once through swc and V8's code cache, and posts the
// result back. Setting `done` after the reply is posted wakes the caller blocked in Atomics.wait.
require('./swc-register');
require('../../app/compile-cache');
const { workerData } = require('worker_threads');
const { handle } = require('./synth');

const { port, done } = workerData;
port.on('message', (call) => {
  let reply;
  try {
    reply = { value: handle(call) };
  } catch (err) {
    reply = { error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
  port.postMessage(reply);
  Atomics.store(done, 0, 1);
  Atomics.notify(done, 0);
});
