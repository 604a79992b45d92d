// Ctrl-C during a slow awaited request (see sigint_sync.mjs).
import { Adapty } from 'adapty-server';

const client = new Adapty();
console.log('waiting');
await client.profiles.get({ customerUserId: process.argv[2] });
console.log('not reached');
