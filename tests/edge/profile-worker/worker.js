// A Cloudflare Worker that creates, reads and updates a profile through adapty-server, which
// runs here as WebAssembly (the package's `workerd` entry); tests/edge/edge.test.mjs checks what it
// answers. `?user=ID` names the profile; the key and the base URL come from the Worker's vars.
import { Adapty, NotFoundError, UsageError } from 'adapty-server';

export default {
  async fetch(request, env) {
    const adapty = new Adapty({ apiKey: env.ADAPTY_API_KEY, baseUrl: env.ADAPTY_BASE_URL });
    const user = new URL(request.url).searchParams.get('user');
    const created = await adapty.profiles.create({ customerUserId: user, customAttributes: { plan: 'gold' } });
    const read = await adapty.profiles.get({ profileId: created.profileId });
    const updated = await adapty.profiles.update({ customerUserId: user, customAttributes: { plan: null, beta: true } });
    const missing = await adapty.profiles.get({ customerUserId: `${user}-missing` }).catch((e) => e);
    let blocking;
    try {
      adapty.profiles.getSync({ customerUserId: user });
    } catch (e) {
      blocking = e;
    }
    return Response.json({
      profileId: created.profileId,
      created: created.customAttributes,
      read: { customerUserId: read.customerUserId, customAttributes: read.customAttributes },
      updated: updated.customAttributes,
      missing: { notFound: missing instanceof NotFoundError, status: missing.status, errorCode: missing.errorCode },
      blocking: { usage: blocking instanceof UsageError, message: blocking?.message },
    });
  },
};
