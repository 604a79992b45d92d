package io.adapty.server

import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonNull
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.jsonArray
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assumptions
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import uniffi.adapty_server_ffi.AdaptyException
import uniffi.adapty_server_ffi.ErrorClass
import java.io.File
import java.net.URI
import java.net.URLDecoder
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.util.UUID

const val KEY = "secret_kotlin_tests_P9x1"

/** The emulator binary on port 0 (with [extra] options, e.g. `--tls`), and its control plane. */
class Emulator(vararg extra: String) : AutoCloseable {
    private val process = ProcessBuilder(
        listOf(System.getProperty("emulator.bin"), "--port", "0", "--api-key", KEY, "--exit-on-stdin-close") + extra,
    ).redirectError(ProcessBuilder.Redirect.DISCARD).start()
    val baseUrl: String = process.inputStream.bufferedReader().readLine()
    private val http = HttpClient.newHttpClient()

    fun control(method: String, path: String, body: JsonElement? = null): JsonElement {
        val request = HttpRequest.newBuilder(URI("$baseUrl/__emulator/$path")).header("content-type", "application/json").method(
            method,
            body?.let { HttpRequest.BodyPublishers.ofString(it.toString()) } ?: HttpRequest.BodyPublishers.noBody(),
        ).build()
        val text = http.send(request, HttpResponse.BodyHandlers.ofString()).body()
        return if (text.isEmpty()) JsonNull else Json.parseToJsonElement(text)
    }

    fun journal() = control("GET", "journal").jsonArray

    fun fault(vararg faults: JsonObject) = control("POST", "faults", JsonArray(faults.toList()))

    fun seed(vararg profiles: JsonObject): List<String> = control(
        "POST",
        "profiles",
        buildJsonObject {
            put("profiles", JsonArray(profiles.toList()))
        },
    ).jsonObject["profile_ids"]!!.jsonArray.map { it.jsonPrimitive.content }

    override fun close() {
        process.outputStream.close()
        process.waitFor()
    }
}

