package io.veltrix.schemas.registry;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Whether the registry answers, for readiness checks. A plain, short HTTP call: safe anywhere. */
public final class RegistryProbe {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private RegistryProbe() {
    }

    /** Null when the registry at {@code registryUrl} ({@code .../apis/registry/v3}) answers, else why not. */
    public static String problem(String registryUrl) {
        try {
            HttpResponse<Void> response = CLIENT.send(HttpRequest.newBuilder(URI.create(registryUrl + "/system/info"))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200 ? null : "registry answered HTTP " + response.statusCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (Exception e) {
            return "registry unreachable: " + e;
        }
    }
}
