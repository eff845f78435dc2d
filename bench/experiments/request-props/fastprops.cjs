const express = require('express');
const http = require('http');
const app = express();
app.use((req, res, next) => {
  const a = %HasFastProperties(req), b = %HasFastProperties(res);
  req.x1 = 1;
  const c = %HasFastProperties(req);
  console.log('req fast', a, 'res fast', b, 'after add', c, Object.keys(req).length, Object.keys(res).length, Object.getOwnPropertySymbols(req).length);
  next();
});
app.get('/', (req, res) => { res.setHeader('x','y'); console.log('res fast after setHeader', %HasFastProperties(res)); res.end('ok'); });
const s = app.listen(0, '127.0.0.1', () => {
  http.get(`http://127.0.0.1:${s.address().port}/`, (r) => { r.resume(); r.on('end', () => s.close()); });
});
