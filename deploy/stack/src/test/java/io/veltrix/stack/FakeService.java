package io.veltrix.stack;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Test helper: a stand-in for a Quarkus service (its HTTP port answers nothing but opens; GET /q/health/ready → 200
 * on the management port after a short delay).
 */
public final class FakeService {
    private FakeService() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.getInteger("quarkus.http.port");
        int managementPort = Integer.getInteger("quarkus.management.port");
        Thread.sleep(300); // "booting"
        HttpServer api = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        api.start();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", managementPort), 0);
        server.createContext("/q/health/ready", exchange -> {
            byte[] body = ("{\"status\":\"UP\",\"env\":\"" + System.getenv("VELTRIX_PULSAR_URL") + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        System.out.println("fake service listening on " + port + " with " + System.getProperty("greeting"));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("fake service stopping")));
    }
}
