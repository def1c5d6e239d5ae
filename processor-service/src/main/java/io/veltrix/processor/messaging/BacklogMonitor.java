package io.veltrix.processor.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.veltrix.processor.service.ProblemLog;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.OptionalDouble;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Samples, from the Pulsar admin REST API ({@code veltrix.pulsar.admin-url}), what the consumer alone cannot
 * see (as the processor's Pulsar role, {@code veltrix.pulsar.token}): the subscription's backlog (messages not yet acknowledged by any processor instance), the age of its
 * oldest message, and the size of the dead-letter topic (backlog of its {@code initialSubscriptionName}).
 * Exposed as gauges; NaN while unknown.
 */
@ApplicationScoped
public class BacklogMonitor {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final ObjectMapper json;
    private final ProblemLog problems;
    private final String adminUrl;
    private final String token;
    private final String topic;
    private final String subscription;
    private final String deadLetterTopic;
    private final String deadLetterSubscription;

    private volatile double backlog = Double.NaN;
    private volatile double backlogAgeSeconds = Double.NaN;
    private volatile double deadLetters = Double.NaN;

    public BacklogMonitor(ObjectMapper json, ProblemLog problems, MeterRegistry registry,
                          @ConfigProperty(name = "veltrix.pulsar.admin-url") String adminUrl,
                          @ConfigProperty(name = "veltrix.pulsar.token") String token,
                          @ConfigProperty(name = "mp.messaging.incoming.events-raw.topic") String topic,
                          @ConfigProperty(name = "mp.messaging.incoming.events-raw.subscriptionName") String subscription,
                          @ConfigProperty(name = "mp.messaging.incoming.events-raw.deadLetterPolicy.deadLetterTopic") String deadLetterTopic,
                          @ConfigProperty(name = "mp.messaging.incoming.events-raw.deadLetterPolicy.initialSubscriptionName") String deadLetterSubscription) {
        this.json = json;
        this.problems = problems;
        this.adminUrl = adminUrl.endsWith("/") ? adminUrl.substring(0, adminUrl.length() - 1) : adminUrl;
        this.token = token;
        this.topic = topic;
        this.subscription = subscription;
        this.deadLetterTopic = deadLetterTopic;
        this.deadLetterSubscription = deadLetterSubscription;
        Gauge.builder("veltrix.processor.backlog", this, m -> m.backlog)
                .description("Messages of events.raw not yet acknowledged on the processors' subscription (all instances)")
                .register(registry);
        Gauge.builder("veltrix.processor.backlog.age", this, m -> m.backlogAgeSeconds).baseUnit("seconds")
                .description("Age of the oldest message of the backlog (0 when there is none)").register(registry);
        Gauge.builder("veltrix.processor.dlq.size", this, m -> m.deadLetters)
                .description("Messages on events.raw-DLQ not yet handled (backlog of its initial subscription)")
                .register(registry);
    }

    @Scheduled(every = "${veltrix.processor.monitoring.backlog-interval:PT10S}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sample() {
        try {
            JsonNode raw = stats(topic, true);
            JsonNode sub = raw == null ? null : raw.path("subscriptions").path(subscription);
            backlog = number(sub, "msgBacklog").orElse(Double.NaN);
            double earliest = number(sub, "earliestMsgPublishTimeInBacklog").orElse(Double.NaN);
            backlogAgeSeconds = Double.isNaN(earliest) ? Double.NaN
                    : earliest <= 0 ? 0 : Math.max(0, (System.currentTimeMillis() - earliest) / 1000.0);
            JsonNode dlq = stats(deadLetterTopic, false);
            // no dead-letter topic, or not yet its subscription (the client creates it just before the first
            // dead letter): nothing was ever dead-lettered
            JsonNode dlqSub = dlq == null ? null : dlq.path("subscriptions").path(deadLetterSubscription);
            deadLetters = dlqSub == null || dlqSub.isMissingNode() ? 0 : number(dlqSub, "msgBacklog").orElse(Double.NaN);
        } catch (IOException e) {
            backlog = backlogAgeSeconds = deadLetters = Double.NaN;
            problems.report("pulsar_admin_unreachable", adminUrl + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The topic's stats, or null when the topic does not exist (404). */
    private JsonNode stats(String topicName, boolean earliestTime) throws IOException, InterruptedException {
        String path = topicName.replaceFirst("^(persistent|non-persistent)://", "$1/");
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(adminUrl + "/admin/v2/" + path
                        + "/stats" + (earliestTime ? "?getEarliestTimeInBacklog=true" : ""))).timeout(TIMEOUT)
                        // the processor's own token: its grants on both topics allow reading their stats, nothing more
                        .header("Authorization", "Bearer " + token).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 404) {
            return null;
        }
        if (response.statusCode() != 200) {
            throw new IOException("HTTP " + response.statusCode() + " for the stats of " + topicName);
        }
        return json.readTree(response.body());
    }

    private static OptionalDouble number(JsonNode node, String field) {
        if (node == null || !node.path(field).isNumber()) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(node.path(field).asDouble());
    }

    /** Last sampled backlog (NaN when unknown), for the health check. */
    public double backlog() {
        return backlog;
    }

    public double deadLetters() {
        return deadLetters;
    }
}
