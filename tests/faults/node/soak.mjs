// The fault soak's Node program: tests/faults/run.py sets the scene, runs this, and checks what
// it reports against the emulator.
import { Adapty, AdaptyError } from 'adapty-server';

// Retries enough that no call runs out of them under 10% faults (0.1^7 per call).
const client = new Adapty({ timeoutMs: 1000 * Number(process.env.SOAK_TIMEOUT), maxRetries: 6 });
const refs = Array.from({ length: Number(process.env.SOAK_PROFILES) }, (_, n) => ({ customerUserId: `soak-${n}` }));
const amounts = process.env.SOAK_AMOUNTS.split(',').map(Number);
const wallet = process.env.SOAK_WALLET;

const deletes = (await client.profiles.deleteMany(refs, { concurrency: 32 })).map((r) => ({
  ref: r.ref.customerUserId,
  ok: r.ok,
}));

// 32 transactions in flight at a time.
const made = new Array(amounts.length);
let next = 0;
async function worker() {
  while (next < amounts.length) {
    const i = next++;
    try {
      await client.virtualCurrency.createTransaction({
        customerUserId: wallet,
        items: [{ currencyCode: 'COINS', amount: amounts[i] }],
      });
      made[i] = true;
    } catch (e) {
      if (!(e instanceof AdaptyError)) throw e;
      made[i] = false;
    }
  }
}
await Promise.all(Array.from({ length: 32 }, worker));
console.log(JSON.stringify({ deletes, transactions: amounts.map((amount, i) => ({ amount, ok: made[i] })) }));
