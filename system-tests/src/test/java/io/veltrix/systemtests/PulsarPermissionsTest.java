package io.veltrix.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.veltrix.schemas.Topics;
import io.veltrix.stack.PulsarTokens;
import io.veltrix.stack.StackInfo;
import io.veltrix.testing.RealStackResource;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.AuthenticationFactory;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pulsar trusts no one by default, on the real test stack: each role is tried with a real client and the real admin
 * API, and every attempt's outcome is compared with the expected table as a whole (allowed, or the exact refusal).
 * Producers are created but send nothing and subscriptions are never made on the processor's own, so that an
 * attempt that is wrongly allowed shows up as a failed assertion, not as damage to the shared topics; the one
 * destructive admin call (delete) targets a throwaway topic, since its permission is the namespace's, the same for
 * events.raw.
 */
class PulsarPermissionsTest {

    private static final String OK = "allowed";
    private static final String NOT_AUTHENTICATED = "AuthenticationException";
    private static final String NOT_AUTHORIZED = "AuthorizationException";

    private static StackInfo stack;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void stack() {
        stack = RealStackResource.TestStack.get();
    }

    @Test
    void aClientWithoutAValidTokenCannotConnect() throws Exception {
        Map<String, String> outcomes = new LinkedHashMap<>();
        try (PulsarClient anonymous = client(null)) {
            outcomes.put("no token: produce events.raw", produce(anonymous, Topics.RAW));
            outcomes.put("no token: read events.rejected", read(anonymous, Topics.REJECTED));
        }
        byte[] otherKey = new byte[PulsarTokens.SECRET_KEY_BYTES];
        try (PulsarClient forged = client(PulsarTokens.sign(otherKey, PulsarTokens.ADMIN_ROLE))) {
            outcomes.put("admin token of another key: produce events.raw", produce(forged, Topics.RAW));
        }
        assertEquals(Map.of("no token: produce events.raw", NOT_AUTHENTICATED,
                "no token: read events.rejected", NOT_AUTHENTICATED,
                "admin token of another key: produce events.raw", NOT_AUTHENTICATED), outcomes);
        assertEquals(401, admin("GET", "/admin/v2/persistent/veltrix/events", null));
    }

    @Test
    void ingestProducesToItsThreeTopicsAndConsumesNothingOfTheProcessors() throws Exception {
        Map<String, String> outcomes = new LinkedHashMap<>();
        try (PulsarClient ingest = client(stack.pulsarTokens().ingest())) {
            outcomes.put("produce events.raw", produce(ingest, Topics.RAW));
            outcomes.put("produce events.rejected", produce(ingest, Topics.REJECTED));
            outcomes.put("produce events.replays", produce(ingest, Topics.REPLAYS));
            outcomes.put("produce events.raw-DLQ", produce(ingest, Topics.RAW_DLQ));
            outcomes.put("read events.rejected", read(ingest, Topics.REJECTED));
            outcomes.put("read events.raw", read(ingest, Topics.RAW));
            outcomes.put("subscribe events.raw as veltrix-processor", subscribe(ingest, Topics.RAW, "veltrix-processor"));
            outcomes.put("read events.raw-DLQ", read(ingest, Topics.RAW_DLQ));
        }
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("produce events.raw", OK);
        expected.put("produce events.rejected", OK);
        expected.put("produce events.replays", OK);
        expected.put("produce events.raw-DLQ", NOT_AUTHORIZED);
        expected.put("read events.rejected", OK);
        expected.put("read events.raw", NOT_AUTHORIZED);
        expected.put("subscribe events.raw as veltrix-processor", NOT_AUTHORIZED);
        expected.put("read events.raw-DLQ", NOT_AUTHORIZED);
        assertEquals(expected, outcomes);
    }

    @Test
    void ingestCannotMoveTheProcessorsCursorNorAdministerTopics() throws Exception {
        String ingest = stack.pulsarTokens().ingest();
        String raw = "/admin/v2/persistent/veltrix/events/events.raw";
        String throwaway = "/admin/v2/persistent/veltrix/events/permissions-probe-" + UUID.randomUUID().toString().substring(0, 8);
        assertEquals(204, admin("PUT", throwaway, stack.pulsarTokens().admin()), "the operator creates a topic");
        assertEquals(204, adminPost(throwaway + "/permissions/" + PulsarTokens.INGEST_ROLE, "[\"produce\"]",
                stack.pulsarTokens().admin()), "and grants ingest what it has on events.raw");
        try {
            Map<String, Integer> outcomes = new LinkedHashMap<>();
            outcomes.put("reset cursor", adminPost(raw + "/subscription/veltrix-processor/resetcursor/0", null, ingest));
            outcomes.put("skip", adminPost(raw + "/subscription/veltrix-processor/skip/1", null, ingest));
            outcomes.put("skip all", adminPost(raw + "/subscription/veltrix-processor/skip_all", null, ingest));
            outcomes.put("delete subscription", admin("DELETE", raw + "/subscription/veltrix-processor", ingest));
            outcomes.put("delete topic", admin("DELETE", throwaway + "?force=true", ingest));
            outcomes.put("create topic", admin("PUT", throwaway + "-2", ingest));
            outcomes.put("grant itself consume", adminPost(raw + "/permissions/" + PulsarTokens.INGEST_ROLE,
                    "[\"produce\",\"consume\"]", ingest));
            outcomes.put("read stats", admin("GET", raw + "/stats", ingest));
            // Pulsar refuses an operation on a topic (its cursors, its permissions) with 401 and one on the namespace
            // (create, delete a topic) with 403; the token itself is valid: lookup, and so stats, is allowed to a
            // role that may produce
            assertEquals(Map.of("reset cursor", 401, "skip", 401, "skip all", 401, "delete subscription", 401,
                    "delete topic", 403, "create topic", 403, "grant itself consume", 401,
                    "read stats", 200), outcomes);
        } finally {
            assertEquals(204, admin("DELETE", throwaway + "?force=true", stack.pulsarTokens().admin()));
        }
    }

