// Blocking calls, then a concurrent batch, in one program.
import { randomUUID } from 'node:crypto';
import { Adapty } from 'adapty-server';

const client = new Adapty();
const user = `proc-mixed-${randomUUID()}`;
const profile = client.profiles.createSync({ customerUserId: user });
if (client.profiles.getSync({ profileId: profile.profileId }).customerUserId !== user) throw new Error('wrong profile');
const users = Array.from({ length: 20 }, (_, i) => `${user}-${i}`);
await Promise.all(users.map((customerUserId) => client.profiles.create({ customerUserId })));
const results = await client.profiles.deleteMany([user, ...users].map((customerUserId) => ({ customerUserId })));
console.log(`mixed: ${results.filter((r) => r.ok).length} deleted`);
