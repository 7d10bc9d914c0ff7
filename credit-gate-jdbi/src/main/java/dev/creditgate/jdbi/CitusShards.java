package dev.creditgate.jdbi;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Where Citus keeps each account's rows: the hash ranges of the accounts table's shards and the worker node of each,
 * read once, so that {@link ChargeBatcher} can put accounts of one node in one lane and keep each batch's
 * transaction on one node (no two-phase commit across workers).
 *
 * <p>Citus hashes a text distribution column with PostgreSQL's {@code hashtext()}; {@link #hashText(String)}
 * computes the same value in Java, and a test compares it with the server's for many ids. A wrong guess, or a map
 * made stale by a rebalance, costs speed only: a batch that spans nodes is as correct as one that does not.
 */
final class CitusShards {

    /** The smallest hash value of each shard, ascending. */
    private final int[] minimums;
    /** The lane of each shard, in the order of {@link #minimums}. */
    private final int[] laneOfShard;

    private CitusShards(int[] minimums, int[] laneOfShard) {
        this.minimums = minimums;
        this.laneOfShard = laneOfShard;
    }

    /**
     * Reads the shards of a hash-distributed accounts table whose id column is text, and spreads them over the lanes
     * so that each lane serves one node where there are at least as many lanes as nodes.
     *
     * @return empty when the table is not hash-distributed by a text column, or has no shards
     */
    static Optional<CitusShards> load(Handle handle, String accountsTable, int lanes) {
        List<Map<String, Object>> shards = handle.createQuery("""
                        SELECT CAST(s.shardminvalue AS integer) AS minimum, p.groupid AS node
                        FROM pg_dist_shard s
                        JOIN pg_dist_partition t ON t.logicalrelid = s.logicalrelid
                        JOIN pg_dist_placement p ON p.shardid = s.shardid
                        WHERE s.logicalrelid = CAST(:table AS regclass) AND t.partmethod = 'h'
                          AND (SELECT atttypid FROM pg_attribute WHERE attrelid = s.logicalrelid
                               AND attname = column_to_column_name(s.logicalrelid, t.partkey))
                              IN (CAST('text' AS regtype), CAST('varchar' AS regtype))
                        ORDER BY 1, 2
                        """)
                .bind("table", accountsTable).mapToMap().list();
        if (shards.isEmpty()) {
            return Optional.empty();
        }
        // One placement per shard (replication factor 1 is Citus's default); with more, the first one.
        Map<Integer, Integer> nodeOfMinimum = new LinkedHashMap<>();
        for (Map<String, Object> shard : shards) {
            nodeOfMinimum.putIfAbsent(((Number) shard.get("minimum")).intValue(),
                    ((Number) shard.get("node")).intValue());
        }
        int[] minimums = nodeOfMinimum.keySet().stream().mapToInt(Integer::intValue).toArray();
        int[] nodes = nodeOfMinimum.values().stream().mapToInt(Integer::intValue).toArray();
        return Optional.of(new CitusShards(minimums, lanes(nodes, lanes)));
    }

    /**
     * Gives each shard a lane: the lanes are dealt to the nodes in turn (lane i to node i mod nodes), and a node's
     * shards take turns on its lanes. With fewer lanes than nodes, lanes serve several nodes.
     */
    static int[] lanes(int[] nodeOfShard, int laneCount) {
        int[] distinct = Arrays.stream(nodeOfShard).distinct().sorted().toArray();
        List<List<Integer>> lanesOfNode = new ArrayList<>();
        for (int n = 0; n < distinct.length; n++) {
            List<Integer> own = new ArrayList<>();
            for (int lane = n % laneCount; lane < laneCount; lane += distinct.length) {
                own.add(lane);
            }
            if (own.isEmpty()) {
                own.add(n % laneCount);
            }
            lanesOfNode.add(own);
        }
        int[] seen = new int[distinct.length];
        int[] lanes = new int[nodeOfShard.length];
        for (int s = 0; s < nodeOfShard.length; s++) {
            int n = Arrays.binarySearch(distinct, nodeOfShard[s]);
            List<Integer> own = lanesOfNode.get(n);
            lanes[s] = own.get(seen[n]++ % own.size());
        }
        return lanes;
    }

    /** The lane of the account's shard. */
    int lane(String accountId) {
        return laneOfShard[shardIndex(accountId)];
    }

    /** The position of the account's shard among the shards in ascending order of their hash ranges. */
    int shardIndex(String accountId) {
        int index = Arrays.binarySearch(minimums, hashText(accountId));
        return index >= 0 ? index : Math.max(0, -index - 2);
    }

    /** PostgreSQL's {@code hashtext()} of a value in a UTF-8 database with a deterministic collation. */
    static int hashText(String value) {
        return hashBytes(value.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * PostgreSQL's {@code hash_bytes()}: Bob Jenkins's lookup3 hash as PostgreSQL adapted it (its own initial value,
     * and the final mix applied to every length), reading words little-endian as it does on x86 and ARM.
     */
    static int hashBytes(byte[] k) {
        int length = k.length;
        int a = 0x9e3779b9 + length + 3923095;
        int b = a;
        int c = a;
        int at = 0;
        int left = length;
        while (left >= 12) {
            a += word(k, at);
            b += word(k, at + 4);
            c += word(k, at + 8);
            a -= c;
            a ^= Integer.rotateLeft(c, 4);
            c += b;
            b -= a;
            b ^= Integer.rotateLeft(a, 6);
            a += c;
            c -= b;
            c ^= Integer.rotateLeft(b, 8);
            b += a;
            a -= c;
            a ^= Integer.rotateLeft(c, 16);
            c += b;
            b -= a;
            b ^= Integer.rotateLeft(a, 19);
            a += c;
            c -= b;
            c ^= Integer.rotateLeft(b, 4);
            b += a;
            at += 12;
            left -= 12;
        }
        // The last 0 to 11 bytes; the lowest byte of c is left for the length, as PostgreSQL leaves it.
        if (left >= 9) {
            c += tail(k, at + 8, left - 8) << 8;
        }
        if (left >= 5) {
            b += tail(k, at + 4, Math.min(left - 4, 4));
        }
        if (left >= 1) {
            a += tail(k, at, Math.min(left, 4));
        }
        c ^= b;
        c -= Integer.rotateLeft(b, 14);
        a ^= c;
        a -= Integer.rotateLeft(c, 11);
        b ^= a;
        b -= Integer.rotateLeft(a, 25);
        c ^= b;
        c -= Integer.rotateLeft(b, 16);
        a ^= c;
        a -= Integer.rotateLeft(c, 4);
        b ^= a;
        b -= Integer.rotateLeft(a, 14);
        c ^= b;
        c -= Integer.rotateLeft(b, 24);
        return c;
    }

    private static int word(byte[] k, int at) {
        return tail(k, at, 4);
    }

    /** Up to four bytes as a little-endian integer. */
    private static int tail(byte[] k, int at, int count) {
        int value = 0;
        for (int i = count - 1; i >= 0; i--) {
            value = (value << 8) | (k[at + i] & 0xff);
        }
        return value;
    }
}
