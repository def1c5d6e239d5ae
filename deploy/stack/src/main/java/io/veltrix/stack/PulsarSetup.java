package io.veltrix.stack;

import java.time.Duration;
import java.util.List;

/**
 * The platform's Pulsar resources, through the admin REST API, idempotently (409 = already there):
 * tenant {@code veltrix}, namespace {@code veltrix/events} with retention (consumed events stay
 * readable), and the non-partitioned persistent topics.
 */
final class PulsarSetup {
    static final String TENANT = "veltrix";
    static final String NAMESPACE = "veltrix/events";
    static final List<String> TOPICS = List.of("events.raw", "events.rejected", "events.raw-DLQ", "events.replays");
    static final int RETENTION_MINUTES = 7 * 24 * 60;
    static final int RETENTION_MB = 10 * 1024;

    private final String adminUrl;
    private final Log log;

    PulsarSetup(String adminUrl, Log log) {
        this.adminUrl = adminUrl;
        this.log = log;
    }

    void apply(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        // look first: Pulsar logs a stack trace for every 409, which would clutter each restart's log
        if (!exists(adminUrl + "/admin/v2/tenants/" + TENANT)) {
            call("create tenant " + TENANT, deadline, () -> Http.put(adminUrl + "/admin/v2/tenants/" + TENANT,
                    "{\"adminRoles\":[],\"allowedClusters\":[\"standalone\"]}", Duration.ofSeconds(10)));
        }
        if (!exists(adminUrl + "/admin/v2/namespaces/" + NAMESPACE + "/retention")) {
            call("create namespace " + NAMESPACE, deadline, () -> Http.put(adminUrl + "/admin/v2/namespaces/" + NAMESPACE,
                    null, Duration.ofSeconds(10)));
        }
        call("set retention on " + NAMESPACE, deadline, () -> Http.post(adminUrl + "/admin/v2/namespaces/" + NAMESPACE
                + "/retention", "{\"retentionTimeInMinutes\":" + RETENTION_MINUTES + ",\"retentionSizeInMB\":"
                + RETENTION_MB + "}", Duration.ofSeconds(10)));
        Http.Response existing = Http.get(adminUrl + "/admin/v2/persistent/" + NAMESPACE, Duration.ofSeconds(10));
        for (String topic : TOPICS) {
            if (existing.ok() && existing.body().contains("\"persistent://" + NAMESPACE + "/" + topic + "\"")) {
                continue;
            }
            call("create topic " + topic, deadline, () -> Http.put(adminUrl + "/admin/v2/persistent/" + NAMESPACE + "/"
                    + topic, null, Duration.ofSeconds(30)));
        }
        log.detail("Pulsar resources in place: " + NAMESPACE + " " + TOPICS);
    }

    private static boolean exists(String url) {
        return Http.get(url, Duration.ofSeconds(10)).status() == 200;
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
