// The methods some models have beyond their data (lib/methods.js), which the generated
// interfaces of lib/generated/models.d.ts extend.

/** What a `Profile` can answer beyond its data. */
export interface ProfileMethods {
  /**
   * Whether the profile has the access level `accessLevelId` (e.g. `'premium'`) at `at` (default:
   * now). The server-side API has no `isActive`; the core derives it as Adapty's guide says: a
   * level of that id whose `startsAt` is absent or not after `at`, and whose `expiresAt` is null
   * (lifetime) or after `at`, or that is in a grace period. A refunded level
   * (`cancellationReason === 'refund'`) is never active. A level the profile does not have gives
   * `false`. The method is not enumerable: a copy made by spreading or `JSON.parse` is plain data
   * without it.
   */
  hasActiveAccess(accessLevelId: string, at?: Date): boolean;
}
