package dev.creditgate.cli;

import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A progress bar on standard error. On a terminal it is redrawn in place while the work runs; otherwise (a pipe, a
 * file, a test) only the finished line is written.
 */
final class Progress {

    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintWriter err;
    private final boolean live;
    private final String label;
    private final int total;
    private final long started = System.nanoTime();
    private final AtomicInteger done = new AtomicInteger();
    private long drawnAt;

    private Progress(PrintWriter err, boolean live, String label, int total) {
        this.err = err;
        this.live = live;
        this.label = label;
        this.total = total;
    }

    /** Starts a bar; {@code live} when standard error is a terminal. */
    static Progress start(PrintWriter err, boolean live, String label, int total) {
        Progress progress = new Progress(err, live, label, total);
        if (live) {
            progress.draw(0, "");
        }
        return progress;
    }

    void step() {
        int now = done.incrementAndGet();
        if (live) {
            synchronized (this) {
                long time = System.nanoTime();
                if (time - drawnAt >= REDRAW_NANOS) {
                    drawnAt = time;
                    draw(now, "");
                }
            }
        }
    }

    synchronized void finish() {
        long millis = (System.nanoTime() - started) / 1_000_000;
        draw(done.get(), String.format("  %.1f s%n", millis / 1000.0));
    }

    private void draw(int count, String end) {
        int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * count / total);
        err.print((live ? "\r" : "") + String.format("  %-12s [%s%s] %d/%d", label, "#".repeat(filled),
                ".".repeat(WIDTH - filled), count, total) + end);
        err.flush();
    }
}
