package io.veltrix.stack;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class PortsTest {
    @Test
    void detectsAPortInUseOnLoopback() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = socket.getLocalPort();
            assertFalse(Ports.isFree(port));
            StackException e = assertThrows(StackException.class,
                    () -> Ports.requireFree(port, "Pulsar broker", "veltrix.run.pulsar.port"));
            assertTrue(e.getMessage().contains("port " + port + " (Pulsar broker) is already in use"), e.getMessage());
            assertTrue(e.getMessage().contains("-Dveltrix.run.pulsar.port=<port> or VELTRIX_RUN_PULSAR_PORT=<port>"),
                    e.getMessage());
        }
    }

    @Test
    void detectsAPortInUseOnAllInterfaces() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(0));
            assertFalse(Ports.isFree(socket.getLocalPort()));
        }
    }

    @Test
    void aClosedPortIsFreeAgain() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        assertTrue(Ports.isFree(port));
        Ports.requireFree(port, "test", "veltrix.test.x.port");
    }

    @Test
    void freePortIsFree() {
        int port = Ports.freePort();
        assertTrue(port > 0);
        assertTrue(Ports.isFree(port));
    }

    @Test
    void messageNamesTheHolderWhenKnown() {
        String message = Ports.inUseMessage(8090, "Pulsar admin/web", "veltrix.run.pulsar.web-port", "\"java\" pid 42");
        assertTrue(message.contains("by \"java\" pid 42"), message);
        assertTrue(message.contains("VELTRIX_RUN_PULSAR_WEB_PORT"), message);
    }
}
