// Cost of adding one property to an IncomingMessage after Object.setPrototypeOf (as Express init does), in a loop. node reparent-cost.cjs
const http = require('http');
const { IncomingMessage } = http;
const appReq = Object.create(IncomingMessage.prototype);
const SYM = Symbol('s');
function run(label, fn, N = 200000) {
  const t = process.hrtime.bigint();
  for (let i = 0; i < N; i++) fn();
  console.log(label.padEnd(28), (Number(process.hrtime.bigint() - t) / N).toFixed(0), 'ns');
}
const mk = () => new IncomingMessage(null);
for (let r = 0; r < 3; r++) {
  run('new', () => mk());
  run('new+setProto', () => { const o = mk(); Object.setPrototypeOf(o, appReq); });
  run('new+sym', () => { const o = mk(); o[SYM] = 1; });
  run('new+setProto+sym', () => { const o = mk(); Object.setPrototypeOf(o, appReq); o[SYM] = 1; });
  run('new+setProto+10props+sym', () => { const o = mk(); Object.setPrototypeOf(o, appReq); o.a1=1;o.a2=1;o.a3=1;o.a4=1;o.a5=1;o.a6=1;o.a7=1;o.a8=1;o.a9=1;o.a10=1; o[SYM] = 1; });
  run('new+setProto+10props', () => { const o = mk(); Object.setPrototypeOf(o, appReq); o.a1=1;o.a2=1;o.a3=1;o.a4=1;o.a5=1;o.a6=1;o.a7=1;o.a8=1;o.a9=1;o.a10=1; });
}
