const http = require('http');
let prev, prevRes;
const s = http.createServer((req, res) => {
  if (prev) console.log('plain http same map', %HaveSameMap(prev, req), 'res', %HaveSameMap(prevRes, res));
  prev = req; prevRes = res;
  const p = Object.getPrototypeOf(req);
  const o = Object.create(p);
  Object.setPrototypeOf(req, o);
  res.end('ok');
});
s.listen(0, '127.0.0.1', async () => {
  for (let i = 0; i < 3; i++) await new Promise((r) => http.get(`http://127.0.0.1:${s.address().port}/`, { agent: false }, (x) => { x.resume(); x.on('end', r); }));
  s.close();
});
