// The Worker `make bench` starts in workerd to time a cold start: adapty-server (its WebAssembly
// build) reads the benchmark's profile; plain.js does the same with fetch alone.
import { Adapty } from 'adapty-server';

export default {
  async fetch(_request, env) {
    const adapty = new Adapty({ apiKey: env.ADAPTY_API_KEY, baseUrl: env.ADAPTY_BASE_URL });
    const profile = await adapty.profiles.get({ customerUserId: env.BENCH_USER });
    return Response.json({ profileId: profile.profileId });
  },
};