fun obj(vararg pairs: Pair<String, Any?>): JsonObject = JsonObject(
    pairs.associate { (k, v) ->
        k to
            (
                if (v == null) {
                    JsonNull
                } else if (v is Number) {
                    JsonPrimitive(v)
                } else if (v is Boolean) {
                    JsonPrimitive(v)
                } else {
                    JsonPrimitive(v.toString())
                }
                )
    },
)

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdaptyClientTest {
    private val em = Emulator()

    private fun client(timeoutSeconds: Double = 30.0, maxRetries: Int = 2, apiKey: String = KEY, baseUrl: String = em.baseUrl) =
        AdaptyClient(apiKey = apiKey, baseUrl = baseUrl, timeoutSeconds = timeoutSeconds, maxRetries = maxRetries)

    private fun user() = "kt-${UUID.randomUUID()}"

    @BeforeEach
    fun clean() {
        em.control("DELETE", "faults")
        em.control("DELETE", "journal")
    }

    @AfterAll
    fun stop() = em.close()

    /** One body for both styles: each operation through the suspend function, then the blocking twin. */
    private fun bothStyles(body: suspend (blocking: Boolean) -> Unit) {
        runBlocking { body(false) }
        body.let { runBlocking { it(true) } }
    }

    @Test
    fun lifecycle() = bothStyles { blocking ->
        val c = client()
        val id = user()
        val ref = ProfileRef.CustomerUserId(id)
        val fields = ProfileFields(
            firstName = set("Jane"),
            gender = set(Gender.F),
            birthday = set("2000-12-31"),
            customAttributes = set(mapOf("plan" to AttributeValue.of("gold"), "logins" to AttributeValue.of(3))),
            installationMeta = set(InstallationMeta(deviceId = "dev-1", platform = Platform.IOS)),
            platform = set(Platform.IOS),
        )
        val created = if (blocking) c.profiles.createBlocking(ref, fields) else c.profiles.create(ref, fields)
        assertEquals(id, created.customerUserId)
        assertEquals(mapOf("plan" to AttributeValue.Text("gold"), "logins" to AttributeValue.Number(3.0)), created.customAttributes)
        assertTrue(created.accessLevels.isEmpty() && created.subscriptions.isEmpty())
        val byId = ProfileRef.ProfileId(created.profileId)
        assertEquals(created.profileId, (if (blocking) c.profiles.getBlocking(byId) else c.profiles.get(byId)).profileId)
        val stored = em.control("GET", "profiles/$id").jsonObject["stored"]!!.jsonObject
        assertEquals(obj("first_name" to "Jane", "gender" to "f", "birthday" to "2000-12-31"), stored["fields"])

        val updated = if (blocking) {
            c.profiles.updateBlocking(ref, ProfileFields(firstName = Field.Null, customAttributes = set(mapOf("plan" to null))))
        } else {
            c.profiles.update(
                ref,
                ProfileFields(
                    firstName = Field.Null,
                    customAttributes = set(
                        mapOf(
                            "plan" to null,
                        ),
                    ),
                ),
            )
        }
        assertEquals(mapOf("logins" to AttributeValue.Number(3.0)), updated.customAttributes)
        assertEquals(obj("gender" to "f", "birthday" to "2000-12-31"), em.control("GET", "profiles/$id").jsonObject["stored"]!!.jsonObject["fields"])

        if (blocking) c.profiles.deleteBlocking(ref) else c.profiles.delete(ref)
        val e = assertThrows<AdaptyException.Api> { if (blocking) c.profiles.getBlocking(ref) else runBlocking { c.profiles.get(ref) } }
        assertEquals(404, e.status)
        assertEquals("profile_does_not_exist", e.errorCode)
        assertEquals(listOf("Profile not found"), e.errors.single().errors)
        assertEquals(32, e.requestId!!.length)
    }

    @Test
    fun validationErrorsNameTheFieldAndSendNothing() = bothStyles { blocking ->
        val c = client()
        val ref = ProfileRef.CustomerUserId("anyone")
        val cases = listOf(
            ProfileFields(birthday = set("2001-02-29")) to ("birthday" to "format"),
            ProfileFields(ipCountry = set("USA")) to ("ip_country" to "format"),
            ProfileFields(customAttributes = set((0..30).associate { "k$it" to AttributeValue.of("v") })) to ("custom_attributes" to "count"),
            ProfileFields(installationMeta = set(InstallationMeta(deviceId = " "))) to ("installation_meta.device_id" to "required"),
        )
        for ((fields, expected) in cases) {
            val e =
                assertThrows<AdaptyException.Validation> {
                    if (blocking) c.profiles.updateBlocking(ref, fields) else runBlocking { c.profiles.update(ref, fields) }
                }
            assertEquals(expected, e.field to e.rule)
        }
        val e = assertThrows<AdaptyException.Validation> { runBlocking { c.profiles.get(ProfileRef.ProfileId("not-a-uuid")) } }
        assertEquals("profile_id" to "format", e.field to e.rule)
        assertEquals(0, em.journal().size)
    }

    @Test
    fun everyErrorCase() = runBlocking {
        em.fault(obj("status" to 409, "times" to 5))
        assertEquals(
            409,
            assertThrows<AdaptyException.Api> {
                runBlocking { client(maxRetries = 0).profiles.get(ProfileRef.CustomerUserId("x")) }
            }.status,
        )
        em.control("DELETE", "faults")
        assertEquals(
            "unauthorized",
            assertThrows<AdaptyException.Api> {
                runBlocking { client(apiKey = "secret_wrong").profiles.get(ProfileRef.CustomerUserId("x")) }
            }.errorCode,
        )
        em.fault(JsonObject(mapOf("status" to JsonPrimitive(429), "retry_after" to JsonPrimitive("3600"), "times" to JsonPrimitive(3))))
        assertEquals(
            3600.0,
            assertThrows<AdaptyException.RateLimited> {
                runBlocking { client().profiles.get(ProfileRef.CustomerUserId("x")) }
            }.retryAfterSeconds,
        )
        em.control("DELETE", "faults")
        em.fault(obj("delay_ms" to 2000, "times" to 2))
        assertThrows<AdaptyException.Timeout> { runBlocking { client(timeoutSeconds = 0.2, maxRetries = 1).profiles.get(ProfileRef.CustomerUserId("x")) } }
        assertThrows<AdaptyException.Connection> {
            runBlocking { client(baseUrl = "http://127.0.0.1:9", maxRetries = 0).profiles.get(ProfileRef.CustomerUserId("x")) }
        }
        assertEquals("base_url", assertThrows<AdaptyException.Validation> { client(baseUrl = "http://api.example.com") }.field)
    }

    /** Each case names its class of the taxonomy Python and Node have as exception classes. */
    @Test
    fun errorsTellTheirClass() {
        val missing = ProfileRef.CustomerUserId("kotlin-${UUID.randomUUID()}")
        val notFound = assertThrows<AdaptyException.Api> { client().profiles.getBlocking(missing) }.errorClass()
        assertEquals(ErrorClass.NOT_FOUND, notFound)
        assertEquals(listOf(ErrorClass.API, "404", "NotFoundError"), listOf(notFound.parent(), notFound.status(), notFound.className()))
        assertTrue(notFound.isA(ErrorClass.API))
        val unauthorized = assertThrows<AdaptyException.Api> { client(apiKey = "secret_wrong").profiles.getBlocking(missing) }
        assertEquals(ErrorClass.AUTHENTICATION, unauthorized.errorClass())
        val refused = assertThrows<AdaptyException.Validation> { client(baseUrl = "http://api.example.com") }.errorClass()
        assertEquals(ErrorClass.VALIDATION to null, refused to refused.parent())
        assertFalse(refused.isA(ErrorClass.API))
    }

    @Test
    fun retriesThenSucceeds() = runBlocking {
        val id = user()
        em.seed(obj("customer_user_id" to id))
        em.control("DELETE", "journal")
        em.fault(obj("method" to "GET", "status" to 503), obj("method" to "GET", "drop_connection" to true))
        assertEquals(id, client().profiles.get(ProfileRef.CustomerUserId(id)).customerUserId)
        assertEquals(listOf(503, 200, 200), em.journal().map { it.jsonObject["status"]!!.jsonPrimitive.content.toInt() })
    }

    @Test
    fun deleteProfilesGivesOneResultPerInput() = bothStyles { blocking ->
        val ids = em.seed(*Array(20) { obj("customer_user_id" to user()) })
        val refs: List<ProfileRef> = ids.map { ProfileRef.ProfileId(it) } + ProfileRef.CustomerUserId("nobody-here") + ProfileRef.ProfileId("bad")
        val results = if (blocking) client().profiles.deleteManyBlocking(refs, 4) else client().profiles.deleteMany(refs, 4)
        assertEquals(refs, results.map { it.ref })
        assertTrue(results.take(20).all { it.ok })
        assertEquals(404, (results[20].error as AdaptyException.Api).status)
        assertEquals("profile_id", (results[21].error as AdaptyException.Validation).field)
    }

    @Test
    fun manyConcurrentCallsOnOneClient() = runBlocking {
        val id = user()
        em.seed(obj("customer_user_id" to id))
        val c = client()
        val found = (1..200).map { async { c.profiles.get(ProfileRef.CustomerUserId(id)).customerUserId } }.awaitAll()
        assertEquals(List(200) { id }, found)
    }

    /**
     * The shared vectors (tests/vectors/, one format) through the public [AdaptyClient], each
     * case suspending and blocking: the generated [callVector] calls the operation's namespaced
     * method with the case's input read into its typed parameters (the [ProfileRef], the path
     * parameter, the arguments, `fields` decoded by the models' own serializers).
     *
     * The skipping rule: a case whose input those parameters cannot hold is skipped ([callVector]
     * throws [Inexpressible] before any call: no profile id, a required argument or field left out,
     * an unknown key, a value of another type or outside an enum, a custom attribute key twice),
     * and only if the core refuses that input too (the case expects a validation error), so a
     * decoder stricter than the core cannot hide a case. The last test reports the counts.
     */
    @TestFactory
    fun sharedVectors(): List<DynamicTest> {
        val root = File(System.getProperty("repo.root"))
        val cases = listOf("profiles.json", "operations.json").flatMap { file ->
            Json.parseToJsonElement(File(root, "tests/vectors/$file").readText()).jsonObject["cases"]!!.jsonArray.map { file to it.jsonObject }
        }
        val ran = mutableListOf<String>()
        val skipped = sortedMapOf<Why, MutableList<String>>()
        val tests = cases.flatMap { (file, c) ->
            listOf(false, true).map { blocking ->
                val name = "$file: ${c["name"]!!.jsonPrimitive.content} (${if (blocking) "blocking" else "suspend"})"
                DynamicTest.dynamicTest(name) {
                    val skip = runVector(c, blocking)
                    if (skip == null) {
                        ran += name
                    } else {
                        skipped.getOrPut(skip.why) { mutableListOf() } += name
                        Assumptions.abort<Unit>("not expressible with the typed API: ${skip.message}")
                    }
                }
            }
        }
        return tests +
            DynamicTest.dynamicTest("shared vectors: how many ran through AdaptyClient") {
                val skips = skipped.values.sumOf { it.size }
                println("shared vectors: ${cases.size} cases, each suspending and blocking: ${ran.size} runs through AdaptyClient, $skips skipped")
                skipped.forEach { (why, names) -> println("  skipped, ${why.text}: ${names.size}\n" + names.joinToString("") { "    $it\n" }) }
                assertEquals(cases.size * 2, ran.size + skips)
                assertTrue(ran.size > skips, "most vectors must run through the client")
            }
    }

    /** Runs one case; the [Inexpressible] it was skipped for, or null when it ran through the client. */
    private fun runVector(c: JsonObject, blocking: Boolean): Inexpressible? {
        em.control("POST", "reset")
        c["given_config"]?.let { em.control("POST", "config", it) }
        c["given_profiles"]?.let { em.control("POST", "profiles", buildJsonObject { put("profiles", it) }) }
        em.control("DELETE", "journal")
        val expect = c["expect"]!!.jsonObject
        val apiVersion = c["api_version"]?.jsonPrimitive?.content
        val outcome: JsonElement = AdaptyClient(
            apiKey = KEY,
            publicApiKey = "public_kotlin_tests_Wb52",
            mailApiKey = "secret_mail_kotlin_tests_Ml27",
            baseUrl = em.baseUrl,
            apiVersion = apiVersion,
            maxRetries = 0,
        ).use { client ->
            try {
                when (val result = runBlocking { callVector(client, c["operation"]!!.jsonPrimitive.content, c["input"]!!.jsonObject, blocking) }) {
                    // One result per input (DeleteResult): each input's outcome.
                    is List<*> -> JsonArray(result.map { r -> (r as DeleteResult).error?.let(::describe) ?: JsonPrimitive("ok") })
                    else -> JsonPrimitive("ok")
                }
            } catch (e: Inexpressible) {
                val refused = "validation_error" in expect ||
                    expect["results"]?.jsonArray.orEmpty().any { it is JsonObject && "validation_error" in it }
                assertTrue(refused, "${e.message}; skipped only if the core refuses it, but the case expects $expect")
                assertEquals(0, em.journal().size)
                return e
            } catch (e: AdaptyException) {
                describe(e)
            }
        }
        val sent = em.journal()
        when {
            "validation_error" in expect -> {
                assertEquals(buildJsonObject { put("validation_error", expect["validation_error"]!!) }, outcome)
                assertEquals(0, sent.size)
            }
            "results" in expect -> assertEquals(expect["results"], outcome)
            else -> {
                // One result per input: "ok" when every input succeeded.
                val all = if (outcome is JsonArray && outcome.all { it == JsonPrimitive("ok") }) JsonPrimitive("ok") else outcome
                assertEquals(expect["outcome"], all)
                val entry = sent.single().jsonObject
                val req = expect["request"]!!.jsonObject
                assertEquals(req["method"], entry["method"])
                assertEquals(req["path"], entry["path"])
                val query = (entry["query"] as? JsonPrimitive)?.takeUnless {
                    it is JsonNull
                }?.content.orEmpty().split("&").filter { it.isNotEmpty() }.associate {
                    val (k, v) = (it.split("=", limit = 2) + "")
                    URLDecoder.decode(k, Charsets.UTF_8) to URLDecoder.decode(v, Charsets.UTF_8)
                }
                req["query"]?.jsonObject?.forEach { (k, v) -> assertEquals(v.jsonPrimitive.content, query[k], "query $k") }
                req["headers"]?.jsonObject?.forEach { (k, v) -> assertEquals(v, entry["headers"]!!.jsonObject[k], k) }
                req["absent_headers"]?.jsonArray?.forEach { assertTrue(it.jsonPrimitive.content !in entry["headers"]!!.jsonObject, it.toString()) }
                val body = entry["body"]!!.jsonPrimitive.content
                assertTrue(sameJson(req["body"] ?: JsonNull, if (body.isEmpty()) JsonNull else Json.parseToJsonElement(body)), "$body vs ${req["body"]}")
            }
        }
        return null
    }

    private fun describe(e: AdaptyException): JsonElement = when (e) {
        is AdaptyException.Validation -> buildJsonObject { put("validation_error", obj("field" to e.field, "rule" to e.rule)) }
        is AdaptyException.Api -> obj("status" to e.status.toInt(), "error_code" to e.errorCode)
        else -> JsonPrimitive("unexpected: $e")
    }

    private fun sameJson(a: JsonElement, b: JsonElement): Boolean = when {
        a is JsonObject && b is JsonObject -> a.keys == b.keys && a.keys.all { sameJson(a[it]!!, b[it]!!) }
        a is JsonArray && b is JsonArray -> a.size == b.size && a.indices.all { sameJson(a[it], b[it]) }
        a is JsonPrimitive && b is JsonPrimitive && !a.isString && !b.isString && a !is JsonNull && b !is JsonNull -> a.content.toDoubleOrNull()?.let {
            it ==
                b.content.toDoubleOrNull()
        }
            ?: (a.content == b.content)
        else -> a == b
    }
}
