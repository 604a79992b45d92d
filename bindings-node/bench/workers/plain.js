// sdk.js's request with fetch alone: the baseline of `make bench`'s workerd cold start.
export default {
  async fetch(_request, env) {
    const response = await fetch(`${env.ADAPTY_BASE_URL}/api/v2/server-side-api/profile/`, {
      headers: { authorization: `Api-Key ${env.ADAPTY_API_KEY}`, 'adapty-customer-user-id': env.BENCH_USER },
    });
    const { data } = await response.json();
    return Response.json({ profileId: data.profile_id });
  },
};