    @Test
    void theProcessorProducesOnlyRejectionsDeadLettersAndRedrivesAndReadsNoIngestTopic() throws Exception {
        Map<String, String> outcomes = new LinkedHashMap<>();
        try (PulsarClient processor = client(stack.pulsarTokens().processor())) {
            outcomes.put("produce events.rejected", produce(processor, Topics.REJECTED));
            outcomes.put("produce events.raw-DLQ", produce(processor, Topics.RAW_DLQ));
            outcomes.put("produce events.raw (re-drive)", produce(processor, Topics.RAW));
            outcomes.put("produce events.replays", produce(processor, Topics.REPLAYS));
            outcomes.put("read events.replays", read(processor, Topics.REPLAYS));
            outcomes.put("read events.rejected", read(processor, Topics.REJECTED));
        }
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("produce events.rejected", OK);
        expected.put("produce events.raw-DLQ", OK);
        expected.put("produce events.raw (re-drive)", OK);
        expected.put("produce events.replays", NOT_AUTHORIZED);
        expected.put("read events.replays", NOT_AUTHORIZED);
        expected.put("read events.rejected", NOT_AUTHORIZED);
        assertEquals(expected, outcomes);
        String token = stack.pulsarTokens().processor();
        Map<String, Integer> adminOutcomes = new LinkedHashMap<>();
        adminOutcomes.put("delete events.rejected", admin("DELETE", "/admin/v2/persistent/veltrix/events/events.rejected?force=true",
                token));
        adminOutcomes.put("grant itself produce on events.replays", adminPost("/admin/v2/persistent/veltrix/events/events.replays"
                + "/permissions/" + PulsarTokens.PROCESSOR_ROLE, "[\"produce\"]", token));
        adminOutcomes.put("read stats of events.replays", admin("GET", "/admin/v2/persistent/veltrix/events/events.replays/stats",
                token));
        assertEquals(Map.of("delete events.rejected", 403, "grant itself produce on events.replays", 401,
                "read stats of events.replays", 401), adminOutcomes);
    }

    private static PulsarClient client(String token) throws PulsarClientException {
        var builder = PulsarClient.builder().serviceUrl(stack.pulsarServiceUrl())
                .operationTimeout(15, TimeUnit.SECONDS).connectionTimeout(10, TimeUnit.SECONDS);
        return (token == null ? builder : builder.authentication(AuthenticationFactory.token(token))).build();
    }

    /** Creates (and closes) a producer: the broker checks the permission then; nothing is sent. */
    private static String produce(PulsarClient client, String topic) {
        return attempt(() -> client.newProducer(Schema.BYTES).topic(topic).create().close());
    }

    /** A reader from the latest message (a non-durable subscription: needs consume). */
    private static String read(PulsarClient client, String topic) {
        return attempt(() -> client.newReader(Schema.BYTES).topic(topic)
                .startMessageId(org.apache.pulsar.client.api.MessageId.latest).create().close());
    }

    private static String subscribe(PulsarClient client, String topic, String subscription) {
        return attempt(() -> client.newConsumer(Schema.BYTES).topic(topic).subscriptionName(subscription)
                .subscriptionType(SubscriptionType.Key_Shared).subscribe().close());
    }

    private interface PulsarCall {
        void run() throws IOException;
    }

    /** "allowed", or the kind of refusal (the client exception's class). */
    private static String attempt(PulsarCall call) {
        try {
            call.run();
            return OK;
        } catch (PulsarClientException e) {
            return e.getClass().getSimpleName();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int admin(String method, String path, String token) throws IOException, InterruptedException {
        return send(method, path, null, token);
    }

    private static int adminPost(String path, String json, String token) throws IOException, InterruptedException {
        return send("POST", path, json, token);
    }

    private static int send(String method, String path, String json, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.pulsarAdminUrl() + path))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
