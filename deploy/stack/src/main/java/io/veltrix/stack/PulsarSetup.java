package io.veltrix.stack;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The platform's Pulsar resources, through the admin REST API as the superuser ({@value PulsarTokens#ADMIN_ROLE}),
 * idempotently (409 = already there): tenant {@code veltrix} (no admin role: only the superuser administers it),
 * namespace {@code veltrix/events} with retention (consumed events stay readable), the non-partitioned persistent
 * topics, and each service role's permissions ({@link #GRANTS}), set again at every start.
 *
 * <p>Nobody but the superuser may create, delete or change a topic, a namespace or a grant. A role may only do what
 * its topic grants say: produce, or consume (which includes reading with a reader, and the subscription operations of
 * the admin API: reset, skip, expire). The processor's subscriptions are moreover reserved to its role.
 */
final class PulsarSetup {
    static final String TENANT = "veltrix";
    static final String NAMESPACE = "veltrix/events";
    static final List<String> TOPICS = List.of("events.raw", "events.rejected", "events.raw-DLQ", "events.replays");
    static final int RETENTION_MINUTES = 7 * 24 * 60;
    static final int RETENTION_MB = 10 * 1024;

    /** Topic → role → actions. Everything not listed is refused. */
    static final Map<String, Map<String, List<String>>> GRANTS = grants();
    /** Subscriptions only the processor's role may use (Pulsar's subscription permission). */
    static final List<String> PROCESSOR_SUBSCRIPTIONS = List.of("veltrix-processor", "veltrix-dlq");

    private final String adminUrl;
    private final String token;
    private final Log log;

    PulsarSetup(String adminUrl, String adminToken, Log log) {
        this.adminUrl = adminUrl;
        this.token = adminToken;
        this.log = log;
    }

    private static Map<String, Map<String, List<String>>> grants() {
        Map<String, Map<String, List<String>>> grants = new LinkedHashMap<>();
        // ingest publishes accepted events; the processor re-drives dead letters to it (POST /admin/v1/dlq/redrive)
        grants.put("events.raw", Map.of(PulsarTokens.INGEST_ROLE, List.of("produce"),
                PulsarTokens.PROCESSOR_ROLE, List.of("consume", "produce")));
        // both refuse events here; ingest reads them back (rejected-events summary, replay)
        grants.put("events.rejected", Map.of(PulsarTokens.INGEST_ROLE, List.of("produce", "consume"),
                PulsarTokens.PROCESSOR_ROLE, List.of("produce")));
        // the processor's consumer dead-letters poison messages (its DLQ producer creates subscription veltrix-dlq,
        // which needs consume) and the re-drive reads them back
        grants.put("events.raw-DLQ", Map.of(PulsarTokens.PROCESSOR_ROLE, List.of("produce", "consume")));
        // ingest's replay markers: written and read by ingest only
        grants.put("events.replays", Map.of(PulsarTokens.INGEST_ROLE, List.of("produce", "consume")));
        return grants;
    }

    void apply(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        // look first: Pulsar logs a stack trace for every 409, which would clutter each restart's log
        if (!exists(adminUrl + "/admin/v2/tenants/" + TENANT)) {
            call("create tenant " + TENANT, deadline, () -> Http.put(adminUrl + "/admin/v2/tenants/" + TENANT, token,
                    "{\"adminRoles\":[],\"allowedClusters\":[\"standalone\"]}", Duration.ofSeconds(10)));
        }
        if (!exists(adminUrl + "/admin/v2/namespaces/" + NAMESPACE + "/retention")) {
            call("create namespace " + NAMESPACE, deadline, () -> Http.put(adminUrl + "/admin/v2/namespaces/" + NAMESPACE,
                    token, null, Duration.ofSeconds(10)));
        }
        call("set retention on " + NAMESPACE, deadline, () -> Http.post(adminUrl + "/admin/v2/namespaces/" + NAMESPACE
                + "/retention", token, "{\"retentionTimeInMinutes\":" + RETENTION_MINUTES + ",\"retentionSizeInMB\":"
                + RETENTION_MB + "}", Duration.ofSeconds(10)));
        Http.Response existing = Http.get(adminUrl + "/admin/v2/persistent/" + NAMESPACE, token, Duration.ofSeconds(10));
        for (String topic : TOPICS) {
            if (existing.ok() && existing.body().contains("\"persistent://" + NAMESPACE + "/" + topic + "\"")) {
                continue;
            }
            call("create topic " + topic, deadline, () -> Http.put(adminUrl + "/admin/v2/persistent/" + NAMESPACE + "/"
                    + topic, token, null, Duration.ofSeconds(30)));
        }
        GRANTS.forEach((topic, roles) -> roles.forEach((role, actions) ->
                call("grant " + actions + " on " + topic + " to " + role, deadline, () -> Http.post(adminUrl
                        + "/admin/v2/persistent/" + NAMESPACE + "/" + topic + "/permissions/" + role, token,
                        json(actions), Duration.ofSeconds(10)))));
        for (String subscription : PROCESSOR_SUBSCRIPTIONS) {
            call("reserve subscription " + subscription, deadline, () -> Http.post(adminUrl + "/admin/v2/namespaces/"
                    + NAMESPACE + "/permissions/subscription/" + subscription, token,
                    json(List.of(PulsarTokens.PROCESSOR_ROLE)), Duration.ofSeconds(10)));
        }
        log.detail("Pulsar resources in place: " + NAMESPACE + " " + TOPICS + ", grants " + GRANTS);
    }

    private static String json(List<String> values) {
        return values.stream().map(v -> "\"" + v + "\"").collect(java.util.stream.Collectors.joining(",", "[", "]"));
    }

    private boolean exists(String url) {
        return Http.get(url, token, Duration.ofSeconds(10)).status() == 200;
    }

    /** Retries on connection errors and 5xx (a just-started broker may still be loading bundles). */
    private void call(String what, long deadline, java.util.function.Supplier<Http.Response> request) {
        Http.Response[] last = new Http.Response[1];
        boolean done = Await.until(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())), Duration.ofSeconds(1), () -> {
            last[0] = request.get();
            int status = last[0].status();
            if (status == 409 || (status >= 200 && status < 300)) {
                return true;
            }
            if (status >= 400 && status < 500) {
                throw new StackException("Pulsar refused to " + what + ": HTTP " + status + " " + last[0].body());
            }
            return false;
        });
        if (!done) {
            throw new StackException("Pulsar did not " + what + " in time: last answer "
                    + (last[0] == null ? "none" : "HTTP " + last[0].status() + " " + last[0].body()));
        }
    }
}
