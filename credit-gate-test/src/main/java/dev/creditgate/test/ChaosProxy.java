package dev.creditgate.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy for tests that kills connections on purpose, so a test can prove that a store survives a connection
 * dying at the worst moment — for example after {@code COMMIT} reached the database and before its reply reached the
 * driver — without charging twice.
 *
 * <p>The proxy listens on {@code 127.0.0.1} only, on an ephemeral port, and relays every accepted connection to the
 * one target given to {@link #start(String, int)}, byte for byte, in both directions, including half-close (an
 * end-of-stream from one side is passed on as an end-of-stream to the other). Point a JDBC URL at
 * {@link #host()}:{@link #port()} instead of at the database:
 *
 * <pre>{@code
 * try (ChaosProxy proxy = ChaosProxy.start("127.0.0.1", 5432)) {
 *     String url = "jdbc:postgresql://" + proxy.host() + ":" + proxy.port() + "/test?prepareThreshold=0";
 *     proxy.cutWhen(ChaosProxy.Direction.CLIENT_TO_SERVER, ChaosProxy.containsAscii("COMMIT"), true);
 *     // the next COMMIT reaches the server, its reply never reaches the driver
 * }
 * }</pre>
 *
 * <p>Faults are decided per <em>chunk</em>: the bytes one read from a socket returned. A chunk is not a protocol
 * message; a small message written in one piece by the driver normally arrives as one chunk, but a predicate that
 * looks for a text can miss it when the text is split across two chunks.
 *
 * <p>Two ways to cut a connection, both counted by {@link #connectionsCut()} once per connection:
 * <ul>
 *   <li><b>Reset</b> ({@link #cutAllConnections()}, and {@link #cutWhen} with {@code forwardFirst == false}): both
 *       sockets are closed at once with {@code SO_LINGER} 0, so both peers see a connection reset; bytes still in
 *       flight are lost.</li>
 *   <li><b>Cut after forwarding</b> ({@link #cutWhen} with {@code forwardFirst == true}, and {@link #cutRandomly}):
 *       the other peer is reset, then the chunk is written to its destination followed by an end-of-stream, so the
 *       destination receives the whole chunk and nothing it answers can reach the other peer. From that moment
 *       nothing more is relayed in either direction: whatever the destination sends is read and thrown away. The
 *       destination's socket is closed when the destination closes its end, or after 5 seconds.</li>
 * </ul>
 *
 * <p>All methods may be called from any thread. The proxy uses daemon threads named
 * {@code chaos-proxy-<port>-accept} and {@code chaos-proxy-<port>-<connection>-client-to-server} /
 * {@code -server-to-client}; {@link #close()} ends all of them before it returns.
 */
public final class ChaosProxy implements AutoCloseable {

    /** Which way a chunk travels through the proxy. */
    public enum Direction {
        /** From the client that connected to the proxy (the driver) to the target (the database). */
        CLIENT_TO_SERVER,
        /** From the target (the database) back to the client (the driver). */
        SERVER_TO_CLIENT;

        Direction opposite() {
            return this == CLIENT_TO_SERVER ? SERVER_TO_CLIENT : CLIENT_TO_SERVER;
        }
    }

    /** How long a connection cut after forwarding waits for the destination to close before resetting it. */
    static final int DRAIN_SECONDS = 5;

    private static final Logger LOG = LoggerFactory.getLogger(ChaosProxy.class);
    private static final String LOOPBACK = "127.0.0.1";
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    private static final int BUFFER_SIZE = 64 * 1024;
    private static final long CLOSE_JOIN_MILLIS = 10_000;
    private static final CutRule DISARMED = new CutRule(Direction.CLIENT_TO_SERVER, chunk -> false, false);
    private static final RandomCuts NO_RANDOM_CUTS = new RandomCuts(0.0, new Random(0));

    private final InetSocketAddress target;
    private final ServerSocket listener;
    private final String threadPrefix;
    /** Guards {@link #closed} together with starting threads and registering connections, so close() sees them all. */
    private final Object lock = new Object();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicReference<CutRule> armedRule = new AtomicReference<>(DISARMED);
    private volatile RandomCuts randomCuts = NO_RANDOM_CUTS;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong cut = new AtomicLong();
    private final AtomicLong connectionIds = new AtomicLong();
    private boolean closed;

    private ChaosProxy(InetSocketAddress target, ServerSocket listener) {
        this.target = target;
        this.listener = listener;
        this.threadPrefix = "chaos-proxy-" + listener.getLocalPort();
    }

    /**
     * Starts a proxy on {@code 127.0.0.1} and an ephemeral port that relays every connection to the target.
     *
     * <p>The target's name is resolved once, here. Connecting to the target happens per accepted connection; when
     * the target cannot be reached the client's connection is reset (this is not counted as a cut).
     *
     * @param targetHost the host to relay to, for example {@code "127.0.0.1"}; not blank
     * @param targetPort the port to relay to, 1 to 65535
     * @return a running proxy; close it to stop it
     * @throws IllegalArgumentException if the host is blank or cannot be resolved, or the port is out of range
     * @throws UncheckedIOException if the listening socket cannot be opened
     */
    public static ChaosProxy start(String targetHost, int targetPort) {
        Objects.requireNonNull(targetHost, "targetHost");
        if (targetHost.isBlank()) {
            throw new IllegalArgumentException("targetHost must not be blank");
        }
        if (targetPort < 1 || targetPort > 65_535) {
            throw new IllegalArgumentException("targetPort must be between 1 and 65535, was " + targetPort);
        }
        InetSocketAddress target = new InetSocketAddress(targetHost, targetPort);
        if (target.isUnresolved()) {
            throw new IllegalArgumentException("targetHost cannot be resolved: " + targetHost);
        }
        ServerSocket listener;
        try {
            // The literal address, not "localhost": a name could resolve to ::1 or to a non-loopback interface.
            listener = new ServerSocket(0, 50, InetAddress.getByName(LOOPBACK));
        } catch (IOException e) {
            throw new UncheckedIOException("could not listen on " + LOOPBACK, e);
        }
        ChaosProxy proxy = new ChaosProxy(target, listener);
        proxy.startThread(proxy.threadPrefix + "-accept", proxy::acceptLoop);
        LOG.debug("chaos proxy {}:{} -> {}", LOOPBACK, listener.getLocalPort(), target);
        return proxy;
    }

    /**
     * Returns the address the proxy listens on.
     *
     * @return always {@code "127.0.0.1"}
     */
    public String host() {
        return LOOPBACK;
    }

    /**
     * Returns the port the proxy listens on.
     *
     * @return the ephemeral port chosen at {@link #start}, fixed for the proxy's life
     */
    public int port() {
        return listener.getLocalPort();
    }

    /**
     * Resets every connection the proxy has accepted and not yet closed: both peers see a connection reset at once.
     * The proxy keeps accepting new connections.
     *
     * <p>A client whose {@code connect} returned but whose connection the proxy has not accepted yet (it is still in
     * the operating system's backlog) is not affected; a connection that has carried bytes has been accepted.
     *
     * @return how many connections this call cut; connections that an earlier cut already ended are not counted
     */
    public int cutAllConnections() {
        int count = 0;
        for (Connection connection : connections) {
            if (connection.reset()) {
                count++;
            }
        }
        LOG.debug("{} cut {} connection(s)", threadPrefix, count);
        return count;
    }

    /**
     * Arms a one-shot cut: the first chunk, on any connection, that travels in {@code direction} and matches
     * {@code chunkMatches} cuts its connection, and the rule disarms itself. Arming replaces a rule that has not fired
     * yet; {@link #stopCutting()} disarms it.
     *
     * <p>With {@code forwardFirst == true} the matching chunk is delivered and then the connection is cut after
     * forwarding (see the class description): with {@link Direction#CLIENT_TO_SERVER} and
     * {@link #containsAscii containsAscii("COMMIT")} the server receives and executes the commit, and the client is
     * reset without seeing its reply. With {@code forwardFirst == false} the chunk is dropped and both peers are reset.
     *
     * <p>The predicate runs on the proxy's threads with a copy of the chunk, for every chunk in that direction until
     * the rule fires; it must be quick and must not throw (a throwing predicate resets that connection).
     *
     * @param direction which way the matching chunk must travel
     * @param chunkMatches decides, for one chunk, whether to cut
     * @param forwardFirst whether the matching chunk reaches its destination before the cut
     */
    public void cutWhen(Direction direction, Predicate<byte[]> chunkMatches, boolean forwardFirst) {
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(chunkMatches, "chunkMatches");
        armedRule.set(new CutRule(direction, chunkMatches, forwardFirst));
    }

    /**
     * Makes every relayed chunk, in either direction, cut its connection after forwarding with the given probability,
     * until changed. Probability 0 turns random cuts off; 1 cuts every connection after its first chunk.
     *
     * <p>The decisions come from one {@link Random} seeded with {@code seed}, shared by all connections: a single
     * connection doing strict request/response traffic normally sees a reproducible sequence, concurrent connections
     * draw in whatever order their threads run.
     *
     * @param probabilityPerChunk chance, from 0 to 1, that a chunk cuts its connection
     * @param seed seed of the random sequence
     * @throws IllegalArgumentException if the probability is not within [0, 1]
     */
    public void cutRandomly(double probabilityPerChunk, long seed) {
        if (!(probabilityPerChunk >= 0.0 && probabilityPerChunk <= 1.0)) {
            throw new IllegalArgumentException("probabilityPerChunk must be within [0, 1], was " + probabilityPerChunk);
        }
        randomCuts = probabilityPerChunk == 0.0
                ? NO_RANDOM_CUTS
                : new RandomCuts(probabilityPerChunk, new Random(seed));
    }

    /**
     * Disarms the {@link #cutWhen} rule and turns off {@link #cutRandomly random cuts}. Connections already being cut
     * are still cut; nothing else is cut from now on unless asked again.
     */
    public void stopCutting() {
        armedRule.set(DISARMED);
        randomCuts = NO_RANDOM_CUTS;
    }

    /**
     * Returns how many client connections the proxy has accepted since it started.
     *
     * @return the count, including connections whose target could not be reached
     */
    public long connectionsAccepted() {
        return accepted.get();
    }

    /**
     * Returns how many connections the proxy has cut on purpose: by {@link #cutAllConnections()}, {@link #cutWhen} or
     * {@link #cutRandomly}. Each connection counts at most once; connections closed by a peer, or by {@link #close()},
     * do not count.
     *
     * @return the count
     */
    public long connectionsCut() {
        return cut.get();
    }

    /**
     * Stops the proxy: stops accepting, resets every open connection, and waits for all of the proxy's threads to
     * end. Calling it again does nothing.
     *
     * <p>If the calling thread is interrupted while waiting, it stops waiting and keeps its interrupt status. Called
     * from one of the proxy's own threads (a {@code cutWhen} predicate), it does not wait for that thread.
     *
     * @throws IllegalStateException if a proxy thread is still alive after 10 seconds, naming it
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        closeQuietly(listener);
        connections.forEach(Connection::abortBoth);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_JOIN_MILLIS);
        try {
            // No thread starts once closed is set, so the set only shrinks.
            for (Thread thread : List.copyOf(threads)) {
                if (thread == Thread.currentThread()) {
                    continue;
                }
                long remainingMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (remainingMillis > 0) {
                    thread.join(remainingMillis);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        List<String> alive = new ArrayList<>();
        for (Thread thread : threads) {
            if (thread.isAlive() && thread != Thread.currentThread()) {
                alive.add(thread.getName());
            }
        }
        if (!alive.isEmpty()) {
            throw new IllegalStateException("chaos proxy threads still alive after close: " + alive);
        }
    }

    /**
     * Returns a predicate that matches a chunk containing the ASCII bytes of {@code text}, case-sensitively, for
     * {@link #cutWhen}.
     *
     * <p>With pgjdbc, a commit is sent as the text {@code COMMIT} only while that connection's commit statement is not
     * server-prepared; add {@code prepareThreshold=0} (or {@code preferQueryMode=simple}) to the JDBC URL so that every
     * commit carries the text.
     *
     * @param text the text to look for; not empty, ASCII only
     * @return a predicate on chunks
     * @throws IllegalArgumentException if the text is empty or not ASCII
     */
    public static Predicate<byte[]> containsAscii(String text) {
        Objects.requireNonNull(text, "text");
        if (text.isEmpty() || !StandardCharsets.US_ASCII.newEncoder().canEncode(text)) {
            throw new IllegalArgumentException("text must be non-empty ASCII, was \"" + text + "\"");
        }
        byte[] needle = text.getBytes(StandardCharsets.US_ASCII);
        return chunk -> indexOf(chunk, needle) >= 0;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private void acceptLoop() {
        while (true) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                if (isClosed()) {
                    return;
                }
                LOG.warn("{} could not accept a connection", threadPrefix, e);
                continue;
            }
            accepted.incrementAndGet();
            Connection connection = new Connection(connectionIds.incrementAndGet(), client);
            synchronized (lock) {
                if (closed) {
                    connection.abortBoth();
                    return;
                }
                connections.add(connection);
                startThread(connection.threadName(Direction.CLIENT_TO_SERVER), connection::connectAndRelay);
            }
        }
    }

    private boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    /** Starts a tracked daemon thread unless the proxy is closed; returns whether it started. */
    private boolean startThread(String name, Runnable body) {
        synchronized (lock) {
            if (closed) {
                return false;
            }
            Thread thread = new Thread(() -> {
                try {
                    body.run();
                } finally {
                    threads.remove(Thread.currentThread());
                }
            }, name);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
            return true;
        }
    }

    private static void abort(Socket socket) {
        try {
            // Linger 0 makes close() send RST instead of FIN: the peer sees a reset, not a clean end-of-stream.
            socket.setSoLinger(true, 0);
        } catch (IOException alreadyClosed) {
            // Nothing left to reset.
        }
        closeQuietly(socket);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // Teardown: the connection is being discarded either way.
        }
    }

    /** What to do with one chunk. */
    private enum Verdict { FORWARD, RESET, CUT_AFTER_FORWARDING }

    private Verdict judge(Direction direction, byte[] buffer, int length) {
        CutRule rule = armedRule.get();
        if (rule != DISARMED
                && rule.direction() == direction
                && rule.chunkMatches().test(Arrays.copyOf(buffer, length))
                // Only one connection may consume a one-shot rule.
                && armedRule.compareAndSet(rule, DISARMED)) {
            return rule.forwardFirst() ? Verdict.CUT_AFTER_FORWARDING : Verdict.RESET;
        }
        return randomCuts.fires() ? Verdict.CUT_AFTER_FORWARDING : Verdict.FORWARD;
    }

    private record CutRule(Direction direction, Predicate<byte[]> chunkMatches, boolean forwardFirst) {
    }

    private record RandomCuts(double probability, Random random) {
        boolean fires() {
            return probability > 0.0 && random.nextDouble() < probability;
        }
    }

    /** One client connection and its connection to the target, relayed by one thread per direction. */
    private final class Connection {
        private final long id;
        private final Socket client;
        private final Socket server = new Socket();
        /** Set once, by whichever cut comes first; from then on no byte is relayed in either direction. */
        private final AtomicBoolean cutDone = new AtomicBoolean();
        private final AtomicInteger liveRelays = new AtomicInteger(2);
        private final CountDownLatch clientToServerDone = new CountDownLatch(1);
        private final CountDownLatch serverToClientDone = new CountDownLatch(1);

        Connection(long id, Socket client) {
            this.id = id;
            this.client = client;
        }

        String threadName(Direction direction) {
            return threadPrefix + "-" + id + "-" + direction.name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        void connectAndRelay() {
            try {
                // Without NODELAY a small chunk could wait in the send buffer, and a cut right after it would lose it.
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                server.connect(target, CONNECT_TIMEOUT_MILLIS);
            } catch (IOException e) {
                if (!cutDone.get() && !isClosed()) {
                    // The cause's message ("Connection refused") says it all; a stack trace would only add noise.
                    LOG.warn("{} could not reach {} ({}); resetting the client",
                            threadName(Direction.CLIENT_TO_SERVER), target, e.toString());
                }
                abortBoth();
                finished(Direction.SERVER_TO_CLIENT);
                finished(Direction.CLIENT_TO_SERVER);
                return;
            }
            if (!startThread(threadName(Direction.SERVER_TO_CLIENT), () -> relay(Direction.SERVER_TO_CLIENT))) {
                abortBoth();
                finished(Direction.SERVER_TO_CLIENT);
                finished(Direction.CLIENT_TO_SERVER);
                return;
            }
            relay(Direction.CLIENT_TO_SERVER);
        }

        private Socket source(Direction direction) {
            return direction == Direction.CLIENT_TO_SERVER ? client : server;
        }

        private Socket destination(Direction direction) {
            return direction == Direction.CLIENT_TO_SERVER ? server : client;
        }

        private void relay(Direction direction) {
            Socket destination = destination(direction);
            try {
                InputStream in = source(direction).getInputStream();
                OutputStream out = destination.getOutputStream();
                byte[] buffer = new byte[BUFFER_SIZE];
                while (true) {
                    int length = in.read(buffer);
                    if (length < 0) {
                        if (!cutDone.get()) {
                            // Pass the half-close on; the other direction may still carry a reply.
                            destination.shutdownOutput();
                        }
                        return;
                    }
                    if (cutDone.get()) {
                        // Drained, never relayed or judged: a dead connection must not use up an armed rule or a
                        // random draw meant for a live one.
                        continue;
                    }
                    switch (judge(direction, buffer, length)) {
                        case FORWARD -> {
                            try {
                                out.write(buffer, 0, length);
                            } catch (IOException e) {
                                if (!cutDone.get()) {
                                    throw e;
                                }
                                // Cut while writing: keep reading so the peer being drained is not reset early.
                            }
                        }
                        case RESET -> {
                            reset();
                            return;
                        }
                        case CUT_AFTER_FORWARDING -> {
                            cutAfterForwarding(direction, out, buffer, length);
                            return;
                        }
                    }
                }
            } catch (IOException e) {
                if (!cutDone.get()) {
                    // A peer reset or vanished: pass that on as a reset rather than pretend a clean close.
                    LOG.debug("{} failed; resetting both sides", threadName(direction), e);
                    abortBoth();
                }
            } catch (RuntimeException e) {
                LOG.warn("{} failed (a cutWhen predicate threw?); resetting both sides", threadName(direction), e);
                abortBoth();
            } finally {
                finished(direction);
            }
        }

        /**
         * Resets the other peer, delivers the chunk and an end-of-stream to the destination, and keeps reading the
         * destination (discarding) until it closes, so the chunk is not lost to a reset that overtakes it.
         */
        private void cutAfterForwarding(Direction direction, OutputStream out, byte[] buffer, int length) {
            if (!markCut()) {
                return;
            }
            // The other peer goes first: once the destination has the chunk its reply can come at any moment, and
            // there must be nobody left to relay it to.
            abort(source(direction));
            Socket destination = destination(direction);
            try {
                out.write(buffer, 0, length);
                destination.shutdownOutput();
            } catch (IOException e) {
                LOG.debug("{} could not deliver the last chunk before the cut", threadName(direction), e);
            }
            boolean drained;
            try {
                drained = done(direction.opposite()).await(DRAIN_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                drained = false;
            }
            if (drained) {
                // Nothing unread is left, so a plain close still lets the kernel deliver what is queued.
                closeQuietly(destination);
            } else {
                abort(destination);
            }
            LOG.debug("{} cut after forwarding {} bytes", threadName(direction), length);
        }

        /** Cuts by resetting both peers; returns whether this call did the cut. */
        boolean reset() {
            if (!markCut()) {
                return false;
            }
            abortBoth();
            LOG.debug("{}-{} reset", threadPrefix, id);
            return true;
        }

        private boolean markCut() {
            if (cutDone.compareAndSet(false, true)) {
                cut.incrementAndGet();
                return true;
            }
            return false;
        }

        void abortBoth() {
            abort(client);
            abort(server);
        }

        private CountDownLatch done(Direction direction) {
            return direction == Direction.CLIENT_TO_SERVER ? clientToServerDone : serverToClientDone;
        }

        private void finished(Direction direction) {
            done(direction).countDown();
            if (liveRelays.decrementAndGet() == 0) {
                closeQuietly(client);
                closeQuietly(server);
                connections.remove(this);
            }
        }
    }
}
