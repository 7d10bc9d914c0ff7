package dev.creditgate;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes the idempotency keys of calls that bring none: unique without a lock, a system call or a secure random draw
 * per key ({@code UUID.randomUUID()} costs all three on every charge). A key is this JVM's random 64-bit prefix, drawn
 * once from {@link SecureRandom}, and a counter: unique within the JVM, and across JVMs unless two draw the same
 * prefix (a chance of about one in 2^64 per pair). Keys need to be unique, not secret.
 */
final class FreshKeys {

    private static final String PREFIX = "cg-" + HexFormat.of().toHexDigits(new SecureRandom().nextLong()) + "-";
    private static final AtomicLong COUNTER = new AtomicLong();

    private FreshKeys() {
    }

    static String next() {
        return PREFIX + Long.toString(COUNTER.incrementAndGet(), Character.MAX_RADIX);
    }
}
