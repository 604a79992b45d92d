package io.adapty.server

import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import uniffi.adapty_server_ffi.AdaptyException
import java.net.InetAddress
import java.net.ServerSocket
import java.net.Socket
import java.nio.file.Files
import java.util.Collections
import kotlin.concurrent.thread

/** The network options against the emulator served over HTTPS (a throwaway CA): trusted through `caBundle`, refused without it, and through an HTTP CONNECT proxy. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NetworkTest {
    private val ca = Files.createTempDirectory("adapty-tls").resolve("ca.pem").toString()
    private val em = Emulator("--tls", "--tls-ca-out", ca)

    @AfterAll
    fun stop() = em.close()

    private fun client(caBundle: String? = null, proxy: String? = null) =
        AdaptyClient(apiKey = KEY, baseUrl = em.baseUrl, maxRetries = 0, proxy = proxy, caBundle = caBundle)

    @Test
    fun `trusted through caBundle, refused without it`() {
        assertTrue(em.baseUrl.startsWith("https://"))
        client(caBundle = ca).use { assertThrows<AdaptyException.Api> { it.profiles.getBlocking(ProfileRef.CustomerUserId("nobody")) } }
        val refused = client().use { assertThrows<AdaptyException.Connection> { it.profiles.getBlocking(ProfileRef.CustomerUserId("nobody")) } }
        assertTrue("certificate" in refused.detail, refused.detail)
    }

    @Test
    fun `through a CONNECT proxy`() {
        ConnectProxy().use { proxy ->
            client(caBundle = ca, proxy = proxy.url).use {
                val e = assertThrows<AdaptyException.Api> { it.profiles.getBlocking(ProfileRef.CustomerUserId("nobody")) }
                assertEquals(404, e.status.toInt())
            }
            assertEquals(listOf(em.baseUrl.removePrefix("https://")), proxy.targets)
        }
    }

    @Test
    fun `a wrong proxy is refused at construction`() {
        val e = assertThrows<AdaptyException.Validation> { AdaptyClient(apiKey = KEY, proxy = "ftp://proxy:21") }
        assertEquals("proxy", e.field)
    }
}

/** An HTTP CONNECT proxy on loopback that notes each tunnel's target. */
class ConnectProxy : AutoCloseable {
    private val server = ServerSocket(0, 50, InetAddress.getLoopbackAddress())
    val url = "http://127.0.0.1:${server.localPort}"
    val targets: MutableList<String> = Collections.synchronizedList(mutableListOf())

    init {
        thread(isDaemon = true) {
            while (!server.isClosed) {
                val client = runCatching { server.accept() }.getOrNull() ?: break
                thread(isDaemon = true) { tunnel(client) }
            }
        }
    }

    private fun tunnel(client: Socket) = client.use {
        val input = client.getInputStream()
        val head = StringBuilder()
        while (!head.endsWith("\r\n\r\n")) {
            val b = input.read()
            if (b < 0) return
            head.append(b.toChar())
        }
        val (method, target) = head.split(" ")
        if (method != "CONNECT") return
        targets.add(target)
        Socket(target.substringBeforeLast(':'), target.substringAfterLast(':').toInt()).use { upstream ->
            client.getOutputStream().write("HTTP/1.1 200 Connection established\r\n\r\n".toByteArray())
            val back = thread(isDaemon = true) { runCatching { upstream.getInputStream().transferTo(client.getOutputStream()) } }
            runCatching { input.transferTo(upstream.getOutputStream()) }
            back.join(5000)
        }
    }

    override fun close() = server.close()
}
