// Ctrl-C during a slow blocking request (the harness makes the request slow, then sends SIGINT
// once this prints "waiting"): Node's default handler ends the process.
import { Adapty } from 'adapty-server';

const client = new Adapty();
console.log('waiting');
client.profiles.getSync({ customerUserId: process.argv[2] });
console.log('not reached');
