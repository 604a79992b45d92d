package io.adapty.server

import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import uniffi.adapty_server_ffi.AdaptyException
import java.time.OffsetDateTime
import java.time.ZoneOffset
import java.util.UUID

/** Every operation beyond the Profile API, each through its suspend function and its blocking twin. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperationsTest {
    private val em = Emulator()
    private val c = AdaptyClient(apiKey = KEY, baseUrl = em.baseUrl)

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
    private fun profile(): ProfileRef.CustomerUserId {
        val id = "kt-${UUID.randomUUID()}"
        em.seed(obj("customer_user_id" to id))
        return ProfileRef.CustomerUserId(id)
    }

    private fun now(): OffsetDateTime = OffsetDateTime.now(ZoneOffset.UTC)

    private fun sentTo(pathPart: String) = em.journal().count { pathPart in it.jsonObject["path"]!!.jsonPrimitive.content }

    /** One body for both styles: each operation through the suspend function, then the blocking twin. */
    private fun bothStyles(body: suspend (blocking: Boolean) -> Unit) {
        runBlocking { body(false) }
        runBlocking { body(true) }
    }

    private fun subscription(purchasedAt: OffsetDateTime, expiresAt: OffsetDateTime) = TransactionParams(
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

    private fun active(profile: Profile, level: String) = profile.accessLevels.any {
        it.accessLevelId == level && (it.expiresAt == null || it.expiresAt > now())
    }

    @Test
    fun subscriptionGivesPremiumThenRevokeAndGrant() = bothStyles { blocking ->
        val ref = profile()
        val params = subscription(now().minusDays(1), now().plusDays(29))
        val bought = if (blocking) c.purchases.setTransactionBlocking(ref, params) else c.purchases.setTransaction(ref, params)
        assertTrue(active(bought, "premium"), bought.accessLevels.toString())
        assertEquals("premium_monthly", bought.subscriptions.single().storeProductId)
        val body = em.journal().last().jsonObject["body"]!!.jsonPrimitive.content
        assertTrue("\"purchase_type\":\"subscription\"" in body && "\"refunded_at\"" !in body, body)

        val revoke = RevokeAccessParams(accessLevelId = "premium")
        val revoked = if (blocking) c.accessLevels.revokeBlocking(ref, revoke) else c.accessLevels.revoke(ref, revoke)
        assertTrue(!active(revoked, "premium"), revoked.accessLevels.toString())
        assertEquals("adapty_revoked", revoked.accessLevels.single().cancellationReason)

        val grant = GrantAccessParams(accessLevelId = "premium", expiresAt = now().plusYears(1))
        val granted = if (blocking) c.accessLevels.grantBlocking(ref, grant) else c.accessLevels.grant(ref, grant)
        assertTrue(active(granted, "premium"))

        val e = assertThrows<AdaptyException.Api> {
            val gold = GrantAccessParams(accessLevelId = "gold")
            if (blocking) c.accessLevels.grantBlocking(ref, gold) else runBlocking { c.accessLevels.grant(ref, gold) }
        }
        assertEquals(400.toUShort(), e.status)
        assertEquals("paid_access_level_does_not_exist", e.errorCode)
    }

    @Test
    fun validationHappensBeforeAnyRequest() = bothStyles { blocking ->
        val ref = profile()
        em.control("DELETE", "journal")
        val params = subscription(now().minusDays(1), now().minusDays(2))
        val e =
            assertThrows<AdaptyException.Validation> {
                if (blocking) c.purchases.setTransactionBlocking(ref, params) else runBlocking { c.purchases.setTransaction(ref, params) }
            }
        assertEquals("expires_at", e.field)
        assertEquals("expires_date_error", e.errorCode)
        assertTrue("expires_date_error" in e.detail, e.detail)
        assertEquals(0, em.journal().size)
    }

    @Test
    fun refundSaverSettings() = bothStyles { blocking ->
        val ref = profile()
        val before = if (blocking) c.refundSaver.getBlocking(ref) else c.refundSaver.get(ref)
        assertEquals(RefundSaverPreferences(consent = false, customPreference = "no_preference"), before.settings)
        val params = RefundSaverParams(customPreference = "grant", consent = true)
        val set = if (blocking) c.refundSaver.setBlocking(ref, params) else c.refundSaver.set(ref, params)
        assertEquals(RefundSaverPreferences(consent = true, customPreference = "grant"), set.settings)
        val after = if (blocking) c.refundSaver.getBlocking(ref) else c.refundSaver.get(ref)
        assertEquals(set, after)
        assertEquals(before.profileId, after.profileId)
    }

    @Test
    fun integrationIdentifiers() = bothStyles { blocking ->
        val ref = profile()
        val first = IntegrationIdentifiers(amplitudeUserId = "amp-1", mixpanelUserId = "mix-1")
        if (blocking) c.integrations.setBlocking(ref, first) else c.integrations.set(ref, first)
        assertEquals(
            obj("amplitude_user_id" to "amp-1", "mixpanel_user_id" to "mix-1"),
            Json.parseToJsonElement(em.journal().last().jsonObject["body"]!!.jsonPrimitive.content),
        )
        val second = IntegrationIdentifiers(appsflyerId = "af-1")
        if (blocking) c.integrations.setBlocking(ref, second) else c.integrations.set(ref, second)
        val ids = if (blocking) c.integrations.getBlocking(ref) else c.integrations.get(ref)
        assertEquals(IntegrationIdentifiers(amplitudeUserId = "amp-1", mixpanelUserId = "mix-1", appsflyerId = "af-1"), ids)
    }

    @Test
    fun stripeAndPaddleImports() = bothStyles { blocking ->
        val stripeUser = "kt-stripe-${UUID.randomUUID()}"
        val stripe = StripeValidationParams(customerUserId = stripeUser, stripeToken = "sub_1MowQVLkdIwHu7ixeRlqHVzs")
        if (blocking) c.purchases.validateStripeBlocking(stripe) else c.purchases.validateStripe(stripe)
        assertTrue(active(c.profiles.get(ProfileRef.CustomerUserId(stripeUser)), "premium"))

        val paddleUser = "kt-paddle-${UUID.randomUUID()}"
        val paddle = PaddleValidationParams(customerUserId = paddleUser, paddleToken = "txn_01h8bkbzdq3v4fb1jpqhz6cvsv")
        val profile = if (blocking) c.purchases.validatePaddleBlocking(paddle) else c.purchases.validatePaddle(paddle)
        assertEquals(paddleUser, profile.customerUserId)
        assertTrue(active(profile, "premium"))
    }

    @Test
    fun paywallsPagesAndUpdate() = bothStyles { blocking ->
        em.control("POST", "paywalls", obj("count" to 5, "replace" to true))
        em.control("DELETE", "journal")
        val first = if (blocking) c.paywalls.listBlocking(page = 1, pageSize = 2) else c.paywalls.list(page = 1, pageSize = 2)
        assertEquals(2, first.data.size)
        assertEquals("5 1 3", "${first.count} ${first.page} ${first.pages}")
        val second = if (blocking) {
            c.paywalls.listBlocking(
                pageSize = 2,
                cursor = first.nextCursor,
            )
        } else {
            c.paywalls.list(pageSize = 2, cursor = first.nextCursor)
        }
        assertEquals(2L, second.page)

        em.control("DELETE", "journal")
        val all = if (blocking) c.paywalls.listAllBlocking(pageSize = 2).toList() else c.paywalls.listAll(pageSize = 2).toList()
        assertEquals(5, all.map { it.paywallId }.toSet().size)
        assertEquals(first.data + second.data, all.take(4))
        assertEquals(3, sentTo("/paywalls"))
        // Lazy: taking one item fetches one page.
        em.control("DELETE", "journal")
        val one = if (blocking) c.paywalls.listAllBlocking(pageSize = 2).take(1).toList() else c.paywalls.listAll(pageSize = 2).take(1).toList()
        assertEquals(listOf(all[0]), one)
        assertEquals(1, sentTo("/paywalls"))

        val id = all[0].paywallId
        val configs =
            listOf(RemoteConfig(locale = "en", data = """{"title":"Go premium"}"""), RemoteConfig(locale = "fr", data = """{"title":"Passez premium"}"""))
        val updated = if (blocking) c.paywalls.updateBlocking(id, PaywallUpdateParams(configs)) else c.paywalls.update(id, PaywallUpdateParams(configs))
        assertEquals(configs.map { it.locale }, updated.remoteConfigs.map { it.locale })
        val fetched = if (blocking) c.paywalls.getBlocking(id) else c.paywalls.get(id)
        assertEquals(id, fetched.paywallId)
        assertEquals(updated.remoteConfigs, fetched.remoteConfigs)
        assertTrue("Go premium" in fetched.remoteConfigs[0].data)
    }

    @Test
    fun virtualCurrency() = bothStyles { blocking ->
        val ref = profile()
        val key = UUID.randomUUID().toString()
        val credit = VirtualCurrencyTransactionParams(items = listOf(VirtualCurrencyItem("COINS", 100)), metadata = mapOf("reason" to "welcome_bonus"))
        val made = if (blocking) {
            c.virtualCurrency.createTransactionBlocking(
                ref,
                credit,
                idempotencyKey = key,
            )
        } else {
            c.virtualCurrency.createTransaction(ref, credit, idempotencyKey = key)
        }
        assertEquals(100L, made.balances.single { it.code == "COINS" }.balance)
        val replayed = if (blocking) {
            c.virtualCurrency.createTransactionBlocking(
                ref,
                credit,
                idempotencyKey = key,
            )
        } else {
            c.virtualCurrency.createTransaction(ref, credit, idempotencyKey = key)
        }
        assertEquals(made.transactionId, replayed.transactionId)
        assertEquals(key, em.journal().last().jsonObject["headers"]!!.jsonObject["idempotency-key"]!!.jsonPrimitive.content)

        val balances = if (blocking) c.virtualCurrency.balancesBlocking(ref) else c.virtualCurrency.balances(ref)
        val coins = balances.data.single { it.code == "COINS" }
        assertEquals(listOf(100L, 100L, "Gold Coins"), listOf(coins.balance, coins.available, coins.name))

        val debit = VirtualCurrencyTransactionParams(items = listOf(VirtualCurrencyItem("COINS", -500)))
        val e =
            assertThrows<AdaptyException.Api> {
                if (blocking) c.virtualCurrency.createTransactionBlocking(ref, debit) else runBlocking { c.virtualCurrency.createTransaction(ref, debit) }
            }
        assertEquals(400.toUShort() to "insufficient_balance", e.status to e.errorCode)

        repeat(4) {
            val gems = VirtualCurrencyTransactionParams(items = listOf(VirtualCurrencyItem("GEMS", 5)))
            if (blocking) c.virtualCurrency.createTransactionBlocking(ref, gems) else c.virtualCurrency.createTransaction(ref, gems)
        }
        val page = if (blocking) c.virtualCurrency.listTransactionsBlocking(ref, limit = 2) else c.virtualCurrency.listTransactions(ref, limit = 2)
        assertEquals(2, page.data.size)
        assertNotNull(page.nextCursor)
        em.control("DELETE", "journal")
        val history = if (blocking) {
            c.virtualCurrency.listAllTransactionsBlocking(
                ref,
                limit = 2,
            ).toList()
        } else {
            c.virtualCurrency.listAllTransactions(ref, limit = 2).toList()
        }
        assertEquals(5, history.size)
        assertEquals(3, sentTo("/vc/transactions"))
        assertEquals(made.transactionId, history.last().transactionId)
        assertEquals(mapOf("reason" to "welcome_bonus"), history.last().metadata)
        assertEquals(page.data, history.take(2))
        val gems = if (blocking) {
            c.virtualCurrency.listAllTransactionsBlocking(
                ref,
                currencyCode = "GEMS",
            ).toList()
        } else {
            c.virtualCurrency.listAllTransactions(ref, currencyCode = "GEMS").toList()
        }
        assertEquals(List(4) { "GEMS" }, gems.map { it.items.single().currencyCode })
        assertEquals(listOf(20L, 15L, 10L, 5L), gems.map { it.items.single().balanceAfter })
    }

    @Test
    fun validationOfListArguments() = runBlocking {
        val e = assertThrows<AdaptyException.Validation> { runBlocking { c.paywalls.list(pageSize = 0) } }
        assertEquals("page_size", e.field)
        val v = assertThrows<AdaptyException.Validation> { c.paywalls.listAllBlocking(pageSize = 10_000).firstOrNull() }
        assertEquals("page_size", v.field)
        assertEquals(0, em.journal().size)
    }

    /** Answers every matching GET of a walk with [body], via a fault. */
    private fun fakePages(pathPrefix: String, body: String) {
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

    /** A server that ignores the page asked for repeats a cursor: the walk fails instead of looping. */
    @Test
    fun pageWalksFailOnARepeatedCursor() = bothStyles { blocking ->
        val ref = profile()
        val walks = listOf(
            Triple("/api/v2/server-side-api/paywalls", """{"data": [], "meta": {"pagination": {"count": 10, "page": 1, "pages": 5}}}""", "2"),
            Triple("/api/v2/server-side-api/vc/transactions", """{"data": [], "pagination": {"next_cursor": "abc"}}""", "abc"),
        )
        for ((path, body, cursor) in walks) {
            fakePages(path, body)
            val e = assertThrows<AdaptyException.Usage> {
                if (path.endsWith("paywalls")) {
                    if (blocking) c.paywalls.listAllBlocking().toList() else runBlocking { c.paywalls.listAll().toList() }
                } else {
                    if (blocking) {
                        c.virtualCurrency.listAllTransactionsBlocking(ref).toList()
                    } else {
                        runBlocking {
                            c.virtualCurrency.listAllTransactions(ref).toList()
                        }
                    }
                }
            }
            assertTrue("the API returned cursor \"$cursor\" again" in e.detail, e.detail)
            val sent = em.journal()
            assertEquals(2, sent.size, "$path blocking=$blocking")
            val query = sent.last().jsonObject["query"]!!.jsonPrimitive.content
            assertTrue((if (path.endsWith("paywalls")) "page=2&" else "cursor=abc") in query, query)
        }
    }

    /** An empty next cursor ends a walk like a missing one. */
    @Test
    fun anEmptyCursorEndsTheWalk() = bothStyles { blocking ->
        val ref = profile()
        fakePages("/api/v2/server-side-api/vc/transactions", """{"data": [], "pagination": {"next_cursor": ""}}""")
        val all = if (blocking) c.virtualCurrency.listAllTransactionsBlocking(ref).toList() else c.virtualCurrency.listAllTransactions(ref).toList()
        assertEquals(0, all.size)
        assertEquals(1, em.journal().size)
    }

    /** A repeat of any cursor sent before, not only the last one, ends the walk: a→b→a fails at the third page. */
    @Test
    fun anOlderCursorAgainFailsToo() = bothStyles { blocking ->
        val ref = profile()
        em.control("DELETE", "faults")
        val pages = listOf("a", "b", "a").map { next ->
            JsonObject(
                mapOf(
                    "method" to JsonPrimitive("GET"),
                    "path_prefix" to JsonPrimitive("/api/v2/server-side-api/vc/transactions"),
                    "status" to JsonPrimitive(200),
                    "body" to Json.parseToJsonElement("""{"data": [], "pagination": {"next_cursor": "$next"}}"""),
                ),
            )
        }
        em.fault(*pages.toTypedArray())
        em.control("DELETE", "journal")
        val e = assertThrows<AdaptyException.Usage> {
            if (blocking) c.virtualCurrency.listAllTransactionsBlocking(ref).toList() else runBlocking { c.virtualCurrency.listAllTransactions(ref).toList() }
        }
        assertTrue("cursor \"a\" again" in e.detail, e.detail)
        val queries = em.journal().map { it.jsonObject["query"]!!.jsonPrimitive.content }
        assertEquals(3, queries.size, "blocking=$blocking")
        assertTrue("cursor=" !in queries[0], queries[0])
        assertTrue("cursor=a" in queries[1], queries[1])
        assertTrue("cursor=b" in queries[2], queries[2])
    }

    @Test
    fun connectTimeoutOption() = bothStyles { blocking ->
        val ref = profile()
        AdaptyClient(apiKey = KEY, baseUrl = em.baseUrl, timeoutSeconds = 5.0, connectTimeoutSeconds = 2.5, maxRetries = 0).use { client ->
            val p = if (blocking) client.profiles.getBlocking(ref) else client.profiles.get(ref)
            assertEquals(ref.id, p.customerUserId)
        }
        val e = assertThrows<AdaptyException.Validation> { AdaptyClient(apiKey = KEY, baseUrl = em.baseUrl, connectTimeoutSeconds = -1.0) }
        assertEquals("connect_timeout", e.field)
    }
}
