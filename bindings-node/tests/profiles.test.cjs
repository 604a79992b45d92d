'use strict';
// Every profile operation and every error class, with the Promise methods and the *Sync twins.

const { test, describe, before, after, beforeEach } = require('node:test');
const assert = require('node:assert/strict');
const sdk = require('adapty-server');
const { Adapty } = sdk;
const { KEY, startEmulator, uniqueUser } = require('./helpers.cjs');

let em;
before(async () => {
  em = await startEmulator();
});
after(() => em.stop());
beforeEach(async () => {
  await em.clearFaults();
  await em.clearJournal();
});

const client = (options = {}) => new Adapty({ apiKey: KEY, baseUrl: em.baseUrl, ...options });

// The same bodies for both styles: `call(profiles, 'get', arg)` awaits the Promise method or
// runs the *Sync twin.
const MODES = {
  promise: (profiles, method, arg) => profiles[method](arg),
  sync: async (profiles, method, arg) => profiles[`${method}Sync`](arg),
};

for (const [mode, call] of Object.entries(MODES)) {
  describe(`profiles (${mode})`, () => {
    test('lifecycle: create, get, delete, then 404', async () => {
      const c = client();
      const user = uniqueUser();
      const created = await call(c.profiles, 'create', {
        customerUserId: user,
        firstName: 'Jane',
        gender: 'f',
        birthday: '2000-12-31',
        customAttributes: { plan: 'gold', logins: 3, beta: true },
        installationMeta: { deviceId: 'dev-1', platform: 'iOS' },
        platform: 'iOS',
      });
      assert.equal(created.customerUserId, user);
      assert.deepEqual(created.customAttributes, { plan: 'gold', logins: 3, beta: 1 });
      assert.deepEqual([created.accessLevels, created.subscriptions, created.nonSubscriptions], [[], [], []]);
      assert.equal(created.extra, undefined);
      const fetched = await call(c.profiles, 'get', { profileId: created.profileId });
      assert.equal(fetched.profileId, created.profileId);
      const stored = await em.storedProfile(user);
      assert.deepEqual(stored.fields, { first_name: 'Jane', gender: 'f', birthday: '2000-12-31' });
      assert.equal(stored.installations['dev-1'].platform, 'iOS');
      assert.equal(stored.platform, 'iOS');
      assert.equal(await call(c.profiles, 'delete', { customerUserId: user }), undefined);
      await assert.rejects(call(c.profiles, 'get', { customerUserId: user }), (e) => {
        assert.ok(
          e instanceof sdk.NotFoundError && e instanceof sdk.APIStatusError && e instanceof sdk.AdaptyError && e instanceof Error,
        );
        assert.equal(e.name, 'NotFoundError');
        assert.equal(e.code, 'not_found');
        assert.equal(e.status, 404);
        assert.equal(e.errorCode, 'profile_does_not_exist');
        assert.deepEqual(e.errors, [{ source: null, errors: ['Profile not found'] }]);
        assert.equal(e.requestId.length, 32);
        assert.match(e.body, /profile_does_not_exist/);
        return true;
      });
    });

    test('update: a left-out field stays, null clears, attribute null deletes', async () => {
      const c = client();
      const user = uniqueUser();
      await call(c.profiles, 'create', {
        customerUserId: user,
        firstName: 'Jane',
        lastName: 'Doe',
        customAttributes: { a: '1', b: '2' },
      });
      await em.clearJournal();
      const updated = await call(c.profiles, 'update', {
        customerUserId: user,
        lastName: null,
        customAttributes: { a: null, c: 1.5 },
      });
      assert.deepEqual(updated.customAttributes, { b: '2', c: 1.5 });
      const [entry] = await em.journal();
      assert.equal(entry.body, '{"last_name":null,"custom_attributes":[{"key":"a","value":null},{"key":"c","value":1.5}]}');
      assert.deepEqual((await em.storedProfile(user)).fields, { first_name: 'Jane' });
    });

    test('create attaches a customer user id to an existing profile', async () => {
      const [anonymous] = await em.seed([{}]);
      const user = uniqueUser();
      const attached = await call(client().profiles, 'create', { profileId: anonymous, customerUserId: user });
      assert.deepEqual([attached.profileId, attached.customerUserId], [anonymous, user]);
    });

    test('validation errors name the field and send nothing', async () => {
      const cases = [
        [{ gender: 'x' }, 'gender', 'enum'],
        [{ birthday: '2001-02-29' }, 'birthday', 'format'],
        [{ ipCountry: 'USA' }, 'ipCountry', 'format'],
        [{ installationMeta: { deviceId: 'd', platform: 'windows' } }, 'installationMeta.platform', 'enum'],
        [
          { customAttributes: Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`k${i}`, 'v'])) },
          'customAttributes',
          'count',
        ],
        [{ customAttributes: { my_key: 'x'.repeat(51) } }, 'customAttributes.my_key', 'max_length'],
      ];
      for (const [fields, field, rule] of cases) {
        await assert.rejects(call(client().profiles, 'update', { customerUserId: 'anyone', ...fields }), (e) => {
          assert.ok(e instanceof sdk.ValidationError, `${field}: ${e}`);
          assert.deepEqual([e.field, e.rule, e.code], [field, rule, 'validation']);
          // The core's message, naming the field as the API does.
          assert.ok(e.message.startsWith(`invalid ${field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}: `), e.message);
          return true;
        });
      }
      assert.deepEqual(await em.journal(), []);
    });

    test('a value of the wrong type is a TypeError naming the field', async () => {
      const p = client().profiles;
      await assert.rejects(
        call(p, 'update', { customerUserId: 'u', firstName: 5 }),
        (e) => e instanceof TypeError && e.field === 'firstName' && /first_name/.test(e.message),
      );
      await assert.rejects(
        call(p, 'update', { customerUserId: 'u', firstname: 'x' }),
        (e) => e instanceof TypeError && e.field === 'firstname' && e.rule === 'type',
      );
      await assert.rejects(
        call(p, 'get', { profileId: 42 }),
        (e) => e instanceof TypeError && e.field === 'profileId' && /profile_id/.test(e.message),
      );
      await assert.rejects(
        call(p, 'get', { profileId: '42' }),
        (e) => e instanceof sdk.ValidationError && e.field === 'profileId',
      );
      await assert.rejects(call(p, 'get', {}), (e) => e instanceof sdk.ValidationError && e.rule === 'required');
    });
  });
}

