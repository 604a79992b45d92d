// A service's batch job: create 20 profiles concurrently, read them, delete them all.
import { randomUUID } from 'node:crypto';
import { Adapty } from 'adapty-server';

const client = new Adapty();
const users = Array.from({ length: 20 }, () => `proc-async-${randomUUID()}`);
const created = await Promise.all(users.map((customerUserId) => client.profiles.create({ customerUserId })));
const fetched = await Promise.all(created.map((p) => client.profiles.get({ profileId: p.profileId })));
const results = await client.profiles.deleteMany(users.map((customerUserId) => ({ customerUserId })));
console.log(`async: ${new Set(fetched.map((p) => p.profileId)).size} created, ${results.filter((r) => r.ok).length} deleted`);
