// The Kotlin face of adapty-server: suspend functions and blocking twins over the Rust core.
package io.adapty.server

import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow
import kotlinx.serialization.KSerializer
import kotlinx.serialization.builtins.ListSerializer
import kotlinx.serialization.decodeFromString
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonNull
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.buildJsonArray
import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.doubleOrNull
import kotlinx.serialization.json.encodeToJsonElement
import kotlinx.serialization.json.intOrNull
import kotlinx.serialization.json.jsonArray
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import kotlinx.serialization.json.put
import uniffi.adapty_server_ffi.AdaptyException
import uniffi.adapty_server_ffi.FieldError
import uniffi.adapty_server_ffi.NativeClient
import uniffi.adapty_server_ffi.NativeWalk

/** Which profile: Adapty's profile id, your customer user id, or (create only) both to attach. */
sealed interface ProfileRef {
    data class ProfileId(val id: String) : ProfileRef

    data class CustomerUserId(val id: String) : ProfileRef

    /** Create only: attaches [customerUserId] to the existing profile [profileId]. */
    data class Attach(val profileId: String, val customerUserId: String) : ProfileRef
}

/** The outcome of one input of [AdaptyClient.deleteProfiles]. */
data class DeleteResult(val ref: ProfileRef, val error: AdaptyException?) {
    val ok: Boolean get() = error == null
}

/**
 * A client of Adapty's server-side API. [apiKey] falls back to `ADAPTY_API_KEY`, [baseUrl] to
 * `ADAPTY_BASE_URL` and then `https://api.adapty.io`. [timeoutSeconds] bounds each request and
 * [connectTimeoutSeconds] the making of a connection. Failures are [AdaptyException] cases.
 */
