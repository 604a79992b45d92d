// A blocking script: create, read, update and delete one profile, then look for it again.
import { randomUUID } from 'node:crypto';
import { Adapty, NotFoundError } from 'adapty-server';

const client = new Adapty();
const customerUserId = `proc-sync-${randomUUID()}`;
const created = client.profiles.createSync({ customerUserId, firstName: 'Ann', customAttributes: { plan: 'gold' } });
const fetched = client.profiles.getSync({ profileId: created.profileId });
const updated = client.profiles.updateSync({ customerUserId, customAttributes: { plan: null, logins: 3 } });
client.profiles.deleteSync({ customerUserId });
let gone;
try {
  client.profiles.getSync({ customerUserId });
} catch (e) {
  if (!(e instanceof NotFoundError)) throw e;
  gone = e.errorCode;
}
if (fetched.customAttributes.plan !== 'gold' || JSON.stringify(updated.customAttributes) !== '{"logins":3}')
  throw new Error('unexpected attributes');
console.log(`sync: created, read, updated, deleted, then ${gone}`);
