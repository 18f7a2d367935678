#!/usr/bin/env node
// A stand-in for ZooKeeper that answers at once with canned replies, for measuring a client's own
// CPU per request (ab.mjs --inproc --stub): a real server's speed varies from batch to batch, and
// how many replies arrive per socket read moves the client's cost per request more than the code
// under test does. Not a server: it knows the handshake, ping, closeSession, create and getData,
// keeps no tree, and answers every create with its own path + a counter and every get with the same
// 100 bytes. Loopback only; prints `PORT <n>` and runs until its stdin closes.
import net from 'node:net';

const DATA = Buffer.alloc(100, 7);
let zxid = 1n;

function frame(body) {
  const out = Buffer.allocUnsafe(4 + body.length);
  out.writeInt32BE(body.length, 0);
  body.copy(out, 4);
  return out;
}

function header(xid, err = 0) {
  const h = Buffer.allocUnsafe(16);
  h.writeInt32BE(xid, 0);
  h.writeBigInt64BE(zxid++, 4);
  h.writeInt32BE(err, 12);
  return h;
}

function str(s) {
  const b = Buffer.from(s);
  const out = Buffer.allocUnsafe(4 + b.length);
  out.writeInt32BE(b.length, 0);
  b.copy(out, 4);
  return out;
}

const STAT = Buffer.alloc(68);
STAT.writeInt32BE(DATA.length, 56); // dataLength

function connectResponse(timeout) {
  const b = Buffer.alloc(4 + 4 + 8 + 4 + 16 + 1);
  b.writeInt32BE(0, 0); // protocol version
  b.writeInt32BE(timeout, 4);
  b.writeBigInt64BE(BigInt(Date.now()) & 0x7fffffffffffn, 8);
  b.writeInt32BE(16, 16);
  return frame(b);
}

let seq = 0;
function reply(req) {
  const xid = req.readInt32BE(0);
  const type = req.readInt32BE(4);
  if (type === 1 || type === 15) {
    // create / create2: the path asked for, with a sequence number appended
    const len = req.readInt32BE(8);
    const path = req.toString('utf8', 12, 12 + len) + String(seq++).padStart(10, '0');
    return frame(Buffer.concat(type === 15 ? [header(xid), str(path), STAT] : [header(xid), str(path)]));
  }
  if (type === 4) {
    const len = Buffer.allocUnsafe(4);
    len.writeInt32BE(DATA.length, 0);
    return frame(Buffer.concat([header(xid), len, DATA, STAT]));
  }
  return frame(header(xid)); // ping, closeSession, anything else: an empty OK
}

const server = net.createServer((socket) => {
  socket.setNoDelay(true);
  let buf = Buffer.alloc(0);
  let connected = false;
  socket.on('data', (chunk) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    const out = [];
    while (buf.length >= 4) {
      const n = buf.readInt32BE(0);
      if (buf.length < 4 + n) break;
      const req = buf.subarray(4, 4 + n);
      buf = buf.subarray(4 + n);
      if (!connected) {
        connected = true;
        out.push(connectResponse(req.readInt32BE(12)));
      } else {
        out.push(reply(req));
        if (req.readInt32BE(4) === -11) {
          socket.end(Buffer.concat(out));
          return;
        }
      }
    }
    if (out.length) socket.write(out.length === 1 ? out[0] : Buffer.concat(out));
  });
  socket.on('error', () => {});
});
server.listen(0, '127.0.0.1', () => console.log(`PORT ${server.address().port}`));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
