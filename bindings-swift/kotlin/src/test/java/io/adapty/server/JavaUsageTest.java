package io.adapty.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import uniffi.adapty_server_ffi.AdaptyException;
import uniffi.adapty_server_ffi.ListenerRegistration;

/** The client as Java code uses it: the builder, CompletableFuture twins, blocking calls, walks as a Stream, options, raw
 * responses and listeners. */
class JavaUsageTest {
    @Test
    void aJavaProgramUsesTheClient() throws Exception {
        try (Emulator em = new Emulator();
                AdaptyClient client = AdaptyClient.builder().apiKey(AdaptyClientTestKt.KEY).baseUrl(em.getBaseUrl()).maxRetries(0).build()) {
            ProfileRef nobody = new ProfileRef.CustomerUserId("nobody");

            CompletableFuture<Profile> future = client.getProfiles().getAsync(nobody);
            ExecutionException failed = assertThrows(ExecutionException.class, () -> future.get(10, TimeUnit.SECONDS));
            AdaptyException.Api api = assertInstanceOf(AdaptyException.Api.class, failed.getCause());
            assertEquals("profile_does_not_exist", api.getErrorCode());
            assertEquals(404, api.getStatus());

            assertThrows(AdaptyException.Api.class, () -> client.getProfiles().getBlocking(nobody));

            long paywalls = client.getPaywalls().listAllStream().count();
            assertEquals(3, paywalls, "the emulator's default catalog");

            AdaptyClient tagged = client.withOptions(new RequestOptions(5.0, null, Map.of("X-Team", "java")));
            assertEquals(3, tagged.getPaywalls().listAllStream(2).count());

            List<RequestEvent> events = new CopyOnWriteArrayList<>();
            ListenerRegistration listening = client.addListener(events::add);
            RawResponse<PaywallPage> raw = client.withRawResponseBlocking(c -> c.getPaywalls().listBlocking());
            assertEquals(200, raw.getStatus());
            assertEquals(3, raw.getData().getData().size());
            assertEquals(List.of("request", "response"), events.stream().map(RequestEvent::getType).toList());
            assertTrue(listening.cancel());

            CompletableFuture<Profile> cancelled = client.getProfiles().getAsync(nobody);
            cancelled.cancel(true);
            assertTrue(cancelled.isCancelled());
        }
    }
}