describe('errors from the API', () => {
  const classes = [
    [400, sdk.BadRequestError, 'bad_request'],
    [401, sdk.AuthenticationError, 'authentication'],
    [403, sdk.PermissionDeniedError, 'permission_denied'],
    [404, sdk.NotFoundError, 'not_found'],
    [409, sdk.ConflictError, 'conflict'],
    [422, sdk.UnprocessableEntityError, 'unprocessable_entity'],
    [500, sdk.InternalServerError, 'internal_server'],
    [503, sdk.InternalServerError, 'internal_server'],
  ];
  for (const [status, cls, code] of classes) {
    test(`${status} is ${cls.name}`, async () => {
      await em.fault({
        status,
        times: 5,
        body: { errors: [{ source: 'f', errors: ['bad'] }], error_code: `code_${status}`, status_code: status },
      });
      await assert.rejects(client({ maxRetries: 0 }).profiles.get({ customerUserId: 'x' }), (e) => {
        assert.ok(e instanceof cls && e instanceof sdk.APIStatusError, String(e));
        assert.deepEqual([e.status, e.code, e.errorCode], [status, code, `code_${status}`]);
        assert.deepEqual(e.errors, [{ source: 'f', errors: ['bad'] }]);
        return true;
      });
    });
  }

  test('a wrong key is an AuthenticationError without the key in it', async () => {
    await assert.rejects(client({ apiKey: 'secret_wrong_key' }).profiles.get({ customerUserId: 'x' }), (e) => {
      assert.ok(e instanceof sdk.AuthenticationError);
      assert.equal(e.errorCode, 'unauthorized');
      assert.ok(!JSON.stringify({ ...e, message: e.message, stack: e.stack }).includes('secret_wrong_key'));
      return true;
    });
  });

  test('retries 429, 503 and a dropped connection, then succeeds', async () => {
    const user = uniqueUser();
    await em.seed([{ customer_user_id: user }]);
    await em.clearJournal();
    await em.fault(
      { method: 'GET', status: 429, retry_after: '0' },
      { method: 'GET', status: 503 },
      { method: 'GET', drop_connection: true },
    );
    const p = await client({ maxRetries: 3 }).profiles.get({ customerUserId: user });
    assert.equal(p.customerUserId, user);
    assert.deepEqual(
      (await em.journal()).map((e) => e.status),
      [429, 503, 200, 200],
    );
  });

  test('a Retry-After beyond the cap fails at once as a RateLimitError with retryAfter', async () => {
    await em.fault({
      status: 429,
      retry_after: '3600',
      times: 3,
      body: { errors: ['slow'], error_code: 'rate_limited', status_code: 429 },
    });
    const started = Date.now();
    await assert.rejects(
      client().profiles.get({ customerUserId: 'x' }),
      (e) => e instanceof sdk.RateLimitError && e.retryAfter === 3600 && e.code === 'rate_limit',
    );
    assert.ok(Date.now() - started < 1000);
  });

  test('timeouts and refused connections', async () => {
    await em.fault({ delay_ms: 2000, times: 2 });
    await assert.rejects(
      client({ timeoutMs: 200, maxRetries: 1 }).profiles.get({ customerUserId: 'x' }),
      (e) => e instanceof sdk.APITimeoutError && e instanceof sdk.APIConnectionError && e.code === 'timeout',
    );
    await assert.rejects(
      client({ baseUrl: 'http://127.0.0.1:9', maxRetries: 0 }).profiles.get({ customerUserId: 'x' }),
      (e) => e instanceof sdk.APIConnectionError && !(e instanceof sdk.APITimeoutError) && e.code === 'connection',
    );
  });

  test('bad options are refused when the client is made', () => {
    assert.throws(
      () => new Adapty({ apiKey: KEY, baseUrl: 'http://api.example.com' }),
      (e) => e instanceof sdk.ValidationError && e.field === 'baseUrl',
    );
    assert.throws(
      () => new Adapty({ apiKey: KEY, apiVersion: 'v3' }),
      (e) => e instanceof sdk.ValidationError && e.field === 'apiVersion',
    );
    assert.throws(
      () => new Adapty({ apiKey: KEY, timeoutMs: -1 }),
      (e) => e instanceof sdk.ValidationError && e.field === 'timeoutMs',
    );
    const c = client();
    c.close();
    assert.throws(
      () => c.profiles.getSync({ customerUserId: 'x' }),
      (e) => e instanceof sdk.UsageError && e.code === 'closed',
    );
  });
});

for (const [mode, method] of [
  ['promise', 'deleteMany'],
  ['sync', 'deleteManySync'],
]) {
  test(`deleteMany returns one result per input, in order (${mode})`, async () => {
    const ids = await em.seed(
      Array.from({ length: 40 }, (_, i) => ({ customer_user_id: `node-bulk-${mode}-${i}-${Date.now()}` })),
    );
    const refs = ids.map((profileId) => ({ profileId }));
    refs.splice(5, 0, { customerUserId: 'nobody-here' });
    refs.splice(9, 0, { profileId: 'not-a-uuid' });
    const results = await client().profiles[method](refs, { concurrency: 8 });
    assert.deepEqual(
      results.map((r) => r.ref),
      refs,
    );
    const failed = results.flatMap((r, i) => (r.ok ? [] : [[i, r.error.constructor.name]]));
    assert.deepEqual(failed, [
      [5, 'NotFoundError'],
      [9, 'ValidationError'],
    ]);
    assert.deepEqual(await client().profiles[method]([]), []);
    await assert.rejects(
      async () => client().profiles[method]('p'),
      (e) => e instanceof TypeError && e.field === 'refs',
    );
  });
}
