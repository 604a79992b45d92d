// A Vercel Edge Function (a Next.js route handler on the edge runtime) that reads a profile
// through adapty-server, which runs there as WebAssembly (the package's `edge-light` entry);
// tests/edge/edge.test.mjs runs it in Vercel's edge-runtime.
import { Adapty, NotFoundError } from 'adapty-server';

export const runtime = 'edge';

const adapty = new Adapty({ apiKey: process.env.ADAPTY_API_KEY, baseUrl: process.env.ADAPTY_BASE_URL });

export async function GET(request) {
  const user = new URL(request.url).searchParams.get('user');
  try {
    const profile = await adapty.profiles.get({ customerUserId: user });
    return Response.json({ profileId: profile.profileId, customAttributes: profile.customAttributes });
  } catch (e) {
    if (e instanceof NotFoundError) {
      const created = await adapty.profiles.create({ customerUserId: user, customAttributes: { source: 'edge' } });
      return Response.json({ created: created.profileId }, { status: 201 });
    }
    throw e;
  }
}
