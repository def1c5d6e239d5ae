package io.veltrix.simulator.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Reads samples of a service's Prometheus endpoint ({@code /q/metrics}), to say where the time of a phase went. */
final class ServiceMetrics {

    private final Map<String, Double> samples;

    private ServiceMetrics(Map<String, Double> samples) {
        this.samples = samples;
    }

    /** The service's metrics now; empty when it cannot be read. */
    static ServiceMetrics scrape(String managementUrl) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(managementUrl + "/q/metrics"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return parse(response.statusCode() == 200 ? response.body() : "");
        } catch (IOException e) {
            return parse("");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return parse("");
        }
    }

    /** The samples of a text exposition, keyed by name and labels as written ({@code name{a="b",}}). */
    static ServiceMetrics parse(String exposition) {
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : exposition.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            if (space <= 0) {
                continue;
            }
            try {
                samples.put(line.substring(0, space).replace(",}", "}"), Double.parseDouble(line.substring(space + 1)));
            } catch (NumberFormatException e) {
                // not a sample line
            }
        }
        return new ServiceMetrics(samples);
    }

    /** A sample whose name is {@code name} and whose labels include every one of {@code labels} ({@code k="v"}). */
    Optional<Double> value(String name, String... labels) {
        for (Map.Entry<String, Double> sample : samples.entrySet()) {
            String key = sample.getKey();
            if (!(key.equals(name) || key.startsWith(name + "{"))) {
                continue;
            }
            boolean all = true;
            for (String label : labels) {
                all &= key.contains(label);
            }
            if (all) {
                return Optional.of(sample.getValue());
            }
        }
        return Optional.empty();
    }

    /** The sum of every sample named {@code name}, whatever its labels (a counter kept per event type, say). */
    double sum(String name) {
        double total = 0;
        for (Map.Entry<String, Double> sample : samples.entrySet()) {
            String key = sample.getKey();
            if (key.equals(name) || key.startsWith(name + "{")) {
                total += sample.getValue();
            }
        }
        return total;
    }

    /**
     * A timer's mean since {@code before} (another scrape of the same service), from its count and sum: "mean x ms of
     * n" (its percentiles and max are Micrometer's sliding window, which can reach back before {@code before}).
     */
    String meanSince(ServiceMetrics before, String name) {
        Optional<Double> count = value(name + "_seconds_count");
        Optional<Double> sum = value(name + "_seconds_sum");
        if (count.isEmpty() || sum.isEmpty()) {
            return "not exported";
        }
        double n = count.get() - before.value(name + "_seconds_count").orElse(0.0);
        double seconds = sum.get() - before.value(name + "_seconds_sum").orElse(0.0);
        return n <= 0 ? "none" : String.format(java.util.Locale.ROOT, "mean %.0f ms of %,.0f", seconds * 1000 / n, n);
    }

    /** A timer's p50, p99 and max in milliseconds, as "p50 x ms, p99 y ms, max z ms" (what is missing is left out). */
    String timer(String name) {
        StringBuilder text = new StringBuilder();
        value(name + "_seconds", "quantile=\"0.5\"").ifPresent(v -> text.append(String.format(java.util.Locale.ROOT, "p50 %.0f ms", v * 1000)));
        value(name + "_seconds", "quantile=\"0.99\"").ifPresent(v -> text.append(text.isEmpty() ? "" : ", ")
                .append(String.format(java.util.Locale.ROOT, "p99 %.0f ms", v * 1000)));
        value(name + "_seconds_max").ifPresent(v -> text.append(text.isEmpty() ? "" : ", ")
                .append(String.format(java.util.Locale.ROOT, "max %.0f ms", v * 1000)));
        return text.isEmpty() ? "not exported" : text.toString();
    }
}
