package io.adapty.server

import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import uniffi.adapty_server_ffi.AdaptyException
import java.util.UUID

/** Virtual currencies, each through its suspend function and its blocking twin. */
class VirtualCurrencyTest : FeatureTest() {
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
        assertEquals(400 to "insufficient_balance", e.status to e.errorCode)

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
}
