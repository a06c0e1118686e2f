// The synth thread of a jest worker process (started by synthApp in synth.ts): synthesizes each config posted on
// its port with the TypeScript sources, loaded once through swc and V8's code cache, and posts the result back.
// Setting `done` after the reply is posted wakes the caller blocked in Atomics.wait.
require('./swc-register');
require('../../app/compile-cache');
const { workerData } = require('worker_threads');
const { synthAppHere } = require('./synth');

const { port, done } = workerData;
port.on('message', (config) => {
  let reply;
  try {
    const t0 = Date.now(); reply = { app: synthAppHere(config) }; require("fs").appendFileSync("/work/tmp/thread.log", `${process.pid} ${Date.now() - t0}\n`);
  } catch (err) {
    reply = { error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
  port.postMessage(reply);
  Atomics.store(done, 0, 1);
  Atomics.notify(done, 0);
});