class AdaptyClient(
    apiKey: String? = null,
    baseUrl: String? = null,
    apiVersion: String = "v2",
    timeoutSeconds: Double = 30.0,
    maxRetries: Int = 2,
    connectTimeoutSeconds: Double = 10.0,
) : AutoCloseable {
    private val native =
        NativeClient(
            buildJsonObject {
                apiKey?.let { put("api_key", it) }
                baseUrl?.let { put("base_url", it) }
                put("api_version", apiVersion)
                put("timeout", timeoutSeconds)
                put("connect_timeout", connectTimeoutSeconds)
                put("max_retries", maxRetries)
                put("language", buildJsonArray { add(JsonPrimitive("kotlin")); add(JsonPrimitive(KotlinVersion.CURRENT.toString())) })
            }.toString(),
        )

    val baseUrl: String get() = native.baseUrl()

    // Profiles

    suspend fun getProfile(ref: ProfileRef): Profile = decode(call("profiles.get", args(ref)))

    suspend fun createProfile(ref: ProfileRef, fields: ProfileFields = ProfileFields()): Profile = decode(call("profiles.create", args(ref, fields.toJson())))

    /** Changes the fields set in [fields]; [Field.Unset] ones stay as they are. */
    suspend fun updateProfile(ref: ProfileRef, fields: ProfileFields): Profile = decode(call("profiles.update", args(ref, fields.toJson())))

    suspend fun deleteProfile(ref: ProfileRef) {
        call("profiles.delete", args(ref))
    }

    /** Deletes many profiles, [concurrency] at a time; one result per input, in order. */
    suspend fun deleteProfiles(refs: List<ProfileRef>, concurrency: Int = 16): List<DeleteResult> = results(refs, call("profiles.deleteMany", many(refs, concurrency)))

    // Purchases and access levels

    /** Records a purchase (one-time or subscription) on the profile; returns the updated profile. */
    suspend fun setTransaction(ref: ProfileRef, params: TransactionParams): Profile = decode(call("purchases.setTransaction", args(ref, encode(params))))

    /** Imports a Stripe purchase into the profile with [StripeValidationParams.customerUserId] (created if needed). */
    suspend fun validateStripePurchase(params: StripeValidationParams) {
        call("purchases.validateStripe", args(null, encode(params)))
    }

    /** Imports a Paddle purchase into the profile with [PaddleValidationParams.customerUserId] (created if needed). */
    suspend fun validatePaddlePurchase(params: PaddleValidationParams): Profile = decode(call("purchases.validatePaddle", args(null, encode(params))))

    /** Grants an access level without a transaction; returns the updated profile. */
    suspend fun grantAccessLevel(ref: ProfileRef, params: GrantAccessParams): Profile = decode(call("accessLevels.grant", args(ref, encode(params))))

    /** Revokes an access level now, or shortens it to [RevokeAccessParams.revokeAt]; returns the updated profile. */
    suspend fun revokeAccessLevel(ref: ProfileRef, params: RevokeAccessParams): Profile = decode(call("accessLevels.revoke", args(ref, encode(params))))

    // Refund Saver and integrations

    suspend fun refundSaverSettings(ref: ProfileRef): RefundSaverSettings = decode(call("refundSaver.get", args(ref)))

    suspend fun setRefundSaverSettings(ref: ProfileRef, params: RefundSaverParams): RefundSaverSettings = decode(call("refundSaver.set", args(ref, encode(params))))

    suspend fun integrationIdentifiers(ref: ProfileRef): IntegrationIdentifiers = decode(call("integrations.get", args(ref)))

    /** Sets the identifiers that are not null; the others keep their value. */
    suspend fun setIntegrationIdentifiers(ref: ProfileRef, ids: IntegrationIdentifiers) {
        call("integrations.set", args(ref, encode(ids)))
    }

    // Paywalls

    /** One page of paywalls: [page] (from 1) or a [cursor] from a previous page's `nextCursor`. */
    suspend fun paywalls(page: Int? = null, pageSize: Int? = null, cursor: String? = null): PaywallPage = decode(call("paywalls.list", paywallsArgs(page, pageSize, cursor)))

    /** Every paywall; the next page is fetched when the previous one has been collected. */
    fun allPaywalls(pageSize: Int? = null): Flow<Paywall> = pages("paywalls.list", paywallsArgs(null, pageSize, null), Paywall.serializer())

    suspend fun paywall(id: String): Paywall = decode(call("paywalls.get", args(null, null, "paywall_id" to id)))

    /** Replaces the paywall's remote configs (all of them: read the paywall first to keep some). */
    suspend fun updatePaywall(id: String, remoteConfigs: List<RemoteConfig>): Paywall = decode(call("paywalls.update", args(null, encode(PaywallUpdateParams(remoteConfigs)), "paywall_id" to id)))

    // Virtual currencies

    /**
     * Applies credits and debits together. Retries reuse one Idempotency-Key ([idempotencyKey], or
     * one the SDK makes); the same key given again replays the first result.
     */
    suspend fun createVirtualCurrencyTransaction(ref: ProfileRef, params: VirtualCurrencyTransactionParams, idempotencyKey: String? = null): VirtualCurrencyTransactionResult =
        decode(call("virtualCurrency.createTransaction", args(ref, encode(params), "idempotency_key" to idempotencyKey)))

    /** One page of the profile's history, newest first; pass the previous page's `nextCursor` as [cursor]. */
    suspend fun virtualCurrencyTransactions(ref: ProfileRef, currencyCode: String? = null, limit: Int? = null, cursor: String? = null): VirtualCurrencyTransactionPage =
        decode(call("virtualCurrency.listTransactions", args(ref, null, "currency_code" to currencyCode, "limit" to limit, "cursor" to cursor)))

    /** The profile's whole history, newest first, [limit] per request. */
    fun allVirtualCurrencyTransactions(ref: ProfileRef, currencyCode: String? = null, limit: Int? = null): Flow<VirtualCurrencyTransaction> =
        pages("virtualCurrency.listTransactions", args(ref, null, "currency_code" to currencyCode, "limit" to limit), VirtualCurrencyTransaction.serializer())

    suspend fun virtualCurrencyBalances(ref: ProfileRef): VirtualCurrencyBalances = decode(call("virtualCurrency.balances", args(ref)))

    // Blocking twins

    fun getProfileBlocking(ref: ProfileRef): Profile = decode(callBlocking("profiles.get", args(ref)))

    fun createProfileBlocking(ref: ProfileRef, fields: ProfileFields = ProfileFields()): Profile = decode(callBlocking("profiles.create", args(ref, fields.toJson())))

    fun updateProfileBlocking(ref: ProfileRef, fields: ProfileFields): Profile = decode(callBlocking("profiles.update", args(ref, fields.toJson())))

    fun deleteProfileBlocking(ref: ProfileRef) {
        callBlocking("profiles.delete", args(ref))
    }

    fun deleteProfilesBlocking(refs: List<ProfileRef>, concurrency: Int = 16): List<DeleteResult> = results(refs, callBlocking("profiles.deleteMany", many(refs, concurrency)))

    fun setTransactionBlocking(ref: ProfileRef, params: TransactionParams): Profile = decode(callBlocking("purchases.setTransaction", args(ref, encode(params))))

    fun validateStripePurchaseBlocking(params: StripeValidationParams) {
        callBlocking("purchases.validateStripe", args(null, encode(params)))
    }

    fun validatePaddlePurchaseBlocking(params: PaddleValidationParams): Profile = decode(callBlocking("purchases.validatePaddle", args(null, encode(params))))

    fun grantAccessLevelBlocking(ref: ProfileRef, params: GrantAccessParams): Profile = decode(callBlocking("accessLevels.grant", args(ref, encode(params))))

    fun revokeAccessLevelBlocking(ref: ProfileRef, params: RevokeAccessParams): Profile = decode(callBlocking("accessLevels.revoke", args(ref, encode(params))))

    fun refundSaverSettingsBlocking(ref: ProfileRef): RefundSaverSettings = decode(callBlocking("refundSaver.get", args(ref)))

    fun setRefundSaverSettingsBlocking(ref: ProfileRef, params: RefundSaverParams): RefundSaverSettings = decode(callBlocking("refundSaver.set", args(ref, encode(params))))

    fun integrationIdentifiersBlocking(ref: ProfileRef): IntegrationIdentifiers = decode(callBlocking("integrations.get", args(ref)))

    fun setIntegrationIdentifiersBlocking(ref: ProfileRef, ids: IntegrationIdentifiers) {
        callBlocking("integrations.set", args(ref, encode(ids)))
    }

    fun paywallsBlocking(page: Int? = null, pageSize: Int? = null, cursor: String? = null): PaywallPage = decode(callBlocking("paywalls.list", paywallsArgs(page, pageSize, cursor)))

    /** Every paywall, lazily: the next page is fetched when the previous one has been iterated. */
    fun allPaywallsBlocking(pageSize: Int? = null): Sequence<Paywall> = pagesBlocking("paywalls.list", paywallsArgs(null, pageSize, null), Paywall.serializer())

    fun paywallBlocking(id: String): Paywall = decode(callBlocking("paywalls.get", args(null, null, "paywall_id" to id)))

    fun updatePaywallBlocking(id: String, remoteConfigs: List<RemoteConfig>): Paywall = decode(callBlocking("paywalls.update", args(null, encode(PaywallUpdateParams(remoteConfigs)), "paywall_id" to id)))

    fun createVirtualCurrencyTransactionBlocking(ref: ProfileRef, params: VirtualCurrencyTransactionParams, idempotencyKey: String? = null): VirtualCurrencyTransactionResult =
        decode(callBlocking("virtualCurrency.createTransaction", args(ref, encode(params), "idempotency_key" to idempotencyKey)))

    fun virtualCurrencyTransactionsBlocking(ref: ProfileRef, currencyCode: String? = null, limit: Int? = null, cursor: String? = null): VirtualCurrencyTransactionPage =
        decode(callBlocking("virtualCurrency.listTransactions", args(ref, null, "currency_code" to currencyCode, "limit" to limit, "cursor" to cursor)))

    /** The profile's whole history, lazily, newest first, [limit] per request. */
    fun allVirtualCurrencyTransactionsBlocking(ref: ProfileRef, currencyCode: String? = null, limit: Int? = null): Sequence<VirtualCurrencyTransaction> =
        pagesBlocking("virtualCurrency.listTransactions", args(ref, null, "currency_code" to currencyCode, "limit" to limit), VirtualCurrencyTransaction.serializer())

    fun virtualCurrencyBalancesBlocking(ref: ProfileRef): VirtualCurrencyBalances = decode(callBlocking("virtualCurrency.balances", args(ref)))

    override fun close() = native.close()

    // Calls and page walks (once for every operation; the core walks the cursors)

    private suspend fun call(op: String, args: JsonObject): String = native.call(op, args.toString())

    private fun callBlocking(op: String, args: JsonObject): String = native.callBlocking(op, args.toString())

    private inline fun <reified T> decode(text: String): T = json.decodeFromString(text)

    /**
     * Walks every page of [op] with the core's walk ([NativeWalk], given [args] without `cursor`):
     * it sends each page's `nextCursor` as the next request's `cursor`, ends on a null or empty
     * one, and fails with [AdaptyException.Usage] on a cursor it already sent. [next] fetches a
     * page's items (null once the walk is over), decoded with [item] and passed to [emit].
     */
    private inline fun <T> walk(op: String, args: JsonObject, item: KSerializer<T>, next: (NativeWalk) -> String?, emit: (List<T>) -> Unit) {
        native.walk(op, args.toString()).use { walk ->
            while (true) {
                val items = next(walk) ?: break
                emit(json.decodeFromString(ListSerializer(item), items))
            }
        }
    }

    private fun <T> pages(op: String, args: JsonObject, item: KSerializer<T>): Flow<T> =
        flow { walk(op, args, item, { it.next() }) { data -> data.forEach { emit(it) } } }

    private fun <T> pagesBlocking(op: String, args: JsonObject, item: KSerializer<T>): Sequence<T> =
        sequence { walk(op, args, item, { it.nextBlocking() }) { yieldAll(it) } }
}

