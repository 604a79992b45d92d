'use strict';
// The network options against the emulator served over HTTPS (a throwaway CA): trusted through
// `caBundle`, refused without it, through an HTTP CONNECT proxy (`proxy`), and HTTPS_PROXY and
// SSL_CERT_FILE from the environment of a new process.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const emulator = require('adapty-emulator');
const { Adapty, APIConnectionError, NotFoundError, ValidationError } = require('adapty-server');
const { KEY, script } = require('./helpers.cjs');

const ca = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'adapty-tls-')), 'ca.pem');
let em;
before(async () => {
  em = await emulator.startEmulator({ apiKey: KEY, acceptAnyKey: false, args: ['--tls', '--tls-ca-out', ca] });
});
after(() => em.stop());

/** An HTTP CONNECT proxy on loopback that notes each tunnel's target. */
async function connectProxy() {
  const targets = [];
  const server = net.createServer((client) => {
    let head = Buffer.alloc(0);
    const onData = (chunk) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      client.off('data', onData);
      const [method, target] = head.subarray(0, end).toString('latin1').split(' ');
      if (method !== 'CONNECT') return client.end('HTTP/1.1 405 Method Not Allowed\r\ncontent-length: 0\r\n\r\n');
      targets.push(target);
      const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
      const upstream = net.connect(port, host, () => {
        client.write('HTTP/1.1 200 Connection established\r\n\r\n');
        upstream.write(head.subarray(end + 4));
        client.pipe(upstream).pipe(client);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    };
    client.on('data', onData);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, targets, close: () => server.close() };
}

const client = (options = {}) => new Adapty({ apiKey: KEY, baseUrl: em.baseUrl, maxRetries: 0, ...options });
const nobody = { customerUserId: 'nobody' };

test('trusted through caBundle, refused without it', async () => {
  assert.ok(em.baseUrl.startsWith('https://'));
  await assert.rejects(client({ caBundle: ca }).profiles.get(nobody), NotFoundError);
  await assert.rejects(client().profiles.get(nobody), (e) => e instanceof APIConnectionError && /certificate/.test(e.message));
});

test('through a CONNECT proxy', async () => {
  const proxy = await connectProxy();
  try {
    await assert.rejects(client({ caBundle: ca, proxy: proxy.url }).profiles.get(nobody), NotFoundError);
    assert.deepEqual(proxy.targets, [em.baseUrl.replace('https://', '')]);
  } finally {
    proxy.close();
  }
});

test('a wrong proxy or bundle is refused at construction', () => {
  assert.throws(
    () => new Adapty({ apiKey: KEY, proxy: 'ftp://proxy:21' }),
    (e) => e instanceof ValidationError && e.field === 'proxy',
  );
  assert.throws(
    () => new Adapty({ apiKey: KEY, caBundle: '/nonexistent/ca.pem' }),
    (e) => e instanceof ValidationError && e.field === 'caBundle',
  );
});

test('HTTPS_PROXY and SSL_CERT_FILE from the environment of a new process', async () => {
  const proxy = await connectProxy();
  const program = `
    const { Adapty, NotFoundError } = require('adapty-server');
    new Adapty({ apiKey: ${JSON.stringify(KEY)}, baseUrl: ${JSON.stringify(em.baseUrl)}, maxRetries: 0 })
      .profiles.get({ customerUserId: 'nobody' })
      .catch((e) => console.log(e instanceof NotFoundError ? '404' : String(e)));`;
  try {
    const env = { ...process.env, HTTPS_PROXY: proxy.url, SSL_CERT_FILE: ca, NO_PROXY: '' };
    const out = await new Promise((resolve, reject) => {
      execFile(process.execPath, [script(program)], { env }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
    });
    assert.equal(out.trim(), '404');
    assert.deepEqual(proxy.targets, [em.baseUrl.replace('https://', '')]);
  } finally {
    proxy.close();
  }
});
