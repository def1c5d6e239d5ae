package io.veltrix.stack;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Port checks before a server starts, and free-port selection. */
public final class Ports {
    private Ports() {
    }

    /** True when nothing listens on the port (on any local address). */
    public static boolean isFree(int port) {
        return canBind(new InetSocketAddress(port)) && canBind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    }

    private static boolean canBind(InetSocketAddress address) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(address);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A port the OS considers free on 127.0.0.1 right now. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new StackException("cannot find a free local port: " + e.getMessage());
        }
    }

    /**
     * Refuses a port that something else holds, naming the port, what we wanted it for, the holder
     * (when {@code ss} can tell) and the setting that moves it.
     */
    public static void requireFree(int port, String purpose, String settingKey) {
        if (!isFree(port)) {
            throw new StackException(inUseMessage(port, purpose, settingKey, holder(port)));
        }
    }

    static String inUseMessage(int port, String purpose, String settingKey, String holder) {
        return "port " + port + " (" + purpose + ") is already in use" + (holder.isEmpty() ? "" : " by " + holder)
                + ": stop that program, or choose another port" + (settingKey == null ? ""
                : " with -D" + settingKey + "=<port> or " + Settings.envName(settingKey) + "=<port>");
    }

    /** Best effort description of the process listening on the port, e.g. {@code "java" pid 1234}; empty if unknown. */
    static String holder(int port) {
        try {
            Process ss = new ProcessBuilder("ss", "-Hltnp", "sport = :" + port).redirectErrorStream(true).start();
            ss.getOutputStream().close();
            if (!ss.waitFor(3, TimeUnit.SECONDS)) {
                ss.destroyForcibly();
                return "";
            }
            String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("users:\\(\\(\"([^\"]+)\",pid=(\\d+)").matcher(out);
            return m.find() ? "\"" + m.group(1) + "\" pid " + m.group(2) : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
