package dev.creditgate.test;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.creditgate.test.ChaosProxy.Direction;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ChaosProxyTest {

    /** Every blocking step in these tests gives up after this long, so a broken proxy fails instead of hanging. */
    private static final int TIMEOUT_MILLIS = 5_000;

    private EchoServer echo;
    private ChaosProxy proxy;

    @BeforeEach
    void startEchoServerBehindProxy() throws IOException {
        echo = EchoServer.start();
        proxy = ChaosProxy.start("127.0.0.1", echo.port());
    }

    @AfterEach
    void stopAll() {
        proxy.close();
        echo.close();
    }

    @Test
    void bytesPassThroughUnchangedInBothDirections() throws IOException, InterruptedException {
        byte[] everyByteValue = new byte[256];
        for (int i = 0; i < everyByteValue.length; i++) {
            everyByteValue[i] = (byte) i;
        }
        byte[] text = "SELECT balance FROM credit_accounts WHERE account_id = $1".getBytes(US_ASCII);

        try (Socket client = connect()) {
            assertThat(roundTrip(client, everyByteValue)).isEqualTo(everyByteValue);
            assertThat(roundTrip(client, text)).isEqualTo(text);
            assertThat(roundTrip(client, new byte[] {0})).isEqualTo(new byte[] {0});
        }

        assertThat(echo.nextFinishedConnection()).isEqualTo(concat(everyByteValue, text, new byte[] {0}));
        assertThat(proxy.connectionsAccepted()).isEqualTo(1);
        assertThat(proxy.connectionsCut()).isZero();
    }

    @Test
    void oneMebibytePayloadArrivesIntactBothWays() throws Exception {
        byte[] payload = new byte[1024 * 1024];
        new Random(20_000).nextBytes(payload);

        try (Socket client = connect()) {
            // Written from another thread: the echo comes back while we are still sending, and someone must read it.
            AtomicReference<Throwable> writeFailure = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try {
                    client.getOutputStream().write(payload);
                } catch (Throwable t) {
                    writeFailure.set(t);
                }
            }, "test-writer");
            writer.setDaemon(true);
            writer.start();

            byte[] echoed = client.getInputStream().readNBytes(payload.length);
            writer.join(TIMEOUT_MILLIS);

            assertThat(writer.isAlive()).as("writer still blocked").isFalse();
            assertThat(writeFailure.get()).isNull();
            assertThat(echoed).isEqualTo(payload);
        }
        assertThat(echo.nextFinishedConnection()).isEqualTo(payload);
    }

    @Test
    void halfCloseIsPassedOnAndTheServerCanStillAnswer() throws IOException, InterruptedException {
        byte[] request = "last request".getBytes(US_ASCII);

        try (Socket client = connect()) {
            client.getOutputStream().write(request);
            client.shutdownOutput();

            Ending ending = readUntilEnd(client);

            // The trailer is sent by the server only after it saw our end-of-stream, so it proves both directions.
            assertThat(ending.bytes()).isEqualTo(concat(request, EchoServer.TRAILER));
            assertThat(ending.reset()).isFalse();
        }
        assertThat(echo.nextFinishedConnection()).isEqualTo(request);
        assertThat(proxy.connectionsCut()).isZero();
    }

    @Test
    void cutAllConnectionsEndsEveryOpenConnectionAndCountsEachOnce() throws IOException, InterruptedException {
        List<Socket> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                Socket client = connect();
                clients.add(client);
                byte[] hello = ("hello " + i).getBytes(US_ASCII);
                assertThat(roundTrip(client, hello)).isEqualTo(hello);
            }
            assertThat(proxy.connectionsAccepted()).isEqualTo(3);
            assertThat(proxy.connectionsCut()).isZero();

            assertThat(proxy.cutAllConnections()).isEqualTo(3);

            for (Socket client : clients) {
                assertThat(readUntilEnd(client).bytes()).isEmpty();
            }
            Set<String> seenByServer = Set.of(
                    new String(echo.nextFinishedConnection(), US_ASCII),
                    new String(echo.nextFinishedConnection(), US_ASCII),
                    new String(echo.nextFinishedConnection(), US_ASCII));
            assertThat(seenByServer).containsExactlyInAnyOrder("hello 0", "hello 1", "hello 2");
            assertThat(proxy.cutAllConnections()).isZero();
            assertThat(proxy.connectionsCut()).isEqualTo(3);

            try (Socket later = connect()) {
                byte[] again = "still accepting".getBytes(US_ASCII);
                assertThat(roundTrip(later, again)).isEqualTo(again);
            }
            assertThat(proxy.connectionsAccepted()).isEqualTo(4);
            assertThat(proxy.connectionsCut()).isEqualTo(3);
        } finally {
            for (Socket client : clients) {
                client.close();
            }
        }
    }

    @Test
    void cutWhenForwardingFirstDeliversTheMarkerToTheServerButNeverItsReply()
            throws IOException, InterruptedException {
        byte[] before = "BEGIN; UPDATE credit_accounts".getBytes(US_ASCII);
        byte[] unrelated = "SELECT 1".getBytes(US_ASCII);
        byte[] commit = "P\0\0\0\u000bCOMMIT\0S".getBytes(US_ASCII);

        try (Socket client = connect()) {
            assertThat(roundTrip(client, before)).isEqualTo(before);
            proxy.cutWhen(Direction.CLIENT_TO_SERVER, ChaosProxy.containsAscii("COMMIT"), true);
            assertThat(roundTrip(client, unrelated)).isEqualTo(unrelated);

            client.getOutputStream().write(commit);

            assertThat(readUntilEnd(client).bytes()).as("the server's reply to the marker").isEmpty();
        }
        assertThat(echo.nextFinishedConnection()).isEqualTo(concat(before, unrelated, commit));
        assertThat(proxy.connectionsCut()).isEqualTo(1);

        // The rule fired once and disarmed itself.
        try (Socket client = connect()) {
            assertThat(roundTrip(client, commit)).isEqualTo(commit);
        }
        assertThat(proxy.connectionsAccepted()).isEqualTo(2);
        assertThat(proxy.connectionsCut()).isEqualTo(1);
    }

    @Test
    void cutWhenNotForwardingFirstDropsTheMarkerBeforeTheServer() throws IOException, InterruptedException {
        byte[] before = "UPDATE credit_accounts".getBytes(US_ASCII);
        proxy.cutWhen(Direction.CLIENT_TO_SERVER, ChaosProxy.containsAscii("COMMIT"), false);

        try (Socket client = connect()) {
            assertThat(roundTrip(client, before)).isEqualTo(before);
            client.getOutputStream().write("COMMIT".getBytes(US_ASCII));

            assertThat(readUntilEnd(client).bytes()).isEmpty();
        }
        assertThat(echo.nextFinishedConnection()).isEqualTo(before);
        assertThat(proxy.connectionsCut()).isEqualTo(1);
    }

    @Test
    void cutWhenOnServerReplyDeliversItThenEndsTheClientStream() throws IOException, InterruptedException {
        byte[] ordinary = "ordinary".getBytes(US_ASCII);
        byte[] reply = "REPLY 42".getBytes(US_ASCII);
        proxy.cutWhen(Direction.SERVER_TO_CLIENT, ChaosProxy.containsAscii("REPLY"), true);

        try (Socket client = connect()) {
            assertThat(roundTrip(client, ordinary)).isEqualTo(ordinary);
            client.getOutputStream().write(reply);

            Ending ending = readUntilEnd(client);

            assertThat(ending.bytes()).isEqualTo(reply);
            assertThat(ending.reset()).as("the delivered chunk is followed by a clean end-of-stream").isFalse();
        }
        assertThat(echo.nextFinishedConnection()).isEqualTo(concat(ordinary, reply));
        assertThat(proxy.connectionsCut()).isEqualTo(1);
    }

    @Test
    void cutAfterForwardingDeliversTheWholeChunkToASlowReader() throws IOException, InterruptedException {
        byte[] reply = new byte[48 * 1024];
        new Random(2).nextBytes(reply);
        System.arraycopy("REPLY".getBytes(US_ASCII), 0, reply, 0, 5);
        proxy.cutWhen(Direction.SERVER_TO_CLIENT, ChaosProxy.containsAscii("REPLY"), true);

        // A small receive window keeps most of the chunk queued in the proxy while the cut happens.
        try (Socket client = new Socket()) {
            client.setReceiveBufferSize(4096);
            client.connect(new InetSocketAddress(proxy.host(), proxy.port()), TIMEOUT_MILLIS);
            client.setSoTimeout(TIMEOUT_MILLIS);
            client.getOutputStream().write(reply);
            awaitCuts(1);

            Ending ending = readUntilEnd(client);

            assertThat(ending.reset()).as("a reset would have thrown away what was still queued").isFalse();
            assertThat(ending.bytes()).isNotEmpty();
            assertThat(reply).startsWith(ending.bytes());
        }
    }

    @Test
    void closeWaitsForProxyThreadsThatAreStillBusy() throws IOException, InterruptedException {
        String prefix = "chaos-proxy-" + proxy.port() + "-";
        CountDownLatch predicateEntered = new CountDownLatch(1);
        CountDownLatch neverReleased = new CountDownLatch(1);
        // Closing a socket cannot wake a thread that is inside a predicate, so close() really has to wait for it.
        proxy.cutWhen(Direction.CLIENT_TO_SERVER, chunk -> {
            predicateEntered.countDown();
            try {
                neverReleased.await(300, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return false;
        }, false);

        try (Socket client = connect()) {
            client.getOutputStream().write(1);
            assertThat(predicateEntered.await(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)).isTrue();

            proxy.close();

            assertThat(liveThreadsNamed(prefix)).isEmpty();
        }
    }

    @Test
    void cutRandomlyWithCertaintyCutsAfterForwardingTheFirstChunk() throws IOException, InterruptedException {
        byte[] ping = "ping".getBytes(US_ASCII);
        proxy.cutRandomly(1.0, 7);

        try (Socket client = connect()) {
            client.getOutputStream().write(ping);

            assertThat(readUntilEnd(client).bytes()).isEmpty();
        }
        assertThat(echo.nextFinishedConnection()).isEqualTo(ping);
        assertThat(proxy.connectionsCut()).isEqualTo(1);

        proxy.cutRandomly(0.0, 7);
        try (Socket client = connect()) {
            for (int i = 0; i < 100; i++) {
                byte[] message = ("message " + i).getBytes(US_ASCII);
                assertThat(roundTrip(client, message)).isEqualTo(message);
            }
        }
        assertThat(proxy.connectionsAccepted()).isEqualTo(2);
        assertThat(proxy.connectionsCut()).isEqualTo(1);
    }

    @Test
    void stopCuttingDisarmsTheRuleAndRandomCuts() throws IOException {
        proxy.cutWhen(Direction.CLIENT_TO_SERVER, chunk -> true, false);
        proxy.cutRandomly(1.0, 7);
        proxy.stopCutting();

        try (Socket client = connect()) {
            for (int i = 0; i < 20; i++) {
                byte[] message = ("message " + i).getBytes(US_ASCII);
                assertThat(roundTrip(client, message)).isEqualTo(message);
            }
        }
        assertThat(proxy.connectionsCut()).isZero();
    }

    @Test
    void unreachableTargetResetsTheClientWithoutCountingACut() throws IOException {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = probe.getLocalPort();
        }
        try (ChaosProxy nowhere = ChaosProxy.start("127.0.0.1", closedPort);
                Socket client = connect(nowhere)) {
            assertThat(readUntilEnd(client).bytes()).isEmpty();
            assertThat(nowhere.connectionsAccepted()).isEqualTo(1);
            assertThat(nowhere.connectionsCut()).isZero();
        }
    }

    @Test
    void closeEndsEveryProxyThreadAndConnection() throws IOException {
        String prefix = "chaos-proxy-" + proxy.port() + "-";
        try (Socket client = connect()) {
            byte[] hello = "hello".getBytes(US_ASCII);
            assertThat(roundTrip(client, hello)).isEqualTo(hello);
            assertThat(liveThreadsNamed(prefix)).containsExactlyInAnyOrder(
                    prefix + "accept", prefix + "1-client-to-server", prefix + "1-server-to-client");

            proxy.close();

            assertThat(liveThreadsNamed(prefix)).isEmpty();
            assertThat(readUntilEnd(client).bytes()).isEmpty();
            assertThat(proxy.connectionsCut()).as("closing is not a cut").isZero();
        }
        proxy.close();
        assertThatThrownBy(() -> connect().close()).isInstanceOf(ConnectException.class);
    }

    @Test
    void listensOnLoopbackOnAnEphemeralPort() {
        assertThat(proxy.host()).isEqualTo("127.0.0.1");
        assertThat(proxy.port()).isBetween(1024, 65_535).isNotEqualTo(echo.port());
    }

    @Test
    void invalidArgumentsAreRejectedWithTheBadValue() {
        assertThatThrownBy(() -> ChaosProxy.start(" ", 5432))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("targetHost");
        assertThatThrownBy(() -> ChaosProxy.start("127.0.0.1", 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was 0");
        assertThatThrownBy(() -> ChaosProxy.start("127.0.0.1", 65_536))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was 65536");
        assertThatThrownBy(() -> proxy.cutRandomly(-0.1, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was -0.1");
        assertThatThrownBy(() -> proxy.cutRandomly(1.5, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was 1.5");
        assertThatThrownBy(() -> proxy.cutRandomly(Double.NaN, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was NaN");
        assertThatThrownBy(() -> ChaosProxy.containsAscii(""))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ChaosProxy.containsAscii("CÖMMIT"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CÖMMIT");
    }

    @Test
    void containsAsciiMatchesTheExactBytesAnywhereInTheChunk() {
        Predicate<byte[]> commit = ChaosProxy.containsAscii("COMMIT");

        assertThat(commit.test("COMMIT".getBytes(US_ASCII))).isTrue();
        assertThat(commit.test("\0\0COMMIT\0S".getBytes(US_ASCII))).isTrue();
        assertThat(commit.test("xxCOMMIT".getBytes(US_ASCII))).isTrue();
        assertThat(commit.test("commit".getBytes(US_ASCII))).isFalse();
        assertThat(commit.test("COMMI".getBytes(US_ASCII))).isFalse();
        assertThat(commit.test(new byte[0])).isFalse();
    }

    private Socket connect() throws IOException {
        return connect(proxy);
    }

    private static Socket connect(ChaosProxy target) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(target.host(), target.port()), TIMEOUT_MILLIS);
        socket.setSoTimeout(TIMEOUT_MILLIS);
        socket.setTcpNoDelay(true);
        return socket;
    }

    private static byte[] roundTrip(Socket client, byte[] message) throws IOException {
        client.getOutputStream().write(message);
        return client.getInputStream().readNBytes(message.length);
    }

    /** How a connection ended for the reader: the bytes received before, and whether it ended by reset. */
    private record Ending(byte[] bytes, boolean reset) {
    }

    private void awaitCuts(long expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS);
        while (proxy.connectionsCut() < expected && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(proxy.connectionsCut()).isEqualTo(expected);
    }

    private static Ending readUntilEnd(Socket socket) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[8192];
        try {
            // Bounded: every read times out, and no test sends more than this.
            while (received.size() <= 4 * 1024 * 1024) {
                int n = in.read(buffer);
                if (n < 0) {
                    return new Ending(received.toByteArray(), false);
                }
                received.write(buffer, 0, n);
            }
            throw new AssertionError("connection still delivering after " + received.size() + " bytes");
        } catch (SocketTimeoutException e) {
            throw new AssertionError("connection still open after " + TIMEOUT_MILLIS + " ms, having received "
                    + received.size() + " bytes", e);
        } catch (IOException e) {
            return new Ending(received.toByteArray(), true);
        }
    }

    private static Set<String> liveThreadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.startsWith(prefix))
                .collect(Collectors.toSet());
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /**
     * Echoes every chunk back; after the client's end-of-stream it sends {@link #TRAILER} and closes. Records what
     * each connection received once that connection has ended, however it ended.
     */
    private static final class EchoServer implements AutoCloseable {
        static final byte[] TRAILER = "<server saw end of stream>".getBytes(US_ASCII);

        private final ServerSocket listener;
        private final BlockingQueue<byte[]> finished = new LinkedBlockingQueue<>();
        private final Set<Socket> open = ConcurrentHashMap.newKeySet();
        private final List<Thread> threads = new CopyOnWriteArrayList<>();

        private EchoServer(ServerSocket listener) {
            this.listener = listener;
        }

        static EchoServer start() throws IOException {
            EchoServer server = new EchoServer(new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1")));
            server.startThread("echo-accept", server::acceptLoop);
            return server;
        }

        int port() {
            return listener.getLocalPort();
        }

        byte[] nextFinishedConnection() throws InterruptedException {
            byte[] received = finished.poll(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            assertThat(received).as("a connection to the echo server ended within %d ms", TIMEOUT_MILLIS).isNotNull();
            return received;
        }

        private void acceptLoop() {
            while (!listener.isClosed()) {
                try {
                    Socket socket = listener.accept();
                    open.add(socket);
                    startThread("echo-connection", () -> echo(socket));
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private void echo(Socket socket) {
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            try (socket) {
                InputStream in = socket.getInputStream();
                OutputStream out = socket.getOutputStream();
                byte[] buffer = new byte[64 * 1024];
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    received.write(buffer, 0, n);
                    out.write(buffer, 0, n);
                }
                out.write(TRAILER);
            } catch (IOException ended) {
                // Reset or closed: what was received so far is the record.
            } finally {
                open.remove(socket);
                finished.add(received.toByteArray());
            }
        }

        private void startThread(String name, Runnable body) {
            Thread thread = new Thread(body, name);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }

        @Override
        public void close() {
            try {
                listener.close();
            } catch (IOException ignored) {
                // Closing anyway.
            }
            for (Socket socket : open) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // Closing anyway.
                }
            }
            try {
                for (Thread thread : threads) {
                    thread.join(TIMEOUT_MILLIS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
