// Loaded with `node --require` into every documentation snippet that test/doc-snippets.test.ts
// runs. A snippet is written as a user would paste it (`app.listen(3000)`), so this file turns
// a server into a check that ends: every listen goes to a free loopback port, and once the
// first server listens the requests in SNIPPET_REQUESTS are sent (cookies carried over), each
// answer is printed, and the process exits 0, or 1 when an answer was a 5xx or failed.
// In a node:cluster the workers listen and the primary, which sees them listen, sends the
// requests and then stops the workers.
'use strict';
const cluster = require('node:cluster');
const http = require('node:http');

const requests = (process.env.SNIPPET_REQUESTS || 'GET /').split(',').map((step) => {
  const [method, url] = step.trim().split(/\s+/);
  return { method, url };
});

const listen = http.Server.prototype.listen;
http.Server.prototype.listen = function (...args) {
  const callback = typeof args[args.length - 1] === 'function' ? args.pop() : undefined;
  return callback ? listen.call(this, 0, '127.0.0.1', callback) : listen.call(this, 0, '127.0.0.1');
};

function send(port, { method, url }, cookie) {
  return new Promise((resolve, reject) => {
    const headers = cookie ? { cookie } : {};
    const req = http.request({ host: '127.0.0.1', port, method, path: url, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode, setCookie: res.headers['set-cookie'], body }));
    });
    req.on('error', reject);
    req.end();
  });
}

let started = false;
let stopping = false;
async function drive(port, stop) {
  if (started) return;
  started = true;
  let cookie;
  let failed = false;
  try {
    for (const step of requests) {
      const answer = await send(port, step, cookie);
      if (answer.setCookie) cookie = answer.setCookie.map((c) => c.split(';')[0]).join('; ');
      console.log(`[snippet] ${step.method} ${step.url} -> ${answer.status} ${answer.body.slice(0, 200)}`);
      if (answer.status >= 500) failed = true;
    }
  } catch (err) {
    console.error('[snippet] request failed:', err);
    failed = true;
  }
  stop(failed ? 1 : 0);
}

if (cluster.isPrimary) {
  // A worker that dies before the requests are done is the snippet failing, not finishing.
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    console.error(`[snippet] cluster worker ${worker.id} exited (${signal ?? code}) before serving`);
    process.exit(1);
  });
  cluster.on('listening', (_worker, address) => {
    drive(address.port, (code) => {
      stopping = true;
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill();
      process.exit(code);
    });
  });
  const onListening = function () {
    const address = this.address();
    if (address && typeof address === 'object') drive(address.port, (code) => process.exit(code));
  };
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (event, ...rest) {
    if (event === 'listening') onListening.call(this);
    return emit.call(this, event, ...rest);
  };
}