private val json = Json { ignoreUnknownKeys = true }

/** Request bodies: leaves out null optionals. */
private val bodies = Json { explicitNulls = false; encodeDefaults = true }

private inline fun <reified T> encode(value: T): JsonElement = bodies.encodeToJsonElement(value)

private fun ids(ref: ProfileRef): Pair<String?, String?> =
    when (ref) {
        is ProfileRef.ProfileId -> ref.id to null
        is ProfileRef.CustomerUserId -> null to ref.id
        is ProfileRef.Attach -> ref.profileId to ref.customerUserId
    }

/** The core's arguments: the profile's ids, the request body as `fields`, and the other arguments that are not null. */
private fun args(ref: ProfileRef?, fields: JsonElement? = null, vararg extra: Pair<String, Any?>): JsonObject =
    buildJsonObject {
        ref?.let { ids(it).let { (p, c) -> put("profile_id", p); put("customer_user_id", c) } }
        fields?.let { put("fields", it) }
        for ((key, value) in extra) {
            when (value) {
                null -> {}
                is Number -> put(key, value)
                else -> put(key, value.toString())
            }
        }
    }

private fun paywallsArgs(page: Int?, pageSize: Int?, cursor: String?): JsonObject = args(null, null, "page" to page, "page_size" to pageSize, "cursor" to cursor)

