package io.github.cdkecrdeployment.handler.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain-HTTP (no TLS) listener on 127.0.0.1 that plays a registry asking for Basic credentials
 * ({@code 401} with {@code WWW-Authenticate: Basic}) and records the raw bytes of every connection,
 * so a test can check that no credential was ever sent in clear text — whatever the client tried
 * (HTTP, or a TLS handshake the listener cannot answer).
 */
public final class PlainHttpRecorder implements AutoCloseable {
  private final ServerSocket socket;
  private final Thread acceptor;
  private final List<byte[]> connections = new ArrayList<>();

  private PlainHttpRecorder(ServerSocket socket) {
    this.socket = socket;
    this.acceptor = new Thread(this::accept, "plain-http-recorder");
    acceptor.setDaemon(true);
  }

  /** Starts one on an ephemeral port. */
  public static PlainHttpRecorder start() throws IOException {
    PlainHttpRecorder r =
        new PlainHttpRecorder(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    r.acceptor.start();
    return r;
  }

  /** {@code 127.0.0.1:PORT}. */
  public String host() {
    return "127.0.0.1:" + socket.getLocalPort();
  }

  /** The raw bytes received on each connection so far. */
  public List<byte[]> connections() {
    synchronized (connections) {
      return List.copyOf(connections);
    }
  }

  /** Everything received, as ISO-8859-1 text (bytes kept one to one). */
  public String received() {
    StringBuilder sb = new StringBuilder();
    for (byte[] c : connections()) {
      sb.append(new String(c, StandardCharsets.ISO_8859_1)).append('\n');
    }
    return sb.toString();
  }

  private void accept() {
    while (!socket.isClosed()) {
      try (Socket s = socket.accept()) {
        s.setSoTimeout(2000);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        byte[] buf = new byte[8192];
        try {
          int n;
          while ((n = in.read(buf)) > 0) {
            got.write(buf, 0, n);
            String text = got.toString(StandardCharsets.ISO_8859_1);
            if (text.contains("\r\n\r\n")) {
              OutputStream out = s.getOutputStream();
              out.write(
                  ("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"plain\"\r\n"
                          + "Docker-Distribution-Api-Version: registry/2.0\r\n"
                          + "Content-Type: application/json\r\nContent-Length: 2\r\n"
                          + "Connection: close\r\n\r\n{}")
                      .getBytes(StandardCharsets.ISO_8859_1));
              out.flush();
              break;
            }
            if (got.size() > 1 << 20) {
              break;
            }
          }
        } catch (SocketTimeoutException e) {
          // A TLS client waits for a ServerHello that never comes: record what it sent.
        }
        synchronized (connections) {
          connections.add(got.toByteArray());
        }
      } catch (IOException e) {
        if (socket.isClosed()) {
          return;
        }
      }
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
