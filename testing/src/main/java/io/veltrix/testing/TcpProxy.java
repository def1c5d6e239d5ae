package io.veltrix.testing;

import io.veltrix.stack.Ports;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP proxy a test can cut: between a service and a server (the registry, say), so that the server becomes
 * unreachable for that service alone, as a network fault or a stopped server would look to it, while the shared
 * server keeps serving everyone else. {@link #down()} closes every connection and refuses new ones; {@link #up()}
 * accepts again on the same port.
 */
public final class TcpProxy implements AutoCloseable {

    private final String targetHost;
    private final int targetPort;
    private final int port = Ports.freePort();
    private final List<Socket> open = new ArrayList<>();
    private ServerSocket listener;

    public TcpProxy(String targetHost, int targetPort) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
    }

    public int port() {
        return port;
    }

    /** Accepts connections and forwards them to the target. */
    public synchronized TcpProxy up() {
        if (listener != null) {
            return this;
        }
        try {
            ServerSocket server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            listener = server;
            Thread accepting = new Thread(() -> accept(server), "tcp-proxy-" + port);
            accepting.setDaemon(true);
            accepting.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + port, e);
        }
        return this;
    }

    /** Closes every connection and refuses new ones. */
    public synchronized void down() {
        if (listener != null) {
            closeQuietly(listener);
            listener = null;
        }
        open.forEach(TcpProxy::closeQuietly);
        open.clear();
    }

    private void accept(ServerSocket server) {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket target = new Socket(targetHost, targetPort);
                synchronized (this) {
                    if (listener != server) {
                        closeQuietly(client);
                        closeQuietly(target);
                        continue;
                    }
                    open.add(client);
                    open.add(target);
                }
                pump(client, target);
                pump(target, client);
            } catch (IOException e) {
                // closed by down(), or the target refused: the client sees its connection closed
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "tcp-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // nothing to do
        }
    }

    @Override
    public void close() {
        down();
    }
}
