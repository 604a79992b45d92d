package io.adapty.server

import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.TestInstance
import java.time.OffsetDateTime
import java.time.ZoneOffset
import java.util.UUID

/** What the feature suites share: an emulator and a client per class, reset before each test, and
 * the inputs and readers they use. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FeatureTest {
    protected val em = Emulator()

    protected val c = AdaptyClient(apiKey = KEY, baseUrl = em.baseUrl)

    @BeforeEach
    fun clean() {
        em.control("POST", "reset")
    }

    @AfterAll
    fun stop() {
        c.close()
        em.close()
    }

    /** A new profile, by customer user id. */
    protected fun profile(): ProfileRef.CustomerUserId {
        val id = "kt-${UUID.randomUUID()}"
        em.seed(obj("customer_user_id" to id))
        return ProfileRef.CustomerUserId(id)
    }

    protected fun now(): OffsetDateTime = OffsetDateTime.now(ZoneOffset.UTC)

    protected fun sentTo(pathPart: String) = em.journal().count { pathPart in it.jsonObject["path"]!!.jsonPrimitive.content }

    /** One body for both styles: each operation through the suspend function, then the blocking twin. */
    protected fun bothStyles(body: suspend (blocking: Boolean) -> Unit) {
        runBlocking { body(false) }
        runBlocking { body(true) }
    }

    protected fun subscription(purchasedAt: OffsetDateTime, expiresAt: OffsetDateTime) = TransactionParams(
        purchaseType = PurchaseType.Subscription,
        store = "app_store",
        environment = "Production",
        storeProductId = "premium_monthly",
        storeTransactionId = "1000000${System.nanoTime() % 1_000_000_000}",
        storeOriginalTransactionId = "1000000000000001",
        price = Price(country = "US", currency = "USD", value = 9.99),
        purchasedAt = purchasedAt,
        originallyPurchasedAt = purchasedAt,
        expiresAt = expiresAt,
        renewStatus = true,
    )

    /** Answers every matching GET of a walk with [body], via a fault. */
    protected fun fakePages(pathPrefix: String, body: String) {
        em.control("DELETE", "faults")
        em.fault(
            JsonObject(
                mapOf(
                    "method" to JsonPrimitive("GET"),
                    "path_prefix" to JsonPrimitive(pathPrefix),
                    "status" to JsonPrimitive(200),
                    "body" to Json.parseToJsonElement(body),
                    "times" to JsonPrimitive(10),
                ),
            ),
        )
        em.control("DELETE", "journal")
    }
}
