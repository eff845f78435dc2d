const express = require('express');
const http = require('http');
const app = express();
let prev;
const SYM = Symbol('s');
app.use((req, res, next) => {
  req[SYM] = 1; req.session = {};
  if (prev) console.log('same map after adds', %HaveSameMap(prev, req));
  prev = req;
  next();
});
app.get('/', (req, res) => { res.end('ok'); });
const s = app.listen(0, '127.0.0.1', async () => {
  for (let i = 0; i < 4; i++) await new Promise((r) => http.get(`http://127.0.0.1:${s.address().port}/`, { agent: false }, (x) => { x.resume(); x.on('end', r); }));
  s.close();
});
