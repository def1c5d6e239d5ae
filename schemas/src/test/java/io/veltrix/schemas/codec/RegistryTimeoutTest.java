package io.veltrix.schemas.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A registry that accepts connections and never answers (a frozen process; a node gone without closing its
 * connections) makes every registry call fail as unavailable within the codec's idle timeout, instead of blocking the
 * caller for ever. The stand-in is a plain socket that reads and never writes.
 */
class RegistryTimeoutTest {

    @Test
    void aRegistryThatNeverAnswersFailsTheCallAsUnavailable() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> accepted = new ArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept()); // kept open, never answered
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            String url = "http://127.0.0.1:" + silent.getLocalPort() + "/apis/registry/v3";
            try (RegistryCodec codec = RegistryCodec.connect(url, null)) {
                long started = System.nanoTime();
                // run apart, so that a regression (a call that never returns) fails the test instead of hanging it
                CompletableFuture<Throwable> latest = CompletableFuture.supplyAsync(() ->
                        assertThrows(CodecException.class, () -> codec.latest("io.veltrix.events", "TreasureClaimed")));
                CodecException e = (CodecException) latest.get(60, TimeUnit.SECONDS);
                double seconds = (System.nanoTime() - started) / 1e9;
                assertEquals(CodecException.Kind.REGISTRY_UNAVAILABLE, e.kind(), e.toString());
                assertTrue(e.isTransient(), e.toString());
                assertTrue(seconds >= RegistryCodec.IDLE_TIMEOUT_SECONDS - 1, "failed before the timeout: " + seconds + " s");
                assertTrue(!accepted.isEmpty(), "the call reached the silent registry");

                CompletableFuture<Throwable> schema = CompletableFuture.supplyAsync(() ->
                        assertThrows(CodecException.class, () -> codec.schemaByContentId(4242)));
                CodecException bySchema = (CodecException) schema.get(60, TimeUnit.SECONDS);
                assertEquals(CodecException.Kind.REGISTRY_UNAVAILABLE, bySchema.kind(), bySchema.toString());
            } finally {
                for (Socket socket : accepted) {
                    socket.close();
                }
            }
        }
    }
}
