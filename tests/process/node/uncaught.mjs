// An API error nobody catches reaches the top level.
import { randomUUID } from 'node:crypto';
import { Adapty } from 'adapty-server';

await new Adapty().profiles.get({ customerUserId: `proc-nobody-${randomUUID()}` });
console.log('not reached');
