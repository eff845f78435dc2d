// node syscalls.cjs bare|ours|busy : an Express app on a free port for strace
// -c comparisons (writes per response). `busy` burns ~20 µs per request in a
// no-op middleware, to tell a slower server's cost from the session layer's.
const express = require('express');
const session = require('../../../dist/index.js');
const variant = process.argv[2];
const app = express();
if (variant === 'ours') app.use(session({ secret: 'syscalls', resave: false, saveUninitialized: false }));
if (variant === 'busy') app.use((req, res, next) => { const t = process.hrtime.bigint(); while (process.hrtime.bigint() - t < 20000n); next(); });
app.get('/login', (req, res) => { req.session.user = 'ann'; res.send('ok'); });
app.get('/untouched', (req, res) => res.send('ok'));
const srv = app.listen(0, '127.0.0.1', () => console.log(srv.address().port));
