package org.edgegateway.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on loopback in front of a server's port, for links that misbehave: it can hold each
 * connection's first bytes from the server for a while (a server busy with a storm of handshakes
 * greets late), and it can be frozen (a dead link: it stops forwarding but keeps both sockets open).
 * Two threads per connection; close it at the end of the test.
 */
public final class TcpRelay implements AutoCloseable {
    private final ServerSocket listener;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final long greetingDelayMillis;
    private volatile boolean frozen;

    /** A relay that forwards at once. */
    public TcpRelay(int targetPort) throws IOException {
        this(targetPort, 0);
    }

    /** A relay that holds each connection's first bytes from the server for {@code greetingDelayMillis}. */
    public TcpRelay(int targetPort, long greetingDelayMillis) throws IOException {
        this.greetingDelayMillis = greetingDelayMillis;
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    Socket client = listener.accept();
                    Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                    open.add(client);
                    open.add(server);
                    pump(client, server, 0);
                    pump(server, client, this.greetingDelayMillis);
                }
            } catch (IOException e) {
                // closed: the test is over
            }
        }, "test-relay");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void pump(Socket from, Socket to, long firstDelayMillis) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[8192];
            boolean first = true;
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (first) {
                        Thread.sleep(firstDelayMillis);
                        first = false;
                    }
                    while (frozen) {
                        Thread.sleep(50);
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // either side closed
            } finally {
                close(from);
                close(to);
            }
        }, "test-relay-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    public int port() {
        return listener.getLocalPort();
    }

    public String endpoint() {
        return "tcp://127.0.0.1:" + port();
    }

    /** Stops forwarding in both directions; both sockets of every connection stay open. */
    public void freeze() {
        frozen = true;
    }

    @Override
    public void close() throws IOException {
        listener.close();
        open.forEach(TcpRelay::close);
    }
}