private fun many(refs: List<ProfileRef>, concurrency: Int): JsonObject =
    buildJsonObject {
        put("concurrency", concurrency)
        put("refs", JsonArray(refs.map { ref -> ids(ref).let { (p, c) -> buildJsonObject { put("profile_id", p); put("customer_user_id", c) } } }))
    }

private fun results(refs: List<ProfileRef>, text: String): List<DeleteResult> =
    json.parseToJsonElement(text).jsonArray.mapIndexed { i, e -> DeleteResult(refs[i], if (e is JsonNull) null else exception(e)) }

/** The exception case for one of the core's error descriptions (`Error::to_json`). */
internal fun exception(info: JsonElement): AdaptyException {
    val message = info.text("message") ?: ""
    return when (info.text("kind")) {
        "validation" -> AdaptyException.Validation(info.text("field") ?: "", info.text("rule") ?: "", info.text("error_code"), message)
        "connection" -> AdaptyException.Connection(message)
        "timeout" -> AdaptyException.Timeout(message)
        "api" -> {
            val status = info.field("status")?.jsonPrimitive?.intOrNull ?: 0
            if (status == 429) {
                AdaptyException.RateLimited(info.field("retry_after")?.jsonPrimitive?.doubleOrNull, info.text("error_code"), info.text("request_id"), info.text("body") ?: "", message)
            } else {
                val errors = info.field("errors")?.jsonArray?.map { e -> FieldError(e.text("source"), e.field("errors")?.jsonArray?.map { it.jsonPrimitive.content } ?: emptyList()) }
                AdaptyException.Api(status.toUShort(), info.text("error_code"), errors ?: emptyList(), info.text("request_id"), info.text("body") ?: "", message)
            }
        }
        else -> AdaptyException.Usage(message)
    }
}
