package io.satstream.app.runtime;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.function.Consumer;

/** Port choice for embedded services: a well-known default that falls back to a free port when busy. */
public final class Ports {
    private Ports() {}

    /**
     * {@code 0} → 0 (the service picks a free port); a port that is free → itself; a busy port → 0,
     * with a note, so {@code ./satstream demo} still starts next to another Kafka or Flink.
     */
    public static int preferredOrFree(int port, String option, Consumer<String> note) {
        if (port == 0 || isFree(port)) {
            return port;
        }
        note.accept("port " + port + " is busy; using a free one instead (set " + option + " to choose)");
        return 0;
    }

    /**
     * A port free on every interface now, for a service that binds all of them and cannot report the port it got
     * when given 0. Another process may take it before the service binds it; the service must then fail loudly.
     */
    public static int free() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port: " + e.getMessage(), e);
        }
    }

    public static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
