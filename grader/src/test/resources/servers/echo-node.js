#!/usr/bin/env node
'use strict';
// Echo server with a connection limit, on Node's net module.
const net = require('net');

const PROG = 'echo-server';
const REFUSAL = 'server at capacity\n';
const PENDING_MAX = 64 * 1024;

function pad(n, w) { return String(n).padStart(w, '0'); }
function log(msg) {
  const d = new Date();
  const ts = `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.${pad(d.getUTCMilliseconds(), 3)}`;
  process.stderr.write(`${ts} ${msg}\n`);
}

function usageError(msg) {
  process.stderr.write(`${PROG}: ${msg}\nTry '${PROG} --help' for more information.\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { '--port': '9000', '--max-clients': '100', '--bind': '127.0.0.1' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') {
      process.stdout.write(`Usage: ${PROG} [--port N] [--max-clients N] [--bind ADDRESS]\n` +
        '  --port N          TCP port (default 9000; 0 picks a free one)\n' +
        '  --max-clients N   most clients served at once (default 100, at least 1)\n' +
        '  --bind ADDRESS    address to listen on (default 127.0.0.1)\n');
      process.exit(0);
    }
    if (a === '--version' || a === '-V') { process.stdout.write(`${PROG} (node net) 1.0\n`); process.exit(0); }
    const eq = a.indexOf('=');
    const name = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    let val = a.startsWith('--') && eq > 0 ? a.slice(eq + 1) : undefined;
    if (!(name in opts)) usageError(`Unknown option: '${a}'`);
    if (val === undefined) {
      if (i + 1 >= argv.length) usageError(`Missing required parameter for option '${name}'`);
      val = argv[++i];
    }
    opts[name] = val;
  }
  const asInt = (name) => {
    const v = opts[name];
    if (!/^[+-]?\d+$/.test(v)) usageError(`Invalid value '${v}' for option '${name}': not an int.`);
    const n = BigInt(v);
    if (n > 2147483647n || n < -2147483648n) usageError(`Invalid value '${v}' for option '${name}': not an int.`);
    return Number(n);
  };
  const port = asInt('--port');
  if (port < 0 || port > 65535) usageError(`Invalid value '${opts['--port']}' for option '--port': must be 0 to 65535.`);
  const max = asInt('--max-clients');
  if (max < 1) usageError(`Invalid value '${opts['--max-clients']}' for option '--max-clients': must be at least 1.`);
  return { port, max, bind: opts['--bind'] };
}

function fmt(host, port) { return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`; }

const { port, max, bind } = parseArgs(process.argv.slice(2));
let count = 0;
const clients = new Set();
let acceptTrouble = false;

function refuse(sock) {
  // The one write goes out at once; end() shuts our output down after it.
  sock.on('error', () => {});
  sock.on('data', () => {}); // drain what the client already sent
  sock.end(REFUSAL);
  // the client normally closes at once; give it a moment, then close anyway
  const t = setTimeout(() => sock.destroy(), 200);
  sock.on('close', () => clearTimeout(t));
  log(`rejected connection: at capacity (${count}/${max})`);
}

function admit(sock) {
  count++;
  clients.add(sock);
  const peer = fmt(sock.remoteAddress, sock.remotePort);
  log(`accepted connection from ${peer} (${count}/${max})`);
  sock.on('data', (chunk) => {
    sock.write(chunk, () => {
      if (sock.isPaused() && sock.writableLength < PENDING_MAX && !sock.destroyed) sock.resume();
    });
    if (sock.writableLength >= PENDING_MAX) sock.pause();
  });
  sock.on('drain', () => { if (sock.isPaused() && !sock.readableEnded) sock.resume(); });
  sock.on('end', () => sock.end()); // half-close: finish the echo, then close
  sock.on('error', () => sock.destroy());
  sock.once('close', () => {
    clients.delete(sock);
    count--;
    log(`closed connection from ${peer} (${count}/${max})`);
  });
}

const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: false }, (sock) => {
  if (acceptTrouble) { acceptTrouble = false; log('accepting again'); }
  if (count >= max) refuse(sock);
  else admit(sock);
});

let listening = false;
server.on('error', (err) => {
  if (!listening) {
    log(`cannot listen on ${fmt(bind, port)}: ${err.code === 'EADDRINUSE' ? 'Address already in use' : err.message}`);
    process.exit(1);
  }
  if (err.code === 'EMFILE' || err.code === 'ENFILE') {
    if (!acceptTrouble) log('cannot accept: Too many open files; retrying every 100 ms');
    acceptTrouble = true;
    return;
  }
  log(`cannot accept: ${err.message}`);
});

server.listen({ port, host: bind, backlog: 511 }, () => {
  listening = true;
  const a = server.address();
  log(`listening on ${fmt(a.address, a.port)} (max clients: ${max})`);
});

function shutdown(sig, code) {
  server.close();
  for (const s of clients) s.destroy();
  log('shutting down');
  process.exit(code);
}
process.on('SIGINT', () => shutdown('SIGINT', 130));
process.on('SIGTERM', () => shutdown('SIGTERM', 143));
