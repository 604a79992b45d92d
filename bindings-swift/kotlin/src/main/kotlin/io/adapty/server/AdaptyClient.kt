// The Kotlin face of adapty-server: suspend functions and blocking twins over the Rust core.
package io.adapty.server

import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonNull
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.buildJsonArray
import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.doubleOrNull
import kotlinx.serialization.json.intOrNull
import kotlinx.serialization.json.jsonArray
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import kotlinx.serialization.json.put
import uniffi.adapty_server_ffi.AdaptyException
import uniffi.adapty_server_ffi.FieldError
import uniffi.adapty_server_ffi.NativeClient

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

private val json = Json { ignoreUnknownKeys = true }

/**
 * A client of Adapty's server-side API. [apiKey] falls back to `ADAPTY_API_KEY`, [baseUrl] to
 * `ADAPTY_BASE_URL` and then `https://api.adapty.io`. Failures are [AdaptyException] cases.
 */
class AdaptyClient(
    apiKey: String? = null,
    baseUrl: String? = null,
    apiVersion: String = "v2",
    timeoutSeconds: Double = 30.0,
    maxRetries: Int = 2,
) : AutoCloseable {
    private val native =
        NativeClient(
            buildJsonObject {
                apiKey?.let { put("api_key", it) }
                baseUrl?.let { put("base_url", it) }
                put("api_version", apiVersion)
                put("timeout", timeoutSeconds)
                put("max_retries", maxRetries)
                put("language", buildJsonArray { add(JsonPrimitive("kotlin")); add(JsonPrimitive(KotlinVersion.CURRENT.toString())) })
            }.toString(),
        )

    val baseUrl: String get() = native.baseUrl()

    suspend fun getProfile(ref: ProfileRef): Profile = profile(native.call("profiles.get", args(ref)))

    suspend fun createProfile(ref: ProfileRef, fields: ProfileFields = ProfileFields()): Profile = profile(native.call("profiles.create", args(ref, fields)))

    /** Changes the fields set in [fields]; [Field.Unset] ones stay as they are. */
    suspend fun updateProfile(ref: ProfileRef, fields: ProfileFields): Profile = profile(native.call("profiles.update", args(ref, fields)))

    suspend fun deleteProfile(ref: ProfileRef) {
        native.call("profiles.delete", args(ref))
    }

    /** Deletes many profiles, [concurrency] at a time; one result per input, in order. */
    suspend fun deleteProfiles(refs: List<ProfileRef>, concurrency: Int = 16): List<DeleteResult> = results(refs, native.call("profiles.deleteMany", many(refs, concurrency)))

    fun getProfileBlocking(ref: ProfileRef): Profile = profile(native.callBlocking("profiles.get", args(ref)))

    fun createProfileBlocking(ref: ProfileRef, fields: ProfileFields = ProfileFields()): Profile = profile(native.callBlocking("profiles.create", args(ref, fields)))

    fun updateProfileBlocking(ref: ProfileRef, fields: ProfileFields): Profile = profile(native.callBlocking("profiles.update", args(ref, fields)))

    fun deleteProfileBlocking(ref: ProfileRef) {
        native.callBlocking("profiles.delete", args(ref))
    }

    fun deleteProfilesBlocking(refs: List<ProfileRef>, concurrency: Int = 16): List<DeleteResult> = results(refs, native.callBlocking("profiles.deleteMany", many(refs, concurrency)))

    override fun close() = native.close()
}

private fun profile(text: String): Profile = json.decodeFromString(Profile.serializer(), text)

private fun ids(ref: ProfileRef): Pair<String?, String?> =
    when (ref) {
        is ProfileRef.ProfileId -> ref.id to null
        is ProfileRef.CustomerUserId -> null to ref.id
        is ProfileRef.Attach -> ref.profileId to ref.customerUserId
    }

private fun args(ref: ProfileRef, fields: ProfileFields? = null): String {
    val (profileId, customerUserId) = ids(ref)
    return buildJsonObject {
        put("profile_id", profileId)
        put("customer_user_id", customerUserId)
        fields?.let { put("fields", it.toJson()) }
    }.toString()
}

private fun many(refs: List<ProfileRef>, concurrency: Int): String =
    buildJsonObject {
        put("concurrency", concurrency)
        put("refs", JsonArray(refs.map { ref -> ids(ref).let { (p, c) -> buildJsonObject { put("profile_id", p); put("customer_user_id", c) } } }))
    }.toString()

private fun results(refs: List<ProfileRef>, text: String): List<DeleteResult> =
    json.parseToJsonElement(text).jsonArray.mapIndexed { i, e -> DeleteResult(refs[i], if (e is JsonNull) null else exception(e)) }

/** The exception case for one of the core's error descriptions (`Error::to_json`). */
internal fun exception(info: JsonElement): AdaptyException {
    val message = info.text("message") ?: ""
    return when (info.text("kind")) {
        "validation" -> AdaptyException.Validation(info.text("field") ?: "", info.text("rule") ?: "", message)
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
